"""Forms for visits and their agendas (issue 6). Choices (host cities, participants, local
support group members) come from the scheme the view resolved, so someone of another
scheme is not a valid choice."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring.forms import ConcurrentEditMixin, DateInput, PlainTextMixin, TextLimitMixin, validate_plain_text
from mentoring.submissions import SubmitOnceMixin
from mentoring.templatetags.dates import day_heading

from ..models import (
    AgendaItem,
    GoodPractice,
    LocalSupportGroupMember,
    MeetingMode,
    Organisation,
    OrganisationKind,
    SessionType,
    Visit,
    VisitDay,
    VisitKind,
)
from ..services.schemes import kind_for_host_side
from ..services.visits import session_check, session_text

TIME_ZONES = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/"))
TYPICAL_DAYS = (1, 5)  # a visit outside this many days is unusual: a warning, not an error


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def scheme_support_group_members(scheme):
    return (
        LocalSupportGroupMember.objects.filter(group__scheme=scheme)
        .select_related("group__city")
        .order_by("group__city__name", "name")
    )


def surface_empty_choice_errors(form):
    """A list of people to tick that is empty shows no message of its own: repeat its
    errors (someone of another scheme) at the top of the form."""
    for name, form_field in form.fields.items():
        if isinstance(form_field, forms.ModelMultipleChoiceField) and name in form.errors and not form_field.queryset.exists():
            for error in form.errors[name]:
                form.add_error(None, f"{form_field.label}: {error}")


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return (
            f"{member.name} ({member.organisation}, {member.group.city.name})"
            if member.organisation
            else f"{member.name} ({member.group.city.name})"
        )


class VisitForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(zone, zone) for zone in TIME_ZONES])

    class Meta:
        model = Visit
        fields = [
            "title",
            "host",
            "mode",
            "kind",
            "status",
            "start_date",
            "end_date",
            "time_zone",
            "location",
            "contact",
            "aim",
            "expected_outcome",
            "clarifying_questions",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "aim": forms.Textarea(attrs={"rows": 3}),
            "expected_outcome": forms.Textarea(attrs={"rows": 3}),
            "clarifying_questions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "aim": _("Every visit has a precise aim: what this visit is for."),
            "end_date": _("Two or three days is typical; online visits may be shorter."),
        }

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["host"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.CITY, scheme_parties__scheme=scheme
        ).order_by("name")
        self.fields["aim"].required = True
        self.fields["expected_outcome"].required = True
        # A new visit's kind may be left to the host city: the mentee side's is a visit to
        # the mentee city, the mentor side's a study visit (online: an online visit).
        self.fields["kind"].required = False
        if not self.instance.pk:
            self.fields["kind"].choices = [("", _("From the host city")), *VisitKind.choices]
            self.initial.setdefault("kind", "")
        self._add_day_contacts()

    # One "Contact on <day>" field per day of the visit's saved dates (issue 26), right
    # after the visit's own contact; a new visit, or one without dates, has none.
    DAY_CONTACT_PREFIX = "day_contact_"

    def _add_day_contacts(self):
        self.day_fields = {}  # field name -> day
        if not (self.instance.pk and self.instance.days):
            return
        saved = {row.day: row.contact for row in self.instance.visit_days.all()}
        names = list(self.fields)
        for day in self.instance.days:
            name = f"{self.DAY_CONTACT_PREFIX}{day.isoformat()}"
            self.fields[name] = forms.CharField(
                label=_("Contact on %(day)s") % {"day": day_heading(day)},
                max_length=VisitDay._meta.get_field("contact").max_length,
                required=False,
                initial=saved.get(day, ""),
                help_text=_("Empty: the contact on the day above."),
                validators=[validate_plain_text],
            )
            self.day_fields[name] = day
        at = names.index("contact") + 1
        self.order_fields(names[:at] + list(self.day_fields) + names[at:])

    def day_contacts(self):
        """{day: contact} as typed, for the days the form showed (the visit's saved days)."""
        return {day: self.cleaned_data.get(name, "").strip() for name, day in self.day_fields.items()}

    def day_contacts_changed(self):
        return any(name in self.changed_data for name in self.day_fields)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day is before the first day."))
        elif start and end and (end - start).days + 1 > settings.MAX_VISIT_DAYS:
            self.add_error(
                "end_date",
                _("A visit lasts at most %(max)s days (this would be %(days)s). Plan a longer stay as several visits.")
                % {"max": settings.MAX_VISIT_DAYS, "days": (end - start).days + 1},
            )
        elif bool(start) != bool(end):
            self.add_error("end_date" if start else "start_date", _("Give both the first and the last day, or neither."))
        elif start and end and self.instance.pk:
            outside = self.instance.agenda_items.exclude(day__range=(start, end)).count()
            if outside:
                self.add_error(
                    "end_date",
                    ngettext(
                        "%(count)s agenda session falls outside these days: move it first.",
                        "%(count)s agenda sessions fall outside these days: move them first.",
                        outside,
                    )
                    % {"count": outside},
                )
        if start and self.instance.pk:
            # A preparation meeting comes before the visit it prepares.
            late = self.instance.preparation_meetings.filter(date__gte=start).order_by("date").first()
            if late is not None:
                self.add_error(
                    "start_date",
                    _(
                        "Its preparation meeting “%(title)s” is on %(date)s: the visit cannot start before it. Move the meeting first."
                    )
                    % {"title": late.title, "date": date_format(late.date, "DATE_FORMAT")},
                )
        if not cleaned.get("kind"):
            cleaned["kind"] = self._kind_from_host(cleaned.get("host"), cleaned.get("mode"))
        return cleaned

    def _kind_from_host(self, host, mode):
        if mode == MeetingMode.ONLINE:
            return VisitKind.ONLINE
        side = self.scheme.parties.filter(organisation=host).values_list("side", flat=True).first() if host else None
        return kind_for_host_side(side)

    def warnings(self):
        """Unusual but allowed: shown after saving."""
        result = []
        start, end = self.cleaned_data.get("start_date"), self.cleaned_data.get("end_date")
        if start and end:
            days = (end - start).days + 1
            if not TYPICAL_DAYS[0] <= days <= TYPICAL_DAYS[1]:
                result.append(
                    _("This visit lasts %(days)s days; visits usually last two or three (one to five).") % {"days": days}
                )
        kept = set(self.instance.days)
        for name, day in self.day_fields.items():
            if day not in kept and (self.cleaned_data.get(name) or self.fields[name].initial):
                result.append(
                    _("The contact of %(day)s is removed: that day is no longer part of the visit.") % {"day": day_heading(day)}
                )
        return result


class VisitRecordForm(TextLimitMixin, ConcurrentEditMixin, forms.ModelForm):
    """After the visit: what happened, what was agreed, who of the local support groups came."""

    class Meta:
        model = Visit
        fields = ["status", "notes", "outcomes", "next_steps", "support_group_attendance"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_group_attendance"] = MemberChoiceField(
            label=_("Local support group members who attended"),
            queryset=scheme_support_group_members(scheme),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self):
        cleaned = super().clean()
        surface_empty_choice_errors(self)
        return cleaned


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        organisation = f" ({user.organisation.label})" if user.organisation_id else ""
        return f"{user.get_full_name() or user.email}{organisation}"


class SessionForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    day = forms.TypedChoiceField(label=_("Day"), coerce=datetime.date.fromisoformat)

    class Meta:
        model = AgendaItem
        fields = [
            "day",
            "start_time",
            "end_time",
            "session_type",
            "title",
            "place",
            "lead",
            "good_practice",
            "key_factors",
            "participants",
            "support_group_members",
            "notes",
        ]
        widgets = {
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "key_factors": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "good_practice": _("A good practice of the programme this session presents or visits."),
            "key_factors": _("The scheme's focus key factors this session works on."),
        }

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        from mentoring.models import User

        self.visit = visit
        self.fields["day"].choices = [(day.isoformat(), day_heading(day)) for day in visit.days]
        if self.instance.pk:
            self.initial["day"] = self.instance.day.isoformat()
        self.fields["participants"] = PersonChoiceField(
            label=_("Participants: people of the scheme"),
            queryset=User.objects.filter(scheme_roles__scheme=visit.scheme)
            .select_related("organisation")
            .distinct()
            .order_by("last_name", "first_name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["support_group_members"] = MemberChoiceField(
            label=_("Participants: local support group members"),
            queryset=scheme_support_group_members(visit.scheme),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        # Only the programme's good practices and the scheme's focus key factors: any
        # other id is "Select a valid choice".
        self.fields["good_practice"].queryset = (
            GoodPractice.objects.filter(programme_id=visit.scheme.programme_id).select_related("city").order_by("title")
        )
        self.fields["key_factors"].queryset = visit.scheme.focus_key_factors.order_by("order")
        if not self.fields["key_factors"].queryset.exists():
            self.fields["key_factors"].help_text = _("The scheme has no focus key factors yet: choose them on the scheme's page.")
        self.limit_text_fields()

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session ends before it starts."))
            return cleaned
        if day and start and end:
            # A quick answer; ``session_save`` checks again under the visit's lock.
            try:
                session_check(visit=self.visit, day=day, start=start, end=end, session=self.instance, text=session_text(cleaned))
            except ValidationError as error:
                self.add_error(None, error)
        surface_empty_choice_errors(self)
        return cleaned


class MethodAgendaForm(SubmitOnceMixin, forms.Form):
    """The page that starts an agenda from the method: the one-time token (the sessions
    are its formset, ``MethodSessionFormSet``)."""


class MethodSessionForm(PlainTextMixin, forms.Form):
    """One agenda element of the method, proposed at a time: ticked to be created."""

    # Required only when ticked (``clean``): an unticked element is not saved.
    included = forms.BooleanField(label=_("Add this session"), required=False)
    session_type = forms.ChoiceField(label=_("Type of session"), choices=SessionType.choices, required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    day = forms.TypedChoiceField(label=_("Day"), coerce=datetime.date.fromisoformat, required=False)
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput(), required=False)
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput(), required=False)

    def __init__(self, *args, visit, **kwargs):
        # An unticked element is not checked (what it says is not saved): a form that may
        # be empty and has not "changed" is not validated (Form.empty_permitted).
        kwargs["empty_permitted"] = True
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(day.isoformat(), day_heading(day)) for day in visit.days]
        if not self.is_bound and isinstance(self.initial.get("day"), datetime.date):
            self.initial["day"] = self.initial["day"].isoformat()

    def has_changed(self):
        """Ticked: the element is to be added, so it is validated."""
        return bool(self["included"].value())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("included"):
            return cleaned
        for name in ("session_type", "title", "day", "start_time", "end_time"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session ends before it starts."))
        return cleaned


class BaseMethodSessionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("included") for form in self.forms):
            raise ValidationError(_("Tick at least one session to add."))

    def rows(self):
        """What the ticked sessions say, in their order."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("included")]

    def form_of_row(self, index):
        """The form of the ``index``-th ticked session."""
        return [form for form in self.forms if form.cleaned_data.get("included")][index]


MethodSessionFormSet = forms.formset_factory(
    MethodSessionForm, formset=BaseMethodSessionFormSet, extra=0, max_num=20, validate_max=True, absolute_max=20
)
