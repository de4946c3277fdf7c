"""Invitations in bulk: a list of people (pasted, or a CSV file) read into lines, each
line's outcome worked out without writing anything (the preview), then the same
reading and the same checks run again inside one transaction to apply it.

The list is text: one person a line, "e-mail", "Name <e-mail>" or the columns name,
e-mail, organisation, role and side (the side only for an organisation on both sides of
the scheme: an association brokering a pairing of two of its members) (separated by commas, semicolons, as spreadsheets in many
European languages save them, or tabs, as they are pasted), with an optional header
row naming the columns. An uploaded file is decoded (UTF-8, with or without its byte
order mark, or UTF-16 with one; else Windows-1252 with a warning to check the names)
and read as the same text, so a preview and its apply never read two different things.

A cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) is refused with its line, never stored: the list may come from, and
the invitations go back to, spreadsheets.

The outcomes are worked out in a fixed number of queries however long the list: the
accounts, their roles, the live invitations and the organisations are read once for
every address.
"""

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.access import COORDINATOR, MENTEE, MENTOR, ROLE_LABELS
from mentoring.forms import MARKUP_RE

from ..forms.people import CITY_ROLES, held_role_conflict, role_party
from ..models import Invitation, ProgrammeRole, SchemeRole, Side
from ..models.programmes import SchemeRoleName
from .invitations import AlreadyInvited, invitation_create, role_grant

# At most this many people in one list: a batch is checked and applied in one request
# (about 10 queries and one e-mail per invitation), which stays within a few seconds.
MAX_PEOPLE = 500
# A file larger than this is refused before it is read (500 lines are about 50 kB).
MAX_UPLOAD_BYTES = 1_000_000
# What a spreadsheet reads as the start of a formula (OWASP's "CSV injection" list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

NEW = "new"
GRANT = "grant"
HAS_ROLE = "has_role"
INVITED = "invited"
INVALID = "invalid"
ORGANISATION = "organisation"
ROLE = "role"
DUPLICATE = "duplicate"
REFUSED = "refused"

OUTCOME_LABELS = {
    NEW: gettext_lazy("New invitation"),
    GRANT: gettext_lazy("Role given to an existing account"),
    HAS_ROLE: gettext_lazy("Already has this role"),
    INVITED: gettext_lazy("Already invited: an invitation is waiting"),
    INVALID: gettext_lazy("Invalid address"),
    ORGANISATION: gettext_lazy("Organisation not in the scheme"),
    ROLE: gettext_lazy("Unknown role"),
    DUPLICATE: gettext_lazy("Duplicate"),
    REFUSED: gettext_lazy("Refused"),
}
DONE_LABELS = {NEW: gettext_lazy("Invitation sent"), GRANT: gettext_lazy("Role given")}

# Header cells, as people write them, and the column each names.
HEADERS = {
    "name": "name",
    "full name": "name",
    "nom": "name",
    "first name": "first_name",
    "firstname": "first_name",
    "given name": "first_name",
    "prénom": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "nom de famille": "last_name",
    "e-mail": "email",
    "email": "email",
    "e-mail address": "email",
    "email address": "email",
    "mail": "email",
    "courriel": "email",
    "adresse e-mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "on behalf of": "organisation",
    "city": "organisation",
    "role": "role",
    "rôle": "role",
    "side": "side",
    "côté": "side",
}
# The columns' names as the forms label them, in every language of the interface: a
# header row written in German ("Vorname;Nachname;E-Mail-Adresse;Rolle") is read too.
HEADER_LABELS = (
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("First name"), "first_name"),
    (gettext_lazy("Last name"), "last_name"),
    (gettext_lazy("E-mail address"), "email"),
    (gettext_lazy("Organisation"), "organisation"),
    (gettext_lazy("On behalf of"), "organisation"),
    (gettext_lazy("City"), "organisation"),
    (gettext_lazy("Role"), "role"),
    (gettext_lazy("Side"), "side"),
)
POSITIONS = ("name", "email", "organisation", "role", "side")
NAME_AND_ADDRESS = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")


@dataclass
class Line:
    """One person of the list, as written (cells stripped)."""

    number: int  # the line of the text or file (1 is the first)
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    organisation: str = ""
    role: str = ""
    side: str = ""
    problem: str = ""  # why the line cannot be read, before any check


@dataclass
class Row:
    """A line and its outcome."""

    line: Line
    outcome: str = NEW
    reason: str = ""  # says more than the outcome's label, for the person reading
    email: str = ""
    role: str = ""
    organisation: object = None
    party: object = None
    user: object = None
    duplicate_of: int = 0
    side_named: bool = False  # the side column chose the party of an organisation on both sides
    in_scheme: bool = True  # else a programme's list
    done: bool = False  # applied
    changed: bool = False  # the outcome is not the one the preview showed

    @property
    def ok(self):
        return self.outcome in (NEW, GRANT)

    @property
    def outcome_label(self):
        if self.done:
            return DONE_LABELS[self.outcome]
        if self.outcome == DUPLICATE:
            return _("Duplicate of line %(number)s") % {"number": self.duplicate_of}
        if self.outcome == ORGANISATION and not self.in_scheme:
            return _("Organisation not in the programme")
        return OUTCOME_LABELS[self.outcome]

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.line.role)


@dataclass
class Batch:
    rows: list = field(default_factory=list)

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def to_apply(self):
        return [row for row in self.rows if row.ok]

    @property
    def skipped(self):
        return [row for row in self.rows if not row.ok]

    @property
    def outcomes(self):
        """The outcomes in order, as the preview showed them (carried to the apply)."""
        return [row.outcome for row in self.rows]

    def summary(self):
        invitations, grants, skipped = self.count(NEW), self.count(GRANT), len(self.skipped)
        return ", ".join(
            [
                ngettext("%(count)s new invitation", "%(count)s new invitations", invitations) % {"count": invitations},
                ngettext("%(count)s role given to an existing account", "%(count)s roles given to existing accounts", grants)
                % {"count": grants},
                ngettext("%(count)s line left out", "%(count)s lines left out", skipped) % {"count": skipped},
            ]
        )


def upload_read(upload):
    """The text of an uploaded file and a warning (or ""), or ValidationError; a file
    too large is refused before it is read."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            ngettext(
                "This file is larger than %(size)s kB. Send at most %(count)s person at a time, as CSV.",
                "This file is larger than %(size)s kB. Send at most %(count)s people at a time, as CSV.",
                MAX_PEOPLE,
            )
            % {"size": MAX_UPLOAD_BYTES // 1000, "count": MAX_PEOPLE},
            code="size",
        )
    return upload_decode(upload.read())


def upload_decode(data):
    """The text of a file's bytes and a warning (or ""), or ValidationError."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # XLSX (a zip), XLS
        raise ValidationError(
            _("This is a spreadsheet file, not CSV. In your spreadsheet, save the sheet as CSV (UTF-8) and send that file."),
            code="spreadsheet",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig"), ""
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return text, _(
                "This file is not in UTF-8: it was read as Western European (Windows-1252). "
                "Check that the names below are spelt right; if not, save the file as CSV (UTF-8) and send it again."
            )
    raise ValidationError(
        _("This file cannot be read as text. Save it as CSV (UTF-8) and send it again."),
        code="encoding",
    )


def _delimiter(text):
    """Tabs when pasted from a spreadsheet, semicolons when saved by one in a language
    whose decimal mark is the comma, else commas: as the first line shows."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in ("\t", ";"):
        if delimiter in first:
            return delimiter
    return ","


@functools.cache
def _headers():
    """``HEADERS`` with the columns' labels in every language of the interface."""
    headers = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for label, column in HEADER_LABELS:
                headers.setdefault(_key(str(label)), column)
    return {**headers, **HEADERS}


def _header(cells):
    """The columns a header row names ({index: column}), or None when it is a person."""
    if any("@" in cell for cell in cells):
        return None
    headers = _headers()
    columns = {index: headers[_key(cell)] for index, cell in enumerate(cells) if _key(cell) in headers}
    return columns or None


def _key(cell):
    return " ".join(cell.replace("_", " ").lower().split())


def _formula(value):
    return value.startswith(FORMULA_START)


def lines_read(text):
    """The people of ``text``, one ``Line`` each (blank lines left out), or
    ValidationError when there is nobody, the header names no e-mail column, or the list
    is longer than ``MAX_PEOPLE``."""
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    physical = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    delimiter = _delimiter(text)
    columns = None
    if physical:
        columns = _header(_cells(physical[0][1], delimiter))
        if columns is not None:
            if "email" not in columns.values():
                raise ValidationError(
                    _("The first line names the columns but none of them is the e-mail address (name it “e-mail”)."),
                    code="header",
                )
            physical = physical[1:]
    if not physical:
        raise ValidationError(_("Write or paste at least one e-mail address, or choose a CSV file."), code="empty")
    if len(physical) > MAX_PEOPLE:
        raise ValidationError(
            ngettext(
                "This list has %(count)s person; at most %(max)s can be invited at once. Split it into several lists.",
                "This list has %(count)s people; at most %(max)s can be invited at once. Split it into several lists.",
                len(physical),
            )
            % {"count": f"{len(physical):,}", "max": MAX_PEOPLE},
            code="too_many",
        )
    return [_line(number, _cells(line, delimiter), columns) for number, line in physical]


def _cells(line, delimiter):
    try:
        return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])]
    except csv.Error:
        return [line.strip()]


def _line(number, cells, columns):
    line = Line(number)
    if columns is None:
        # By position: name, e-mail, organisation, role; a lone cell is the address.
        values = dict(zip(POSITIONS, cells, strict=False)) if len(cells) > 1 else {"email": cells[0] if cells else ""}
    else:
        values = {}
        for index, column in columns.items():
            if index < len(cells) and cells[index]:
                values.setdefault(column, cells[index])
    email = values.get("email", "")
    match = NAME_AND_ADDRESS.match(email)
    if match:  # "Nora Officer <nora@example.org>"
        email = match["email"].strip()
        if not values.get("name"):
            values["name"] = match["name"].strip().strip('"').strip()
    line.email = email
    line.organisation = values.get("organisation", "")
    line.role = values.get("role", "")
    line.side = values.get("side", "")
    if values.get("last_name") and not values.get("first_name") and values.get("name"):
        # "Nome;Cognome": where one word names both a name and a first name (Italian,
        # Spanish), beside a last name it is the first name.
        values["first_name"] = values.pop("name")
    if values.get("first_name") and not values.get("last_name") and values.get("name"):
        # "Prénom;Nom": where one word names both a name and a last name (French), beside
        # a first name it is the last name.
        values["last_name"] = values.pop("name")
    if values.get("first_name") or values.get("last_name"):
        line.first_name, line.last_name = values.get("first_name", ""), values.get("last_name", "")
    else:
        # The first word is the first name: "Jan van der Berg" is Jan, van der Berg. The
        # person can correct both when they accept.
        line.first_name, _space, line.last_name = values.get("name", "").partition(" ")
        line.last_name = line.last_name.strip()
    line.name = " ".join(part for part in (line.first_name, line.last_name) if part)
    # (The side is only matched against the sides' names, never kept or shown.)
    cells_written = [line.first_name, line.last_name, line.email, line.organisation, line.role]
    if any(_formula(cell) for cell in cells_written):
        line.problem = _(
            "A cell starts with =, +, - or @, as a spreadsheet formula does: it is not taken. Remove that sign and try again."
        )
    elif any(MARKUP_RE.search(cell) for cell in cells_written):
        line.problem = _("Write plain text: HTML or other markup (such as <script> or <b>) is not accepted.")
    elif len(line.first_name) > 150 or len(line.last_name) > 150:
        line.problem = _("The name is longer than 150 characters.")
    return line


def _role_names(terms=None):
    """Role as written (its code or its label, in the current language or English, or in
    the programme's words: "Implementing city", "implementing city officer") -> role."""
    names = {}
    for role, label in ROLE_LABELS.items():
        names[role] = role
        names[_key(str(label))] = role
    for role, label in SchemeRoleName.choices:
        names[_key(str(label))] = role
    if terms is not None:
        for role in (MENTEE, MENTOR):
            names[_key(str(terms.role_label(role)))] = role
            names[_key(str(terms.officer_label(role)))] = role
    return names


def _side_names(terms):
    """Side as written (its code, its label in the current language or English, or in
    the programme's words: "Implementing city side", "implementing city") -> side."""
    names = {}
    for side, label in Side.choices:
        names[side] = side
        names[_key(str(label))] = side
    for side in (Side.MENTEE, Side.MENTOR):
        names[_key(str(terms.side_label(side)))] = side
        names[_key(str(terms.role_label(side)))] = side
    return names


def _organisation_names(organisations):
    names = {}
    for organisation in organisations:
        for name in (organisation.name, organisation.short_name, str(organisation)):
            if name:
                names.setdefault(_key(name), organisation)
    return names


def batch_check(*, programme, scheme, lines, default_role, default_organisation, grantable, giver, organisations):
    """Each line's outcome (nothing is written): a ``Batch``. ``organisations`` are those
    a person may act for here (the people page's), ``grantable`` the roles the giver may
    give here."""
    User = get_user_model()
    rows = [Row(line, in_scheme=scheme is not None) for line in lines]
    addresses = set()
    for row in rows:
        row.email = row.line.email.lower()
        try:
            validate_email(row.email)
            if len(row.email) > 254:
                raise ValidationError("too long")
        except ValidationError:
            continue
        addresses.add(row.email)
    # Read once for every address of the list.
    users = {user.email.lower(): user for user in User.objects.annotate(address=Lower("email")).filter(address__in=addresses)}
    user_ids = [user.pk for user in users.values()]
    if scheme is not None:
        held = _held(SchemeRole.objects.filter(scheme=scheme, user__in=user_ids))
        for user_id in programme.roles.filter(user__in=user_ids, role=COORDINATOR).values_list("user_id", flat=True):
            held.setdefault(user_id, set()).add(COORDINATOR)
        has = {(user_id, role) for user_id, roles in held.items() for role in roles}
        parties = list(scheme.parties.all())
    else:
        has = set(ProgrammeRole.objects.filter(programme=programme, user__in=user_ids).values_list("user_id", "role"))
        held = _held(SchemeRole.objects.filter(scheme__programme=programme, user__in=user_ids, role__in=CITY_ROLES))
        parties = []
    waiting = set(
        Invitation.objects.pending()
        .filter(programme=programme, scheme=scheme, email__in=addresses)
        .values_list("email", flat=True)
    )
    role_names = _role_names(programme.terms)
    side_names = _side_names(programme.terms)
    organisation_names = _organisation_names(organisations)
    first_line = {}
    for row in rows:
        _check(
            row,
            scheme=scheme,
            first_line=first_line,
            default_role=default_role,
            default_organisation=default_organisation,
            grantable=grantable,
            giver=giver,
            role_names=role_names,
            side_names=side_names,
            terms=programme.terms,
            organisation_names=organisation_names,
            parties=parties,
            users=users,
            has=has,
            held=held,
            waiting=waiting,
            addresses=addresses,
        )
    return Batch(rows)


def _held(scheme_roles):
    held = {}
    for user_id, role in scheme_roles.values_list("user_id", "role"):
        held.setdefault(user_id, set()).add(role)
    return held


def _check(row, *, scheme, first_line, default_role, default_organisation, grantable, giver, **read):
    line = row.line
    if line.problem:
        row.outcome, row.reason = REFUSED, line.problem
        return
    if row.email not in read["addresses"]:
        row.outcome = INVALID
        row.reason = _("Write one address such as name@city.example.") if line.email else _("No e-mail address on this line.")
        return
    if row.email in first_line:
        row.outcome, row.duplicate_of = DUPLICATE, first_line[row.email]
        row.reason = _("The same address is on an earlier line: only that line is taken.")
        return
    first_line[row.email] = line.number
    row.role = read["role_names"].get(_key(line.role)) if line.role else default_role
    if not row.role:
        row.outcome = ROLE
        roles = ", ".join(str(read["terms"].role_label(role)) for role in ROLE_LABELS if role in grantable)
        if line.role:
            row.reason = _("Roles are: %(roles)s.") % {"roles": roles}
        else:
            row.reason = _("This line names no role and no role is chosen for such lines. Roles are: %(roles)s.") % {
                "roles": roles
            }
        return
    if row.role not in grantable:
        row.outcome, row.reason = REFUSED, _("You may not give this role here.")
        return
    if line.organisation:
        row.organisation = read["organisation_names"].get(_key(line.organisation))
        if row.organisation is None:
            row.outcome = ORGANISATION
            row.reason = (
                _("No organisation of this scheme has this name.")
                if scheme is not None
                else _("No organisation of this programme has this name.")
            )
            return
    else:
        row.organisation = default_organisation
    if scheme is not None:
        row.party, error = role_party(role=row.role, organisation=row.organisation, parties=read["parties"])
        if error and error.code == "side":
            # An organisation on both sides (an association brokering a pairing of two of
            # its members): the side column says which. Elsewhere that column is not read,
            # so a list with a fifth column of anything else reads as it always has.
            side = read["side_names"].get(_key(line.side)) if line.side else None
            sides = ", ".join(str(read["terms"].side_label(side)) for side in (Side.MENTEE, Side.MENTOR))
            if side is None and line.side:
                row.outcome, row.reason = ORGANISATION, _("Sides are: %(sides)s.") % {"sides": sides}
                return
            if side is None:
                row.outcome = ORGANISATION
                row.reason = _(
                    "%(name)s sits on both sides of this scheme: name the side this person acts for in a “side” "
                    "column (%(sides)s)."
                ) % {"name": row.organisation.label, "sides": sides}
                return
            row.party, error = role_party(role=row.role, organisation=row.organisation, parties=read["parties"], side=side)
            row.side_named = True
        if error:
            row.outcome, row.reason = ORGANISATION, error
            return
    user = read["users"].get(row.email)
    if user is None:
        if row.email in read["waiting"]:
            row.outcome = INVITED
            row.reason = _("Withdraw the waiting invitation on the People page first to send a new one.")
        return  # NEW
    row.user = user
    if (user.pk, row.role) in read["has"]:
        row.outcome = HAS_ROLE
        return
    if not user.is_active:
        row.outcome, row.reason = REFUSED, _("This account is switched off.")
        return
    if giver is not None and user.pk == giver.pk:
        row.outcome, row.reason = REFUSED, _("You cannot give a role to yourself. Ask another coordinator of the programme.")
        return
    conflict = held_role_conflict(held=read["held"].get(user.pk, set()), scheme=scheme, role=row.role)
    if conflict:
        row.outcome, row.reason = REFUSED, conflict
        return
    row.outcome = GRANT
    # The rule holds within the list too: a later line must not make this person both.
    read["held"].setdefault(user.pk, set()).add(row.role)
    read["has"].add((user.pk, row.role))


@transaction.atomic
def batch_apply(*, programme, scheme, invited_by, message="", previewed=None, **check):
    """Check the lines again (what changed since the preview shows in the outcomes) and
    send each new invitation and give each role, in one transaction: one log entry and
    one e-mail each, through the services the single forms use. ``previewed``: the
    outcomes the preview showed, to mark the rows whose outcome changed. Returns the
    ``Batch``, its rows ``done``."""
    batch = batch_check(programme=programme, scheme=scheme, giver=invited_by, **check)
    for row in batch.to_apply:
        line = row.line
        if row.outcome == NEW:
            try:
                invitation_create(
                    programme=programme,
                    scheme=scheme,
                    email=row.email,
                    role=row.role,
                    organisation=row.organisation,
                    party=row.party,
                    first_name=line.first_name,
                    last_name=line.last_name,
                    message=message,
                    invited_by=invited_by,
                    build_url=lambda path: settings.SITE_URL + path,
                )
            except AlreadyInvited:
                row.outcome = INVITED  # someone invited the address meanwhile
                continue
        else:
            role_grant(user=row.user, programme=programme, scheme=scheme, role=row.role, party=row.party, actor=invited_by)
        row.done = True
    if previewed is not None:
        for row, outcome in zip(batch.rows, previewed, strict=False):
            row.changed = outcome != row.outcome
    return batch


def expiry():
    """When the links of invitations sent now expire."""
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
