"""Numbers as city officers write them: inhabitants, budgets, shares, amounts of money.

Officers write numbers the way they learnt to, often while reading the site in their
second language, so a number is read the way its writer meant it, or the form asks;
it is never quietly changed. One form field, ``NumberField``, does this for every form
that takes a count, an amount or a share (the questionnaires' numeric questions and the
organisation profile).

**What is read.** The reader's language only brings its decimal separator ("." in
English, "," in French, Italian, German, Spanish, Dutch...), taken from Django's own
formats for the active language (``DECIMAL_SEPARATOR``), so every language Django
knows works without a table here. Besides, every reader may write:

- plain digits, with a leading "+", or with the unit of the question around them
  ("€ 1.250", "12,5 %", "1 250 EUR");
- spaces (also no-break, narrow no-break and thin spaces) and apostrophes ("11'000",
  Swiss) between groups of three digits: they only ever separate thousands;
- "." or "," repeated between groups of three ("1.250.000", "1,250,000"): thousands;
- both "." and ",": the last one separates the decimals ("1.250,5", "1,250.5");
- one "." or "," not followed by exactly three digits: decimals ("12,5", "12.5",
  "0,125" -- a group never starts with 0).

**When it reads two ways.** One "." or "," after one to three digits and before exactly
three ("11.000", "1,250") is a thousands separator in one convention and a decimal
separator in the other. A reading the question cannot hold is not a reading: a whole
number for a count, at most two decimals for money and shares, 100 at most for a share
(so "1.250" inhabitants is 1250, "12.500 %" is 12.5). If both readings remain:

- the mark is *not* the reader's decimal separator (English "1,250", Italian "11.000"):
  the reader's own convention groups thousands with it, which is how most people write
  large numbers; the other reading would be a number written with exactly three
  decimals in a foreign convention. Read as thousands, without asking.
- the mark *is* the reader's decimal separator (English "11.000", Italian "1,250"):
  their own convention makes it a number with exactly three decimals, which is rare,
  while a writer from the other convention (or copying a figure from a document in it)
  means thousands. Both are plausible: the form asks which was meant, showing both
  readings formatted in the reader's language; the answer is posted back with the form
  (radio buttons, no JavaScript needed) and the chosen reading is stored.

A count is asked about too ("11.000" inhabitants for an English reader): eleven is a
whole number, however unlikely for a city, and the field serves any count a template
asks for. Asking costs one click; a wrong guess puts a wrong figure in a signed
document, as "11 inhabitants" once did.

=========================  ===================  ===========================================
written                    English reader       French, Italian, German, Spanish, Dutch...
=========================  ===================  ===========================================
11000, 11 000, 11'000      11000                11000
1.250.000, 1,250,000       1250000              1250000
1.250,5 / 1,250.5          1250.5               1250.5 (a count: refused, not whole)
12,5 / 12.5                12.5                 12.5 (a count: refused, not whole)
11.000                     asked: 11000 or 11   11000
1.250 (money)              asked: 1250 or 1.25  1250
1,250 (money)              1250                 asked: 1250 or 1.25
1.250 / 1,250 (a count)    1250                 1250 (1.25 is no count)
12.500 (a share)           12.5                 12.5 (12500 % is no share)
2,3 Mio / 2.3 million / 5k refused: "write it in digits, for example 2,300,000" (2.300.000...)
1.25.000                   refused: "digits are grouped by three, as in 1,250,000"
1.250,555 (money)          refused: "at most two decimals, as in 1,250.50"
-5                         refused: "This cannot be negative."
=========================  ===================  ===========================================

Money has at most two decimals (cents) and a share at most two too (the database keeps
two): "1.250,555" is refused, never rounded. Numbers are shown back with ``format_number``
in the reader's language ("11,000" / "11 000" / "11.000").
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# The kinds of number, named as the questionnaire's QuestionKind names them.
INTEGER, MONEY, PERCENT = "integer", "money", "percent"

MAX_LENGTH = 40
LIMIT = Decimal("1e15")  # what an answer's number column holds (17 digits, 2 decimals)
CENT = Decimal("0.01")

SPACES = re.compile("[ \u00a0\u202f\u2009\u2007]")  # space, no-break, narrow no-break, thin, figure
APOSTROPHES = re.compile("[\u2019\u02bc]")  # ’ and ʼ, as typed by phones and word processors
MINUS = re.compile("^[-\u2212\u2013]")
UNITS = ("€", "eur", "euro", "euros", "%")
WRITTEN = re.compile(r"[.,]?\d+(?:[ '.,]\d+)*")


def number_example(value, kind=INTEGER):
    return format_number(Decimal(value), kind)


def format_number(value, kind, unit=""):
    """``value`` formatted in the active language, with ``unit``: "11,000", "11 000",
    "11.000"; money with two decimals when it has any, a share with its own."""
    if value is None:
        return ""
    value = Decimal(value)
    if kind == INTEGER or value == value.to_integral_value():
        places = 0
    elif kind == PERCENT:
        places = max(0, -value.normalize().as_tuple().exponent)  # 3.5 %, not 3.50 %
    else:
        places = 2
    text = formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def decimal_separator():
    """The reader's decimal separator: "." or "," (another mark reads as ".")."""
    mark = formats.get_format("DECIMAL_SEPARATOR")
    return mark if mark in ".," else "."


@dataclass(frozen=True)
class Reading:
    """One way of reading what was written: ``mark`` is the "." or "," that could be
    read both ways, ``thousands`` whether this reading takes it as thousands."""

    value: Decimal
    mark: str = ""
    thousands: bool = False

    def is_the_readers(self, decimal):
        """Whether a reader whose decimal separator is ``decimal`` reads it this way."""
        return self.thousands != (self.mark == decimal)

    def label(self, kind, unit=""):
        number = format_number(self.value, kind, unit)
        if self.thousands:
            return _("%(number)s, if “%(mark)s” separates thousands") % {"number": number, "mark": self.mark}
        return _("%(number)s, if “%(mark)s” separates decimals") % {"number": number, "mark": self.mark}


def _strip_unit(text, unit):
    units = [u for u in (*UNITS, unit.strip().lower()) if u]
    lowered = text.lower()
    for name in sorted(units, key=len, reverse=True):
        if lowered.endswith(name):
            return text[: len(text) - len(name)].strip()
        if lowered.startswith(name):
            return text[len(name) :].strip()
    return text


def _grouped(groups, separators):
    """Whether digits ``groups`` split by ``separators`` are thousands groups (or one
    group of digits, without separators)."""
    if not separators:
        return True
    return (
        len(set(separators)) == 1
        and 1 <= len(groups[0]) <= 3
        and not groups[0].startswith("0")
        and all(len(group) == 3 for group in groups[1:])
    )


def _readings(body):
    """Every value ``body`` (digits and separators) can be read as, at most two."""
    groups = re.split(r"[ '.,]", body)
    separators = re.findall(r"[ '.,]", body)
    found = []
    if _grouped(groups, separators):  # no decimals
        thousands = separators[-1] if separators and separators[-1] in ".," else ""
        found.append(Reading(Decimal("".join(groups)), mark=thousands, thousands=bool(thousands)))
    if separators and separators[-1] in ".,":  # decimals after the last mark
        mark, grouping = separators[-1], separators[:-1]
        if mark not in grouping and _grouped(groups[:-1], grouping):
            found.append(Reading(Decimal("".join(groups[:-1]) + "." + groups[-1]), mark=mark))
    return found


def _problem(reading, kind, max_value):
    """Why the question cannot hold ``reading`` (a ValidationError), or None."""
    value = reading.value
    if kind == INTEGER and value != value.to_integral_value():
        return ValidationError(_("Enter a whole number."), code="not_whole")
    if kind != INTEGER and value != value.quantize(CENT):
        example = number_example("1250.5" if kind == MONEY else "12.25", kind)
        return ValidationError(_("Give at most two decimals, as in %(example)s."), params={"example": example}, code="decimals")
    if kind == PERCENT and value > 100:
        return ValidationError(_("A share is between 0 and 100 %."), code="too_big")
    if value >= LIMIT or (max_value is not None and value > max_value):
        return ValidationError(_("This number is too large."), code="too_big")
    return None


class Ambiguous(ValidationError):
    """What was written reads two ways; ``readings`` are both, thousands first."""

    def __init__(self, text, readings, kind, unit):
        self.readings = readings
        super().__init__(
            _("“%(value)s” can be read two ways: %(first)s or %(second)s. Choose the one you meant.")
            % {
                "value": text,
                "first": format_number(readings[0].value, kind, unit),
                "second": format_number(readings[1].value, kind, unit),
            },
            code="ambiguous",
        )


def read_number(raw, kind, *, meant=None, unit="", max_value=None):
    """The Decimal written in ``raw`` for a number of ``kind`` (see the module's rules),
    ``meant`` being the reading chosen when it read two ways. Raises ``Ambiguous`` when
    it reads two ways and no reading was chosen, ValidationError when it is no number
    the question can hold, with a message a city officer understands."""
    text = SPACES.sub(" ", APOSTROPHES.sub("'", raw.strip()))
    value_shown = raw.strip()[:MAX_LENGTH]
    text = _strip_unit(text, unit)
    negative = bool(MINUS.match(text))
    text = text[1:].strip() if negative or text.startswith("+") else text
    if not WRITTEN.fullmatch(text):
        if re.search(r"[^\W\d_]", text):  # letters: "2,3 Mio", "2.3 million", "5k"
            message = _(
                "“%(value)s” is not a number: write it in digits, without words or abbreviations such as "
                "“million” or “k”, for example %(example)s."
            )
        else:
            message = _("“%(value)s” is not a number: write it in digits, for example %(example)s.")
        example = number_example("12.5", PERCENT) if kind == PERCENT else number_example(2_300_000)
        raise ValidationError(message, params={"value": value_shown, "example": example}, code="not_a_number")
    if text[0] in ".,":
        text = "0" + text  # ",5"
    found = _readings(text)
    if not found:
        raise ValidationError(
            _("“%(value)s” is not a number as written: digits are grouped by three, as in %(example)s."),
            params={"value": value_shown, "example": number_example(1_250_000)},
            code="bad_grouping",
        )
    if negative and any(reading.value for reading in found):
        raise ValidationError(_("This cannot be negative."), code="negative")
    # The reader's own reading first: its problem is the one told when none fits.
    own = decimal_separator()
    found.sort(key=lambda reading: not reading.is_the_readers(own))
    problems = [_problem(reading, kind, max_value) for reading in found]
    possible = [reading for reading, problem in zip(found, problems, strict=True) if problem is None]
    if not possible:
        raise problems[0]
    if len(possible) == 2 and possible[0].mark != own:
        possible = possible[:1]  # the reader groups thousands with this mark: no doubt
    if len(possible) == 2:
        possible.sort(key=lambda reading: not reading.thousands)
        chosen = [reading for reading in possible if _same(meant, reading.value)]
        if not chosen:
            raise Ambiguous(value_shown, possible, kind, unit)
        possible = chosen
    value = possible[0].value
    return value.to_integral_value() if kind == INTEGER else value.quantize(CENT)


def _same(meant, value):
    try:
        return meant not in (None, "") and Decimal(meant) == value
    except InvalidOperation:
        return False


@dataclass(frozen=True)
class Written:
    """What a number field's input held when posted: the text, and the reading chosen
    (``meant``) when the form asked which one was meant."""

    text: str
    meant: str = ""

    def __str__(self):
        return self.text


class NumberInput(forms.TextInput):
    """A text input (a browser's number input reads "11.000" its own way, and drops
    "12,5 %"), with, when the form is shown again, how the number was read, or the
    readings to choose from when it reads two ways."""

    template_name = "widgets/number.html"
    kind = INTEGER
    unit = ""
    max_value = None

    def value_from_datadict(self, data, files, name):
        text = data.get(name)
        return None if text is None else Written(text, data.get(f"{name}_meant", ""))

    def get_context(self, name, value, attrs):
        written = value if isinstance(value, Written) else None
        context = super().get_context(name, written.text if written else value, attrs)
        if written is None or not written.text.strip() or len(written.text) > MAX_LENGTH:
            return context
        widget = context["widget"]
        try:
            number = read_number(written.text, self.kind, unit=self.unit, max_value=self.max_value)
        except Ambiguous as question:
            widget["readings"] = [
                {
                    "value": format(reading.value.normalize(), "f"),
                    "label": reading.label(self.kind, self.unit),
                    "chosen": _same(written.meant, reading.value),
                }
                for reading in question.readings
            ]
        except ValidationError:
            pass
        else:
            # Said only when it differs from what was typed (spaces of any kind aside).
            if SPACES.sub(" ", format_number(number, self.kind)) != SPACES.sub(" ", written.text.strip()):
                widget["read_as"] = format_number(number, self.kind, self.unit)
                if widget["attrs"].get("id"):
                    described = widget["attrs"].get("aria-describedby", "")
                    widget["attrs"]["aria-describedby"] = f"{described} {widget['attrs']['id']}_reading".strip()
        return context


class NumberField(forms.Field):
    """A count (``kind`` INTEGER), an amount of money (MONEY) or a share in percent
    (PERCENT), read as the module's docstring says; the cleaned value is a Decimal."""

    widget = NumberInput

    def __init__(self, *, kind, unit="", max_value=None, **kwargs):
        super().__init__(**kwargs)
        self.kind, self.unit, self.max_value = kind, unit, max_value
        self.widget.kind, self.widget.unit, self.widget.max_value = kind, unit, max_value
        self.widget.attrs.update(inputmode="numeric" if kind == INTEGER else "decimal", autocomplete="off", maxlength=MAX_LENGTH)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_number(value, self.kind)
        return value

    def to_python(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return Decimal(value)
        written = value if isinstance(value, Written) else Written("" if value is None else str(value))
        text = written.text.strip()
        if not text:
            return None
        if len(text) > MAX_LENGTH:
            raise ValidationError(_("This is not a number: it is too long."), code="too_long")
        return read_number(text, self.kind, meant=written.meant, unit=self.unit, max_value=self.max_value)
