"""Forms of the people pages: invitations, giving a role, and who may take which role."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from mentoring.access import ASSOCIATION, COORDINATOR, FACILITATOR, MENTEE, MENTOR, PARTNER, ROLE_LABELS
from mentoring.forms import PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import (
    Organisation,
    OrganisationKind,
    SchemeRole,
    Side,
)
from ..models.organisations import PARTNER_KINDS


def side_field():
    """Which side of the scheme the person acts for, when their organisation sits on
    both (an association brokering a pairing of two of its members)."""
    return forms.ChoiceField(
        label=_("Side"),
        choices=[("", _("The organisation's only side")), (Side.MENTEE, Side.MENTEE.label), (Side.MENTOR, Side.MENTOR.label)],
        required=False,
        help_text=_("Only for an association that sits on both sides of the scheme: the side this person acts for."),
    )


def role_choices(roles, terms=None):
    """The roles offered, in the order of ``ROLE_LABELS``, named in the programme's words
    (``terms``: "Implementing city")."""
    return [(role, terms.role_label(role) if terms else label) for role, label in ROLE_LABELS.items() if role in roles]


class InvitationForm(PlainTextMixin, SubmitOnceMixin, forms.Form):
    """Invite a person by e-mail to a role in a programme or a scheme."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none(), required=False)
    side = side_field()
    message = forms.CharField(
        label=_("Personal message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    # When the form was drawn: an invitation of the same address that someone else sent
    # after that is theirs to keep, not this form's to replace (``invitation_create``).
    drawn_at = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, roles, organisations, scheme=None, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["drawn_at"].initial = timezone.now().isoformat()
        self.scheme = scheme
        self.fields["role"].choices = role_choices(roles, terms)
        organisation_choices(self.fields["organisation"], organisations)
        if scheme is not None:
            self.fields["organisation"].help_text = _(
                "City, association and partner organisation officers act on behalf of a party of the scheme."
            )
        else:
            del self.fields["side"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("This address already has an account. Give the role to the existing account instead (below)."),
                code="exists",
            )
        return email

    def clean_drawn_at(self):
        """The time the form was drawn, or None when it is missing or not a time (a page
        of an older release): the form is then sent as before, replacing any invitation."""
        try:
            drawn_at = parse_datetime(self.cleaned_data["drawn_at"])
        except ValueError:
            return None
        return drawn_at if drawn_at is not None and timezone.is_aware(drawn_at) else None

    def clean(self):
        cleaned = super().clean()
        self.party = role_party_check(self, cleaned)
        return cleaned


class RoleGrantForm(forms.Form):
    """Give a role to someone who already has an account."""

    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none(), required=False)
    side = side_field()

    def __init__(self, *args, roles, organisations, programme, scheme=None, giver=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.scheme, self.giver = programme, scheme, giver
        self.fields["role"].choices = role_choices(roles, programme.terms)
        organisation_choices(self.fields["organisation"], organisations)
        if scheme is None:
            del self.fields["side"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if self.user is None:
            raise ValidationError(_("No account has this address. Send an invitation instead (above)."), code="missing")
        if self.giver is not None and self.user.pk == self.giver.pk:
            raise ValidationError(_("You cannot give a role to yourself. Ask another coordinator of the programme."), code="self")
        return email

    def clean(self):
        cleaned = super().clean()
        self.party = role_party_check(self, cleaned)
        user, role = getattr(self, "user", None), cleaned.get("role")
        if user is not None and role:
            conflict = role_conflict(user=user, programme=self.programme, scheme=self.scheme, role=role)
            if conflict:
                self.add_error("role", conflict)
            elif self.party is not None:
                self.other_party_check(user, role)
        return cleaned

    def other_party_check(self, user, role):
        """A person holds a role in a scheme once, on behalf of one party (the role's
        ``party``): an association sitting on both sides has an officer for each side, so
        the same role for the other side is refused rather than silently kept as it was."""
        held = self.scheme.roles.filter(user=user, role=role).select_related("party__organisation").first()
        if held is not None and held.party_id is not None and held.party_id != self.party.pk:
            self.add_error(
                "organisation",
                _(
                    "This person already has this role on behalf of %(party)s. One person acts for one party "
                    "in a role: remove that role first, or give this one to another officer."
                )
                % {"party": held.party},
            )


CITY_ROLES = {MENTEE, MENTOR, ASSOCIATION, PARTNER}


def role_conflict(*, user, programme, scheme, role):
    """Why ``user`` may not take ``role`` (None when they may): who runs or helps a scheme
    (its programme's coordinator, its facilitator) never also acts for one of its cities
    or associations, so nobody submits or approves a city's documents as its helper."""
    if scheme is None:
        if role != COORDINATOR:
            return None
        held = set(
            SchemeRole.objects.filter(user=user, scheme__programme=programme, role__in=CITY_ROLES).values_list("role", flat=True)
        )
        return held_role_conflict(held=held, scheme=None, role=role)
    held = set(scheme.roles.filter(user=user).values_list("role", flat=True))
    if programme.roles.filter(user=user, role=COORDINATOR).exists():
        held.add(COORDINATOR)
    return held_role_conflict(held=held, scheme=scheme, role=role)


def held_role_conflict(*, held, scheme, role):
    """The rule of ``role_conflict`` for roles already read: ``held`` is, in a scheme, the
    person's roles in it (with coordinator when they coordinate its programme); in a
    programme, their city and association roles in its schemes. The bulk invitations read
    them for every address of a list at once."""
    if scheme is None:
        if role == COORDINATOR and held & CITY_ROLES:
            return _("This person acts for a city or association in this programme: they cannot also coordinate it.")
        return None
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
    field.choices = [
        ("", field.empty_label),
        *((organisation.pk, field.label_from_instance(organisation)) for organisation in organisations),
    ]


def role_party_check(form, cleaned):
    """City and association officers act for a party of the scheme: a mentee officer for
    a mentee-side (or peer) city, a mentor officer for a mentor-side (or peer) city, an
    association officer for an association of the scheme, a partner officer for a
    service provider or civil-society organisation of the scheme; for an organisation on
    both sides, the side chosen. Returns that party."""
    role, organisation = cleaned.get("role"), cleaned.get("organisation")
    if form.scheme is None:
        return None
    party, error = role_party(
        role=role, organisation=organisation, parties=form.scheme.parties.all(), side=cleaned.get("side") or None
    )
    if error:
        form.add_error("side" if error.code == "side" else "organisation", str(error))
    return party


class PartyError(str):
    """Why a role cannot act for an organisation: the message, and the field it is about
    (``code`` "side" when only the side is missing or wrong). A string, so the bulk
    invitations show it as their reason."""

    def __new__(cls, message, code="organisation"):
        error = super().__new__(cls, message)
        error.code = code
        return error


def role_party(*, role, organisation, parties, side=None):
    """The party of ``parties`` (a scheme's) a ``role`` on behalf of ``organisation`` acts
    for, and the error when it cannot: (party, None), (None, ``PartyError``), or (None,
    None) for a role that acts for no party. An organisation on both sides of the scheme
    (an association brokering a pairing of two of its members) is one party per side:
    ``side`` says which, and the officer gets that side's rights."""
    if role not in CITY_ROLES:
        return None, None
    if organisation is None:
        return None, PartyError(_("Choose the city or organisation this person acts for."))
    expected_kinds = {ASSOCIATION: {OrganisationKind.ASSOCIATION}, PARTNER: set(PARTNER_KINDS)}.get(role, {OrganisationKind.CITY})
    expected_sides = {MENTEE: {Side.MENTEE, Side.PEER}, MENTOR: {Side.MENTOR, Side.PEER}}.get(role, set(Side.values))
    candidates = [p for p in parties if p.organisation_id == organisation.pk and p.side in expected_sides]
    if organisation.kind not in expected_kinds or not candidates:
        # Whole sentences, one per kind: no language has to fit a lowercased label in.
        if role == PARTNER:
            message = _(
                "For this role, choose a service provider or civil-society organisation on the right side of this scheme."
            )
        elif role == ASSOCIATION:
            message = _("For this role, choose a municipal association on the right side of this scheme.")
        else:
            message = _("For this role, choose a city on the right side of this scheme.")
        return None, PartyError(message)
    if side is not None:
        party = next((p for p in candidates if p.side == side), None)
        if party is None:
            return None, PartyError(
                _("%(name)s is not on this side of the scheme (%(side)s).")
                % {"name": organisation.label, "side": Side(side).label},
                code="side",
            )
        return party, None
    if len(candidates) > 1:
        return None, PartyError(
            _("%(name)s sits on both sides of this scheme: choose the side this person acts for.") % {"name": organisation.label},
            code="side",
        )
    return candidates[0], None
