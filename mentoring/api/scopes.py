"""What a person may read through the API: the same querysets as the pages.

A programme is readable when ``Programme.objects.for_user`` has it (a programme role, or
a role in one of its schemes; a site administrator: every programme), as on
``mentoring.access.programme_for``; a scheme when ``Scheme.objects.for_user`` has it (a
role in the scheme, or coordinator or observer of its programme), as on
``mentoring.access.scheme_for``. Everything inside a scheme (visits, meetings,
self-assessments, action plans) is read through the schemes, everything inside a
programme (its organisations, its good practices) through the programmes. Benchmarks are
read as the library reads them (``benchmarks.views.library.visible_versions``): every
published version, by everyone signed in. The rules table gives every role "view" on
each of these documents, so the scope is the whole of it.
"""

from django.apps import apps


def _model(name, app="schemes"):
    return apps.get_model(app, name)


def programmes(user):
    return _model("Programme").objects.for_user(user)


def schemes(user):
    return _model("Scheme").objects.for_user(user)


def organisations(user):
    """The cities, associations and other organisations of the person's programmes (the
    organisations page of each programme: ``programme.cities``)."""
    through = _model("Programme").cities.through
    ids = through.objects.filter(programme__in=programmes(user).values("pk")).values("organisation_id")
    return _model("Organisation").objects.filter(pk__in=ids)


def benchmark_versions(user):
    from benchmarks.views.library import visible_versions

    return visible_versions() if user.is_authenticated else _model("BenchmarkVersion", "benchmarks").objects.none()


def in_schemes(model, user, field="scheme"):
    return _model(model).objects.filter(**{f"{field}__in": schemes(user).values("pk")})


def in_programmes(model, user, field="programme"):
    return _model(model).objects.filter(**{f"{field}__in": programmes(user).values("pk")})
