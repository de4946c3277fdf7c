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
# mentoring/erasure.py rewrites the history rows themselves to replace a person's name
# and e-mail by a pseudonym: a new history row would record them again (issue 25).
WITHOUT_HISTORY = {"mentoring/emails.py", "mentoring/erasure.py"}


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


# An attachment's file is only ever handed out by a view that checks who asks: never by
# the store's own address (a signed S3 URL, or a path under MEDIA_URL), which anyone
# holding it could open. (Settings: the bucket is private; docs/decisions/0021-attachment-storage.md.)
STORE_URL_IN_CODE = re.compile(
    r"storages\[\s*[\"']attachments[\"']\s*\]\.url\b|attachments_storage\(\)\.url\b|\.file\.url\b|\.file\.storage\.url\b"
)
STORE_URL_IN_TEMPLATES = re.compile(r"\.file\.url\b|attachment\w*(\.\w+)*\.url\b")
TEMPLATES = [
    path
    for folder in [ROOT / "templates", *(ROOT / app / "templates" for app in ("mentoring", "schemes", "benchmarks"))]
    for path in folder.rglob("*.html")
]


def test_the_rule_on_store_addresses_finds_what_it_looks_for():
    for line in ('storages["attachments"].url(name)', "storages['attachments'].url(name)", "attachment.file.url"):
        assert STORE_URL_IN_CODE.search(line), line
    for line in ("{{ attachment.file.url }}", '<a href="{{ item.attachment.file.url }}">', "{{ attachment.url }}"):
        assert STORE_URL_IN_TEMPLATES.search(line), line
    assert not STORE_URL_IN_CODE.search("task.url") and not STORE_URL_IN_TEMPLATES.search("{{ task.url }}")


def test_no_code_or_template_hands_out_an_attachment_store_address():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for paths, rule in ((APP_CODE, STORE_URL_IN_CODE), (TEMPLATES, STORE_URL_IN_TEMPLATES))
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if rule.search(line)
    ]
    assert offenders == [], "an attachment is downloaded through a view that checks access, never the store's URL"


def test_the_attachments_store_is_never_served_as_media():
    urls = (ROOT / "mentoring" / "urls.py").read_text()
    assert "MEDIA_URL" not in urls and "ATTACHMENTS_ROOT" not in urls


def test_every_field_of_the_projects_models_has_a_translatable_name():
    # History pages, error messages and the admin name a field by its verbose_name; one
    # left to Django is made from the attribute's name, in English for every reader.
    from django.apps import apps
    from django.utils.functional import Promise

    unnamed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("mentoring", "schemes", "benchmarks") and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert unnamed == [], "give these fields verbose_name=_(...):\n" + "\n".join(unnamed)
