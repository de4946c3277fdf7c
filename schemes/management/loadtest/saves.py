"""The saves of the mix, and the check afterwards, in the database, that every
acknowledged save is there, whole.

Each save opens a page, types a unique token where a person would type, and posts the
page back as a browser submits it:

- a questionnaire section (``save_section``): one token into two answers of the section;
- an edit form (``save_edit``): one token into one text field of the object, chosen at
  random among two or three, so that people saving the same object at once often change
  different fields of it. That is the case which used to lose writes: a save made on an
  out-of-date page carries the old value of every other field, and overwrote the other
  person's change while both were told "saved".

A redirect (302) is an acknowledged save; 409 a save refused as a conflict (the page was
out of date), whose page must show the typed text again; anything else a failed save.

The check reads the history tables (django-simple-history writes a record in the same
transaction as the save). For an edit form, the object's records are walked in order:
the record a save made is the first that holds its token. Every acknowledged token must
have one (else it is lost), holding every field as that save posted it (else the save is
partial). A record may change only the field its save typed into: a change to another
field means the save was made on an out-of-date page and got through, and an
acknowledged token it replaced is lost. Finally the object must hold what the last save
that reached the database posted. (That last comparison alone would not find the lost
write: the stale save is the last one, and the object holds what it posted.)
"""

import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from schemes.models import Answer

from .browser import FormReader, form_with

SECTION = "questionnaire section"
SAVED, CONFLICT = "saved", "conflict"


@dataclass(frozen=True)
class EditForm:
    """An object that several people edit at once through its edit form."""

    kind: str
    model: type
    pk: int
    path: str
    fields: tuple  # the text fields a save types into, one chosen at random
    roles: frozenset  # who saves it in the mix


@dataclass
class Save:
    """One save a person attempted, and how it went."""

    kind: str
    target: object  # the object's pk (an edit form) or the section's path
    token: str
    fields: tuple = ()  # what the token was typed into
    posted: dict = field(default_factory=dict)  # the checked fields' values as posted
    outcome: str = ""  # SAVED, CONFLICT, "page 503", "no form", "answer 200", "answer -" (none)...
    text_kept: bool = True  # a refused save's page shows the typed text again
    answered: float = 0.0  # when (time.monotonic)

    @property
    def acknowledged(self):
        return self.outcome == SAVED

    @property
    def unexpected(self):
        """A failure that no server trouble explains (a 200 with errors, a 403, a page
        without its form): the tool or the access rules are wrong."""
        code = self.outcome.rpartition(" ")[2]
        return self.outcome == "no form" or (code.isdigit() and int(code) < 500)


def new_save(results, kind, target):
    return Save(kind, target, token=f"{results.prefix}{uuid.uuid4().hex}")


def save_section(browser, rng, path):
    save = new_save(browser.results, SECTION, path)
    form = _open(browser, save, "section page", path, _section_form)
    if form is not None:
        questions = [name for name in form["textareas"] if re.fullmatch(r"q\d+", name)]
        save.fields = tuple(sorted(rng.sample(questions, 2)))
        _post(browser, rng, save, "section save", path, form)
    browser.results.add_save(save)


def _section_form(html):
    reader = FormReader()
    reader.feed(html)
    return next((form for form in reader.forms if len(form["textareas"]) >= 2 and not form["action"]), None)


def save_edit(browser, rng, edit):
    save = new_save(browser.results, edit.kind, edit.pk)
    form = _open(browser, save, "edit page", edit.path, lambda html: form_with(html, edit.fields[0]))
    if form is not None:
        save.fields = (rng.choice(edit.fields),)
        _post(browser, rng, save, "edit save", edit.path, form, checked=edit.fields)
    browser.results.add_save(save)


def _open(browser, save, kind, path, find):
    """The form to save, from the page at ``path`` (None, with the reason, if none)."""
    response, content = browser.request(kind, "GET", path)
    if response is None or response.status != 200:
        save.outcome = f"page {response.status if response is not None else '-'}"
        return None
    form = find(content.decode("utf-8", "replace"))
    if form is None:
        save.outcome = "no form"
    return form


def _post(browser, rng, save, kind, path, form, checked=()):
    fields = [(name, save.token if name in save.fields else value) for name, value in form["fields"]]
    save.posted = {name: value for name, value in fields if name in checked}
    time.sleep(rng.uniform(0.2, 1.0))  # typing: meanwhile someone else may save the same page
    response, content = browser.request(kind, "POST", form["action"] or path, fields)
    save.answered = time.monotonic()
    if response is None:
        save.outcome = "answer -"
    elif response.status == 302:
        save.outcome = SAVED
    elif response.status == 409:
        save.outcome = CONFLICT
        save.text_kept = save.token.encode() in content
    else:
        save.outcome = f"answer {response.status}"


@dataclass
class Checked:
    """The saves of one kind, and what the database holds of them."""

    kind: str
    saves: int = 0
    acknowledged: int = 0
    conflicts: int = 0
    failed: int = 0
    lost: int = 0
    partial: int = 0
    stale: int | None = None  # saves made on an out-of-date page that were written (edit forms)
    kept: int = 0  # not acknowledged (no answer, a 503 after the commit), yet written whole
    kept_partial: int = 0
    kept_refused: int = 0  # refused as conflicts, yet written
    holding: int = 0  # answers or objects that hold what the last save wrote...
    holders: int = 0  # ...of those a save of this run reached


def counted(kind, saves):
    outcomes = Counter(save.outcome for save in saves)
    return Checked(
        kind,
        saves=len(saves),
        acknowledged=outcomes[SAVED],
        conflicts=outcomes[CONFLICT],
        failed=len(saves) - outcomes[SAVED] - outcomes[CONFLICT],
    )


def check_writes(results, edits):
    """A ``Checked`` per kind: the questionnaire sections, then each edit form."""
    by_kind = defaultdict(list)
    for save in results.saves:
        if save.fields:  # typed and posted
            by_kind[save.kind].append(save)
    attempts = Counter(save.kind for save in results.saves)
    rows = [check_sections(by_kind[SECTION], results.prefix)]
    rows += [check_edit(edit, by_kind[edit.kind]) for edit in edits]
    for row in rows:  # the attempts that failed before posting count too
        row.failed += attempts[row.kind] - row.saves
        row.saves = attempts[row.kind]
    return rows


def check_sections(saves, prefix):
    """Every acknowledged token in the history of both its answers; each answer holds
    the last token acknowledged for it."""
    row = counted(SECTION, saves)
    history = Answer.history.model
    acknowledged = sorted((save for save in saves if save.acknowledged), key=lambda save: save.answered)
    tokens = [save.token for save in acknowledged]
    found = defaultdict(set)
    for question_id, text in history.objects.filter(text__in=tokens).values_list("question_id", "text"):
        found[text].add(question_id)
    row.lost = sum(1 for token in tokens if not found.get(token))
    row.partial = sum(1 for token in tokens if len(found.get(token, ())) == 1)
    # A token in the history that was never acknowledged is a write the person was told
    # had failed (or never heard of): it must have been rolled back, or be there whole.
    kept = dict(
        history.objects.filter(text__startswith=prefix)
        .exclude(text__in=tokens)
        .values("text")
        .annotate(answers=Count("question_id", distinct=True))
        .values_list("text", "answers")
    )
    row.kept = len(kept)
    row.kept_partial = sum(1 for answers in kept.values() if answers == 1)
    last = {}
    for save in acknowledged:
        for name in save.fields:
            last[int(name[1:])] = save.token
    current = dict(
        Answer.objects.filter(
            question_id__in=last, response__scheme__programme__slug="inclucities", response__scheme__number=1, row=0
        ).values_list("question_id", "text")
    )
    row.holders = len(last)
    row.holding = sum(1 for question, token in last.items() if current.get(question) == token)
    return row


def _same(value, other):
    # As a form field cleans them: surrounding white space dropped, line ends as posted.
    def norm(text):
        return (text or "").replace("\r\n", "\n").strip()

    return norm(value) == norm(other)


def check_edit(edit, saves):
    """The object's history records walked in order (see the module's docstring)."""
    row = counted(edit.kind, saves)
    row.stale = 0
    names = edit.fields
    history = edit.model.history.model.objects.filter(**{edit.model._meta.pk.name: edit.pk}).order_by("history_id")
    records = [dict(zip(names, values, strict=True)) for values in history.values_list(*names)]
    by_token = {save.token: save for save in saves}
    made = {}  # record index -> the save that made it
    written = set()
    for index, record in enumerate(records):
        for name in names:
            value = record[name]
            if value in by_token and value not in written and by_token[value].fields == (name,):
                written.add(value)
                made.setdefault(index, by_token[value])
    acknowledged = {save.token for save in saves if save.acknowledged}
    lost = acknowledged - written
    for index, save in made.items():
        whole = all(_same(records[index][name], save.posted[name]) for name in names)
        if save.acknowledged:
            row.partial += not whole
        elif save.outcome == CONFLICT:
            row.kept_refused += 1
        else:
            row.kept += 1
            row.kept_partial += not whole
    if made:
        first = min(made)
        for index in range(max(first, 1), len(records)):
            before, record, save = records[index - 1], records[index], made.get(index)
            changed = [
                name for name in names if not _same(before[name], record[name]) and (save is None or save.fields != (name,))
            ]
            if changed:  # written over a change this save never saw
                row.stale += 1
                lost |= {before[name] for name in changed} & acknowledged
        last = made[max(made)]
        current = edit.model._base_manager.filter(pk=edit.pk).values(*names).get()
        row.holders = 1
        row.holding = int(all(_same(current[name], last.posted[name]) for name in names))
    row.lost = len(lost)
    return row


def write_problems(rows, saves):
    """What makes the run fail, in words."""
    problems = []
    lost, partial = sum(r.lost for r in rows), sum(r.partial + r.kept_partial for r in rows)
    if lost or partial:
        problems.append(f"{lost} lost and {partial} partial writes")
    stale = sum(r.stale or 0 for r in rows)
    if stale:
        problems.append(f"{stale} saves made on an out-of-date page were written (a conflict should refuse them)")
    refused = sum(r.kept_refused for r in rows)
    if refused:
        problems.append(f"{refused} saves refused as conflicts were written all the same")
    not_last = sum(r.holders - r.holding for r in rows)
    if not_last:
        problems.append(f"{not_last} answers or objects do not hold the last save")
    unexpected = Counter((save.kind, save.outcome) for save in saves if save.unexpected)
    if unexpected:
        problems.append(
            f"{sum(unexpected.values())} saves answered neither saved nor conflict: "
            + ", ".join(f"{kind} {outcome}: {n}" for (kind, outcome), n in unexpected.items())
        )
    dropped = sum(1 for save in saves if save.outcome == CONFLICT and not save.text_kept)
    if dropped:
        problems.append(f"{dropped} conflict pages did not show the typed text again")
    return problems
