"""Rules of the code base that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = [
    path
    for app in ("mentoring", "schemes", "benchmarks")
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
]


# Code that updates in bulk only models without a history: notifications and summary
# e-mails, claimed and released by the e-mail senders.
WITHOUT_HISTORY = {"mentoring/emails.py"}


def test_no_queryset_update_bypasses_the_history():
    # QuerySet.update() and bulk_update() write without django-simple-history seeing it.
    from django.apps import apps

    for model in (apps.get_model("mentoring", "Notification"), apps.get_model("mentoring", "Digest")):
        assert not hasattr(model, "history"), model
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in APP_CODE
        if str(path.relative_to(ROOT)) not in WITHOUT_HISTORY
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.(objects|filter\([^)]*\)|all\(\))\S*\.update\(|\.bulk_update\(", line)
    ]
    assert offenders == []


def test_no_form_takes_all_fields():
    offenders = [str(path.relative_to(ROOT)) for path in APP_CODE if '"__all__"' in path.read_text()]
    assert offenders == []


def test_every_view_of_a_programme_or_scheme_declares_its_permission():
    from django.urls import get_resolver

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                yield from walk(entry, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern), entry.callback

    undeclared, checked = [], 0
    for route, view in walk(get_resolver()):
        if route.startswith("programmes/<slug:programme>/"):
            checked += 1
            inner = view
            rule = None
            while inner is not None and rule is None:
                rule = getattr(inner, "access_rule", None)
                inner = getattr(inner, "__wrapped__", None)
            if rule is None:
                undeclared.append(route)
    assert checked > 20 and undeclared == []
