"""Keep Python's garbage collector off what an app-server process keeps for its whole life.

A warm process holds well over 100,000 objects the collector tracks (the URL patterns,
the compiled templates, the message catalogues, the models, WeasyPrint), and every so
often a full collection walks them all, landing on whichever request happens to be
running. ``freeze_warm_heap`` loads those objects once (the URL patterns, every
template of the project, the catalogue of every language), collects, and moves what is
alive to the collector's permanent generation with ``gc.freeze()``: later collections
see only what is new, and request garbage is freed as before.

Gunicorn calls it in its master process, after loading the application and before
forking the workers (``gunicorn.conf.py``: ``preload_app`` and ``when_ready``), the way
the Python documentation advises for ``gc.freeze``: the workers then share those pages
of memory instead of each copying them. Nothing here opens a database connection, so
none is shared across the fork. Measured in docs/performance.md; ``GC_FREEZE=false``
turns it off.
"""

import gc

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation


def warm_up():
    """Load what every process needs sooner or later: the URL patterns, every template
    of the project's templates directory, the catalogue of every language."""
    # A first reverse into each namespace loads its URL patterns.
    for name in ("home", "schemes:programme_list", "benchmarks:list"):
        reverse(name)
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(directory.rglob("*.html")):
            try:
                get_template(str(path.relative_to(directory)))
            except (TemplateDoesNotExist, TemplateSyntaxError):  # pragma: no cover - a broken template fails its own tests
                continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")


def freeze_warm_heap():
    """Warm up, collect, and freeze what is alive; returns the number of objects frozen
    (0 when ``GC_FREEZE`` is off)."""
    if not settings.GC_FREEZE:
        return 0
    warm_up()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
