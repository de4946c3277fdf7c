"""The questionnaire engine's writing half: which template a scheme uses, saving a
section without losing anyone's words, progress, submitting and reopening.

Concurrent saves: every answer has a version. A section form carries the versions its
writer saw. On save, the response row is locked, and for each question whose answer
changed since it was seen, the value the writer saw is read back from the history:
- the writer did not touch it: the other person's text stays (merged silently);
- the writer changed it to the same text: nothing to do;
- both changed it differently: a conflict. Nothing is written; the writer gets both
  versions to merge, with the versions now current, so their next save goes through.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentoring.activity import log_action
from mentoring.autosave import AUTOSAVE

from ..models import Answer, QuestionnaireTemplate, Response, ResponseStatus, ResponseSubmission
from .limits import check_document_text, text_length


class NotEditable(Exception):
    """The response is submitted (read-only until reopened)."""


def template_for(programme, kind):
    """The template a scheme of ``programme`` fills for ``kind``: the programme's own
    adaptation if there is one, else the standard template; the newest version."""
    return (
        QuestionnaireTemplate.objects.filter(kind=kind)
        .filter(Q(programme=programme) | Q(programme__isnull=True))
        .order_by(F("programme_id").desc(nulls_last=True), "-version")
        .first()
    )


def visible_questions(section, questions=None):
    """The section's questions shown to people; ``questions``: {section id: [questions]}
    when they were read apart from the sections."""
    of_section = questions[section.pk] if questions is not None else section.questions.all()
    return [question for question in of_section if not question.hidden]


def normalise(value):
    """A value as it is stored and compared: a date answer is kept as ISO text, so an
    unchanged date is not saved again (and is not a conflict)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _value(answer, question):
    if answer is None:
        return None if question.is_numeric else ""
    return answer.number if question.is_numeric else answer.text


def _empty(value):
    return value is None or value == ""


@dataclass
class Conflict:
    question: object
    mine: object
    theirs: object
    by: object
    at: object


@dataclass
class SaveResult:
    saved: int = 0
    conflicts: list = field(default_factory=list)
    # For re-rendering after a conflict: the merged values and the versions now current.
    values: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)


@transaction.atomic
def section_save(*, response, section, values, seen, user, reason=""):
    """Save ``values`` ({question id: value}) of ``section`` into ``response`` (saved
    already, locked here). Returns a SaveResult; on conflicts nothing is written.
    ``reason`` goes into the answers' history (an automatic save says so). A save that
    changes answers is one entry of the activity log, with the answers it changed."""
    document, response = response, Response.objects.select_for_update().get(pk=response.pk)
    if response.status == ResponseStatus.SUBMITTED:
        raise NotEditable
    questions = visible_questions(section)
    answers = {
        answer.question_id: answer
        for answer in Answer.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(response=response, question__in=questions, row=0)
    }
    result = SaveResult()
    to_write = []
    for question in questions:
        mine = normalise(values.get(question.pk))
        answer = answers.get(question.pk)
        theirs = normalise(_value(answer, question))
        current_version = answer.version if answer else 0
        seen_version = seen.get(question.pk, 0)
        result.versions[question.pk] = current_version
        if current_version != seen_version:
            base = _base_value(answer, question, seen_version)
            if mine in (base, theirs) or (_empty(mine) and _empty(theirs)):
                result.values[question.pk] = theirs  # the other person's words stay
                continue
            result.conflicts.append(
                Conflict(
                    question=question,
                    mine=mine,
                    theirs=theirs,
                    by=answer.updated_by if answer else None,
                    at=answer.updated_at if answer else None,
                )
            )
            result.values[question.pk] = mine
            continue
        result.values[question.pk] = mine
        if mine != theirs and not (_empty(mine) and answer is None):
            to_write.append((question, answer, mine))
    if result.conflicts:
        return result
    if to_write:
        others = text_length(Answer.objects.filter(response=response).exclude(question__in=questions, row=0), ["text"])
        mine = sum(len(value) for question_id, value in result.values.items() if isinstance(value, str))
        check_document_text(others + mine)
    for question, answer, value in to_write:
        if answer is None:
            answer = Answer(response=response, question=question, row=0, version=0)
        if question.is_numeric:
            answer.number, answer.text = value, ""
        else:
            answer.text, answer.number = value or "", None
        answer.version += 1
        answer.updated_by = user
        answer._change_reason = reason
        answer.save()
        result.versions[question.pk] = answer.version
    if to_write:
        response.version += 1
        response.save()
        log_action(
            actor=user,
            action=f"{document.template.kind}.answer.saved",
            obj=response,
            scheme=document.scheme,
            label=document.organisation.label,
            autosave=reason == AUTOSAVE,
            data={
                **document_data(document),
                "sections": [section.key],
                "section_title": section.title,
                "questions": [question.pk for question, _answer, _value in to_write],
                "added": [question.pk for question, answer, _value in to_write if answer is None],
            },
        )
    result.saved = len(to_write)
    return result


def document_data(response):
    """What the activity log says of a city's document (a needs analysis, strengths):
    its kind and city, for the sentences and for whoever is told of it."""
    return {"kind": response.template.kind, "city": response.organisation.label, "organisation": response.organisation_id}


def _base_value(answer, question, seen_version):
    """The value of ``answer`` at ``seen_version``, from its history ("" when unseen)."""
    if answer is None or seen_version == 0:
        return None if question.is_numeric else ""
    record = answer.history.filter(version=seen_version).order_by("-history_id").first()
    if record is None:
        return object()  # unknown base: never equal, so a difference is a conflict
    return normalise(record.number if question.is_numeric else record.text)


def response_get_or_create(*, scheme, template, organisation):
    response, _created = Response.objects.get_or_create(scheme=scheme, template=template, organisation=organisation)
    return response


@dataclass
class Progress:
    sections_done: int
    sections_total: int
    required_answered: int
    required_total: int
    missing: list  # (section, question) of required questions without an answer

    @property
    def complete(self):
        return not self.missing


def progress(sections, answers, questions=None):
    """Progress over ``sections`` (questions prefetched, or given as ``questions``
    {section id: [questions]}) given ``answers`` {question id: Answer}: a section is done
    when its required questions are answered."""
    done, missing, required_total = 0, [], 0
    for section in sections:
        section_missing = []
        for question in visible_questions(section, questions):
            if not question.required:
                continue
            required_total += 1
            if _empty(_value(answers.get(question.pk), question)):
                section_missing.append((section, question))
        missing += section_missing
        done += not section_missing
    return Progress(done, len(sections), required_total - len(missing), required_total, missing)


@transaction.atomic
def response_submit(*, response, sections, user):
    """Submit ``response``: freeze its answers as a numbered submitted version."""
    document, response = response, Response.objects.select_for_update().get(pk=response.pk)
    answers = {answer.question_id: answer for answer in response.answers.filter(row=0)}
    state = progress(sections, answers)
    if not state.complete:
        return state
    number = response.submissions.count() + 1
    ResponseSubmission.objects.create(
        response=response,
        number=number,
        submitted_at=timezone.now(),
        submitted_by=user,
        answers={
            f"{answer.question_id}:{answer.row}": str(answer.number) if answer.number is not None else answer.text
            for answer in response.answers.all()
        },
    )
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = user
    response.save()
    log_action(
        actor=user,
        action=f"{document.template.kind}.submitted",
        obj=response,
        scheme=document.scheme,
        label=document.organisation.label,
        data={**document_data(document), "number": number},
    )
    return state


@transaction.atomic
def response_reopen(*, response, actor):
    response.status = ResponseStatus.DRAFT
    response.save()
    log_action(
        actor=actor,
        action=f"{response.template.kind}.reopened",
        obj=response,
        scheme=response.scheme,
        label=response.organisation.label,
        data=document_data(response),
    )
