"""Forms of the set-up pages: programmes, organisations, schemes and their parties.
Every choice is taken from the programme or scheme the view resolved, so a form never
offers (or accepts) another programme's objects."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from benchmarks.models import BenchmarkStatus, BenchmarkVersion
from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin
from mentoring.numbers import INTEGER, MONEY, NumberField
from mentoring.submissions import SubmitOnceMixin

from ..branding import IMAGE_HELP, data_uri, image_clean
from ..models import (
    Organisation,
    OrganisationKind,
    Programme,
    Scheme,
    SchemeKind,
    Side,
)
from ..models.organisations import COORDINATING_KINDS, PARTY_KINDS
from ..models.programmes import reminder_days_parse, reminder_days_text
from ..services.schemes import MAX_VISITS, MIN_VISITS

RESERVED_SLUGS = {"new", "edit", "history", "people", "organisations", "schemes", "invitations"}


class ReminderDaysField(forms.CharField):
    """Numbers of days typed as "14, 3" (or "3 14", "14;3"): each 0 to 90, at most four,
    kept largest first as "14, 3"; anything else is refused with what is wrong."""

    def __init__(self, **kwargs):
        # Room for what people type; the count and the range are checked by the parse,
        # with messages that say so, rather than by a character count.
        kwargs["max_length"] = 200
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="off")

    def to_python(self, value):
        value = super().to_python(value)
        return reminder_days_text(reminder_days_parse(value))


class ProgrammeForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    new_coordinating_body = forms.CharField(
        label=_("...or register a new coordinating body"),
        max_length=200,
        required=False,
        help_text=_("The network or association that runs the programme, if it is not in the list."),
    )
    new_coordinating_body_kind = forms.ChoiceField(
        label=_("The new coordinating body is"),
        choices=[(kind, OrganisationKind(kind).label) for kind in COORDINATING_KINDS],
        initial=OrganisationKind.NETWORK,
        required=False,
    )

    # The stored images are never linked (the attachments storage has no public address):
    # the form shows a preview, and a box to remove each.
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)
    emblem_remove = forms.BooleanField(label=_("Remove the emblem"), required=False)

    class Meta:
        model = Programme
        fields = [
            "name",
            "slug",
            "description",
            "coordinating_body",
            "facilitator_organisations",
            "benchmarks",
            "start_date",
            "end_date",
            "funding",
            # What every document prints at its top (schemes/branding.py, issue 26).
            "logo",
            "funding_line",
            "emblem",
            "default_visit_count",
            "reminder_days_before_visit",
            "reminder_days_before_due",
            "associations_edit_strengths",
            # The programme's words for the two sides (schemes/terms.py)
            "mentee_term",
            "mentee_term_own",
            "mentee_term_own_plural",
            "mentor_term",
            "mentor_term_own",
            "mentor_term_own_plural",
        ]
        field_classes = {"reminder_days_before_visit": ReminderDaysField, "reminder_days_before_due": ReminderDaysField}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "facilitator_organisations": forms.CheckboxSelectMultiple,
            "benchmarks": forms.CheckboxSelectMultiple,
            "mentee_term": forms.RadioSelect,
            "mentor_term": forms.RadioSelect,
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
            "emblem": forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        }
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens, used in addresses: e.g. inclucities."),
            "logo": IMAGE_HELP,
            # Joined when shown (format_lazy): "+" would join them once, at import, in English.
            "emblem": format_lazy(
                "{}{}",
                _("Optional: the funder's emblem (for example the EU flag), printed beside the funding line. "),
                IMAGE_HELP,
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A network, or a municipal association brokering mentoring between its members.
        self.fields["coordinating_body"].queryset = Organisation.objects.filter(kind__in=COORDINATING_KINDS)
        self.fields["coordinating_body"].help_text = _("A network, or a municipal association that runs the programme.")
        self.fields["coordinating_body"].required = False
        self.order_fields(
            ["name", "slug", "description", "coordinating_body", "new_coordinating_body", "new_coordinating_body_kind"]
        )
        self.fields["facilitator_organisations"].queryset = Organisation.objects.filter(kind=OrganisationKind.FACILITATOR)
        self.fields["benchmarks"].queryset = BenchmarkVersion.objects.filter(status=BenchmarkStatus.PUBLISHED).select_related(
            "benchmark"
        )
        self.fields["default_visit_count"].validators = []
        self.fields["default_visit_count"].widget.attrs.update(min=MIN_VISITS, max=MAX_VISITS)
        # A form posted without a choice of words (an older page, a script) keeps the programme's.
        for name in ("mentee_term", "mentor_term"):
            self.fields[name].required = False
        self._image_fields()

    def _image_fields(self):
        """Each image field with a preview of the stored image, followed by its "remove"
        box (only when there is one to remove)."""
        order = list(self.fields)
        for name in ("logo", "emblem"):
            order.remove(f"{name}_remove")
            stored = getattr(self.instance, name)
            uri = data_uri(stored) if stored else ""
            if not uri:
                del self.fields[f"{name}_remove"]
                continue
            field = self.fields[name]
            field.help_text = format_html(
                '{}<br><img src="{}" alt="{}" class="mt-1 border" style="max-height: 3rem">',
                field.help_text,
                uri,
                _("The current image"),
            )
            order.insert(order.index(name) + 1, f"{name}_remove")
        self.order_fields(order)

    def clean_default_visit_count(self):
        count = self.cleaned_data["default_visit_count"]
        if not MIN_VISITS <= count <= MAX_VISITS:
            raise ValidationError(
                _("A scheme has between %(min)s and %(max)s visits."), params={"min": MIN_VISITS, "max": MAX_VISITS}
            )
        return count

    def _image(self, name):
        # A new upload is checked and re-encoded; otherwise the stored image (or False: cleared).
        value = self.cleaned_data.get(name)
        if isinstance(value, UploadedFile):
            return image_clean(value)
        return value

    def clean_logo(self):
        return self._image("logo")

    def clean_emblem(self):
        return self._image("emblem")

    def clean_mentee_term(self):
        return self.cleaned_data["mentee_term"] or self.instance.mentee_term

    def clean_mentor_term(self):
        return self.cleaned_data["mentor_term"] or self.instance.mentor_term

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved; choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        for name in ("logo", "emblem"):
            # Removed, unless a new image replaces it in the same save.
            if cleaned.get(f"{name}_remove") and not isinstance(cleaned.get(name), ContentFile):
                cleaned[name] = False
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        if not cleaned.get("coordinating_body") and not cleaned.get("new_coordinating_body"):
            self.add_error("coordinating_body", _("Choose the coordinating body, or register a new one below."))
        return cleaned

    def save(self, commit=True):
        # A new coordinating body is registered with the save (inside the service's transaction).
        name = self.cleaned_data.get("new_coordinating_body")
        if name:
            kind = self.cleaned_data.get("new_coordinating_body_kind") or OrganisationKind.NETWORK
            self.instance.coordinating_body, _created = Organisation.objects.get_or_create(
                kind=kind, name=name, defaults={"country": ""}
            )
        return super().save(commit=commit)


def profile_number(name, kind, unit=""):
    """The form field of a count or an amount of an organisation's profile: read as its
    writer meant it, or the form asks (mentoring/numbers.py), up to what its column holds."""
    model_field = Organisation._meta.get_field(name)
    if kind == INTEGER:
        largest = 2_147_483_647  # a PositiveIntegerField on every database
    else:
        largest = Decimal(10) ** (model_field.max_digits - model_field.decimal_places) - Decimal("0.01")
    return NumberField(kind=kind, unit=unit, label=capfirst(model_field.verbose_name), required=False, max_value=largest)


class OrganisationForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A city, municipal association, network or facilitator organisation. The profile
    facts (population, budget...) are those of the local-context block of Annex 2/3."""

    population = profile_number("population", INTEGER)
    migrant_population = profile_number("migrant_population", INTEGER)
    annual_budget = profile_number("annual_budget", MONEY, "EUR")
    integration_budget = profile_number("integration_budget", MONEY, "EUR")

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "short_name",
            "country",
            "region",
            "website",
            "description",
            "member_of",
            "population",
            "migrant_population",
            "main_nationalities",
            "annual_budget",
            "integration_budget",
            "government_structure",
            "governance_notes",
        ]
        widgets = {"member_of": forms.CheckboxSelectMultiple}

    #: The organisation already known to the site that a new registration would duplicate.
    known_organisation = None

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        associations = programme.cities.filter(kind=OrganisationKind.ASSOCIATION)
        if self.instance.pk:
            associations = associations.exclude(pk=self.instance.pk)
        self.fields["member_of"].queryset = associations
        self.fields["member_of"].help_text = _("The municipal associations of this programme it belongs to.")

    def clean_member_of(self):
        """The associations chosen here, and those of other programmes it belongs to (not
        offered here, and kept: the organisation is one record across programmes)."""
        chosen = self.cleaned_data["member_of"]
        if not self.instance.pk:
            return chosen
        outside = self.instance.member_of.exclude(pk__in=self.programme.cities.values("pk")).values_list("pk", flat=True)
        return Organisation.objects.filter(pk__in=[*chosen.values_list("pk", flat=True), *outside])

    def clean(self):
        cleaned = super().clean()
        population, migrants = cleaned.get("population"), cleaned.get("migrant_population")
        if population is not None and migrants is not None and migrants > population:
            self.add_error("migrant_population", _("This is more than the number of inhabitants."))
        annual, integration = cleaned.get("annual_budget"), cleaned.get("integration_budget")
        if annual is not None and integration is not None and integration > annual:
            self.add_error("integration_budget", _("This is more than the whole municipal budget."))
        name, kind, country = cleaned.get("name"), cleaned.get("kind"), cleaned.get("country")
        if name and kind:
            clash = Organisation.objects.filter(kind=kind, name__iexact=name, country=country or "")
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            # Organisations are site-wide: the message never says which programme holds
            # one (issue 26); a known one is added to this programme from the search.
            if clash.filter(pk__in=self.programme.cities.values("pk")).exists():
                self.add_error("name", _("This programme already has an organisation of this kind with this name and country."))
            elif clash.exists():
                self.known_organisation = clash.first()
                if kind == OrganisationKind.CITY:
                    message = _("A city of this name in this country is already known: add it to your programme.")
                else:
                    message = _(
                        "An organisation of this kind with this name in this country is already known: add it to your programme."
                    )
                self.add_error("name", message)
        return cleaned


class SchemeForm(PlainTextMixin, ConcurrentEditMixin, forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["title", "theme", "kind", "focus", "ends_with_final_plan", "benchmark", "start_date", "end_date", "summary"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "kind": forms.RadioSelect}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        # The benchmarks the programme offers, and the one the scheme already uses.
        self.fields["benchmark"].queryset = (
            BenchmarkVersion.objects.filter(Q(programmes=programme) | Q(pk=self.instance.benchmark_id or 0))
            .select_related("benchmark")
            .distinct()
        )
        self.fields["benchmark"].empty_label = _("No benchmark")
        self.fields["benchmark"].help_text = _("One of the benchmarks this programme offers, or none.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        # With several stages, the benchmarks change on the stages page, where each
        # stage's removal asks first: never as a side effect of this form.
        if self.instance.pk and "benchmark" in self.changed_data and self.instance.benchmark_stages.count() > 1:
            self.add_error(
                "benchmark",
                _("This scheme has several benchmark stages: change its benchmarks on its page “Benchmark of each stage”."),
            )
        return cleaned


class SchemeCreateForm(SubmitOnceMixin, SchemeForm):
    visit_count = forms.IntegerField(
        label=_("Number of visits"),
        min_value=MIN_VISITS,
        max_value=MAX_VISITS,
        help_text=_("The default series: setting the scene, inspiration, consolidation. 2 to 10 visits."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_count"].initial = self.programme.default_visit_count


class PartyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("City or organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Select a valid choice: a city, municipal association, service provider or civil-society "
                "organisation registered in this programme."
            )
        },
    )
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, required=False)

    def __init__(self, *args, programme, number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [(side, programme.terms.side_label(side)) for side in Side.values]  # its words
        if number is not None:
            # Each row's fields have their own accessible name: "Party 2: city or association".
            self.fields["organisation"].label = _("Party %(number)s: city or organisation") % {"number": number}
            self.fields["side"].label = _("Party %(number)s: side") % {"number": number}
        # Networks and facilitator organisations run programmes: they are no party.
        self.fields["organisation"].queryset = programme.cities.filter(kind__in=PARTY_KINDS).order_by("kind", "name")

    def has_changed(self):
        # A row that names an organisation counts, even when it equals its initial value
        # (otherwise the formset would skip validating it and drop the party).
        return bool(self.data.get(self.add_prefix("organisation"))) or super().has_changed()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation") and not cleaned.get("side"):
            self.add_error("side", _("Choose the side of this party."))
        return cleaned


class BasePartyFormSet(forms.BaseFormSet):
    """The parties of a scheme, checked against its kind: a mentoring scheme has at least
    one city, usually on both sides (two mentors, several cities are fine; one side alone
    while it prepares and waits for a match); a community of practice has at least two
    peer cities and no sides."""

    def __init__(self, *args, programme, kind=None, **kwargs):
        self.programme = programme
        self.kind = kind
        super().__init__(*args, form_kwargs={"programme": programme}, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs["number"] = index + 1
        return kwargs

    def parties(self):
        return [
            (form.cleaned_data["organisation"], form.cleaned_data["side"])
            for form in self.forms
            if form.cleaned_data.get("organisation")
        ]

    def clean(self):
        if any(self.errors):
            return
        parties = self.parties()
        seen = set()
        # An association (or another organisation that is not a city) may sit on both
        # sides, brokering a pairing of two of its members (seed 000); once per side.
        for organisation, side in parties:
            if (organisation.pk, side) in seen:
                raise ValidationError(_("%(name)s is listed twice on the same side."), params={"name": organisation.name})
            if organisation.kind == OrganisationKind.CITY and any(pk == organisation.pk for pk, _side in seen):
                raise ValidationError(
                    _("%(name)s is listed twice: a city sits on one side only."), params={"name": organisation.name}
                )
            seen.add((organisation.pk, side))
        cities = [(org, side) for org, side in parties if org.kind == OrganisationKind.CITY]
        if self.kind == SchemeKind.COMMUNITY:
            if any(side != Side.PEER for _org, side in parties):
                raise ValidationError(_("In a community of practice every party is a peer."))
            if len(cities) < 2:
                raise ValidationError(_("A community of practice needs at least two cities."))
        else:
            if any(side == Side.PEER for _org, side in parties):
                raise ValidationError(_("Peers belong to a community of practice; choose the mentee or mentor side."))
            # One side alone is a scheme in preparation: a mentee city waiting for a mentor
            # (found on the Matching page), or a city offering to mentor.
            if not cities:
                raise ValidationError(_("A mentoring scheme needs at least one city."))


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=6, max_num=12, validate_max=True, absolute_max=12)
