"""Forms of the set-up pages: programmes, organisations, schemes and their parties,
invitations. Every choice is taken from the programme or scheme the view resolved, so a
form never offers (or accepts) another programme's objects."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from benchmarks.models import BenchmarkStatus, BenchmarkVersion, KeyFactor
from mentoring.access import ASSOCIATION, COORDINATOR, FACILITATOR, MENTEE, MENTOR, ROLE_LABELS
from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin, TextLimitMixin
from mentoring.numbers import INTEGER, MONEY, NumberField
from mentoring.submissions import SubmitOnceMixin

from .models import (
    GoodPractice,
    LocalSupportGroupMember,
    Organisation,
    OrganisationKind,
    PoliticalCommitment,
    Programme,
    Scheme,
    SchemeRole,
    SchemeKind,
    Side,
)
from .services.schemes import MAX_VISITS, MIN_VISITS


RESERVED_SLUGS = {"new", "edit", "history", "people", "organisations", "schemes", "invitations"}


class ProgrammeForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    new_coordinating_body = forms.CharField(
        label=_("...or register a new coordinating body"),
        max_length=200,
        required=False,
        help_text=_("The network or association that runs the programme, if it is not in the list."),
    )

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
            "default_visit_count",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "facilitator_organisations": forms.CheckboxSelectMultiple,
            "benchmarks": forms.CheckboxSelectMultiple,
        }
        help_texts = {"slug": _("Lower-case letters, digits and hyphens, used in addresses: e.g. inclucities.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinating_body"].queryset = Organisation.objects.filter(kind=OrganisationKind.NETWORK)
        self.fields["coordinating_body"].required = False
        self.order_fields(["name", "slug", "description", "coordinating_body", "new_coordinating_body"])
        self.fields["facilitator_organisations"].queryset = Organisation.objects.filter(kind=OrganisationKind.FACILITATOR)
        self.fields["benchmarks"].queryset = BenchmarkVersion.objects.filter(
            status=BenchmarkStatus.PUBLISHED
        ).select_related("benchmark")
        self.fields["default_visit_count"].validators = []
        self.fields["default_visit_count"].widget.attrs.update(min=MIN_VISITS, max=MAX_VISITS)

    def clean_default_visit_count(self):
        count = self.cleaned_data["default_visit_count"]
        if not MIN_VISITS <= count <= MAX_VISITS:
            raise ValidationError(
                _("A scheme has between %(min)s and %(max)s visits."), params={"min": MIN_VISITS, "max": MAX_VISITS}
            )
        return count

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved; choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
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
            self.instance.coordinating_body, _created = Organisation.objects.get_or_create(
                kind=OrganisationKind.NETWORK, name=name, defaults={"country": ""}
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

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        associations = programme.cities.filter(kind=OrganisationKind.ASSOCIATION)
        if self.instance.pk:
            associations = associations.exclude(pk=self.instance.pk)
        self.fields["member_of"].queryset = associations
        self.fields["member_of"].help_text = _("The municipal associations of this programme it belongs to.")

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
            if clash.exists():
                self.add_error("name", _("An organisation of this kind with this name and country is already registered."))
        return cleaned


class SchemeForm(PlainTextMixin, ConcurrentEditMixin, forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["title", "theme", "kind", "focus", "benchmark", "start_date", "end_date", "summary"]
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
    organisation = forms.ModelChoiceField(label=_("City or association"), queryset=Organisation.objects.none(), required=False)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, required=False)

    def __init__(self, *args, programme, number=None, **kwargs):
        super().__init__(*args, **kwargs)
        if number is not None:
            # Each row's fields have their own accessible name: "Party 2: city or association".
            self.fields["organisation"].label = _("Party %(number)s: city or association") % {"number": number}
            self.fields["side"].label = _("Party %(number)s: side") % {"number": number}
        self.fields["organisation"].queryset = programme.cities.filter(
            kind__in=[OrganisationKind.CITY, OrganisationKind.ASSOCIATION]
        ).order_by("kind", "name")

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
        for organisation, _side in parties:
            if organisation.pk in seen:
                raise ValidationError(_("%(name)s is listed twice."), params={"name": organisation.name})
            seen.add(organisation.pk)
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


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=6, max_num=12, validate_max=True, absolute_max=12
)


class InvitationForm(PlainTextMixin, SubmitOnceMixin, forms.Form):
    """Invite a person by e-mail to a role in a programme or a scheme."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none(), required=False)
    message = forms.CharField(label=_("Personal message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)

    def __init__(self, *args, roles, organisations, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["role"].choices = [(role, label) for role, label in ROLE_LABELS.items() if role in roles]
        organisation_choices(self.fields["organisation"], organisations)
        if scheme is not None:
            self.fields["organisation"].help_text = _(
                "City and association officers act on behalf of a party of the scheme."
            )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("This address already has an account. Give the role to the existing account instead (below)."),
                code="exists",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        self.party = role_party_check(self, cleaned)
        return cleaned


class RoleGrantForm(forms.Form):
    """Give a role to someone who already has an account."""

    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, roles, organisations, programme, scheme=None, giver=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.scheme, self.giver = programme, scheme, giver
        self.fields["role"].choices = [(role, label) for role, label in ROLE_LABELS.items() if role in roles]
        organisation_choices(self.fields["organisation"], organisations)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if self.user is None:
            raise ValidationError(_("No account has this address. Send an invitation instead (above)."), code="missing")
        if self.giver is not None and self.user.pk == self.giver.pk:
            raise ValidationError(
                _("You cannot give a role to yourself. Ask another coordinator of the programme."), code="self"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        self.party = role_party_check(self, cleaned)
        user, role = getattr(self, "user", None), cleaned.get("role")
        if user is not None and role:
            conflict = role_conflict(user=user, programme=self.programme, scheme=self.scheme, role=role)
            if conflict:
                self.add_error("role", conflict)
        return cleaned


CITY_ROLES = {MENTEE, MENTOR, ASSOCIATION}


def role_conflict(*, user, programme, scheme, role):
    """Why ``user`` may not take ``role`` (None when they may): who runs or helps a scheme
    (its programme's coordinator, its facilitator) never also acts for one of its cities
    or associations, so nobody submits or approves a city's documents as its helper."""
    if scheme is None:
        if role != COORDINATOR:
            return None
        if SchemeRole.objects.filter(user=user, scheme__programme=programme, role__in=CITY_ROLES).exists():
            return _("This person acts for a city or association in this programme: they cannot also coordinate it.")
        return None
    held = set(scheme.roles.filter(user=user).values_list("role", flat=True))
    if programme.roles.filter(user=user, role=COORDINATOR).exists():
        held.add(COORDINATOR)
    if role in {FACILITATOR, COORDINATOR} and held & CITY_ROLES:
        return _("This person acts for a city or association of this scheme: they cannot also facilitate it.")
    if role in CITY_ROLES and held & {FACILITATOR, COORDINATOR}:
        return _("This person facilitates or coordinates this scheme: they cannot also act for one of its cities.")
    return None


def organisation_choices(field, organisations):
    """``field`` offers ``organisations`` (a queryset, evaluated once by the caller and
    shared by the page's forms) and accepts only those: the choices are drawn from its
    rows, so two forms on one page do not each query them again."""
    field.queryset = organisations
    field.choices = [("", field.empty_label), *((organisation.pk, field.label_from_instance(organisation)) for organisation in organisations)]


def role_party_check(form, cleaned):
    """City and association officers act for a party of the scheme: a mentee officer for
    a mentee-side (or peer) city, a mentor officer for a mentor-side (or peer) city, an
    association officer for an association of the scheme. Returns that party."""
    role, organisation = cleaned.get("role"), cleaned.get("organisation")
    if form.scheme is None or role not in {MENTEE, MENTOR, ASSOCIATION}:
        return None
    if organisation is None:
        form.add_error("organisation", _("Choose the city or association this person acts for."))
        return None
    party = next((p for p in form.scheme.parties.all() if p.organisation_id == organisation.pk), None)
    expected_kind = OrganisationKind.ASSOCIATION if role == ASSOCIATION else OrganisationKind.CITY
    expected_sides = {MENTEE: {Side.MENTEE, Side.PEER}, MENTOR: {Side.MENTOR, Side.PEER}}.get(role, set(Side.values))
    if party is None or organisation.kind != expected_kind or party.side not in expected_sides:
        form.add_error(
            "organisation",
            _("For this role, choose a %(kind)s on the right side of this scheme.")
            % {"kind": OrganisationKind(expected_kind).label.lower()},
        )
        return None
    return party


class PoliticalCommitmentForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """Who committed (name, office, party or cross-party), when, to what, and the evidence."""

    class Meta:
        model = PoliticalCommitment
        fields = ["name", "office", "party", "cross_party", "date", "scope", "evidence"]
        widgets = {"date": DateInput(), "evidence": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"party": _("The political party, unless the commitment is cross-party.")}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("party") and not cleaned.get("cross_party"):
            self.add_error("party", _("Give the party, or tick cross-party."))
        return cleaned


class SupportGroupMemberForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = LocalSupportGroupMember
        fields = ["name", "organisation", "stakeholder_type", "role", "email", "phone"]
        widgets = {"role": forms.Textarea(attrs={"rows": 2})}


def programme_key_factors(programme):
    """The key factors of the benchmarks a programme offers or its schemes use. Subqueries,
    not joins: a benchmark version used by thousands of schemes adds no rows to sort out."""
    from .models import Programme, Scheme

    programme = getattr(programme, "pk", programme)  # a programme or its id
    offered = Programme.benchmarks.through.objects.filter(programme_id=programme).values("benchmarkversion_id")
    used = Scheme.objects.filter(programme_id=programme, benchmark__isnull=False).values("benchmark_id")
    return (
        KeyFactor.objects.filter(Q(version__in=offered) | Q(version__in=used))
        .select_related("version")
        .order_by("version__title", "order")
    )


def key_factor_label(key_factor):
    return f"{key_factor.version.title}: {key_factor.number}. {key_factor.title}"


class KeyFactorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return key_factor_label(obj)


class GoodPracticeForm(TextLimitMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """Annex 4: a good practice of a city the writer acts for, linked to key factors of
    the programme's benchmarks. Like a questionnaire answer, any text is kept as written
    and shown as text."""

    key_factors = KeyFactorChoiceField(
        label=_("Key factors"),
        queryset=KeyFactor.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The benchmark key factors this practice shows how to meet."),
    )

    class Meta:
        model = GoodPractice
        fields = [
            "city", "title", "theme", "where", "lead_agencies", "context", "description", "resources", "results",
            "success_factors", "risks", "transferability", "contact", "further_information", "key_factors",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("context", "description", "resources", "results", "success_factors", "risks",
                         "transferability", "further_information")
        }
        help_texts = {
            "where": _("The city, neighbourhood or service where it runs."),
            "theme": _("In a few words, e.g. housing, language learning, participation."),
            "contact": _("Who to ask about it: name, service, e-mail."),
        }

    def __init__(self, *args, programme, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
        self.fields["city"].empty_label = None
        self.fields["city"].help_text = _("A city you act for in this programme.")
        self.fields["key_factors"].queryset = programme_key_factors(programme)
