"""List filters (django-filter). Each filters a queryset the view has already scoped to
the user, so a filter never reaches outside what the user may see."""

import unicodedata

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Organisation, OrganisationKind, SchemeFocus, SchemeKind, SchemePhase, SchemeRole

ARCHIVED_CHOICES = [("active", _("Active")), ("archived", _("Archived")), ("all", _("All"))]


def country_choices(codes):
    """The countries of ``codes`` (those a list holds), named in the current language and
    in its alphabetical order: a filter offers only countries that would find something,
    and translates a handful of names instead of all 250."""
    return sorted(((code, countries.name(code)) for code in set(codes) if code), key=lambda choice: _sort_key(choice[1]))


def _sort_key(name):
    """ "Émirats arabes unis" between "Égypte" and "Équateur", not after "Zimbabwe"."""
    return "".join(c for c in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(c)).casefold()


class SearchFilterSet(django_filters.FilterSet):
    """A free-text box over ``search_fields``, and (with ``status``) active/archived,
    showing active ones unless asked otherwise."""

    search_fields = ()
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")

    def filter_text(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition).distinct()

    def filter_status(self, queryset, name, value):
        if value == "archived":
            return queryset.filter(archived=True)
        if value == "all":
            return queryset
        return queryset.filter(archived=False)

    def filter_queryset(self, queryset):
        if "status" in self.filters and not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(archived=False)
        return super().filter_queryset(queryset)


class ProgrammeFilter(SearchFilterSet):
    search_fields = ("name", "description")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ARCHIVED_CHOICES, method="filter_status", empty_label=None)


class OrganisationFilter(SearchFilterSet):
    search_fields = ("name", "short_name", "region")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices, empty_label=_("All kinds"))
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("All countries"))

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["country"].extra["choices"] = country_choices(
            queryset.order_by().values_list("country", flat=True).distinct()
        )


class SchemeFilter(SearchFilterSet):
    search_fields = ("title", "theme", "parties__organisation__name")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SchemeKind.choices, empty_label=_("All kinds"))
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=SchemePhase.choices, empty_label=_("All phases"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ARCHIVED_CHOICES, method="filter_status", empty_label=None)


class GoodPracticeFilter(SearchFilterSet):
    """The good-practice library of a programme: text, theme, key factor, country, city.
    Choices come from the programme's own practices, cities and benchmarks."""

    search_fields = (
        "title",
        "theme",
        "where",
        "lead_agencies",
        "context",
        "description",
        "results",
        "success_factors",
        "transferability",
    )
    theme = django_filters.ChoiceFilter(label=_("Theme"), empty_label=_("All themes"), lookup_expr="iexact")
    key_factors = django_filters.ModelChoiceFilter(label=_("Key factor"), queryset=None, empty_label=_("All key factors"))
    country = django_filters.ChoiceFilter(label=_("Country"), field_name="city__country", empty_label=_("All countries"))
    city = django_filters.ModelChoiceFilter(label=_("City"), queryset=None, empty_label=_("All cities"))

    def __init__(self, data=None, queryset=None, *, programme, **kwargs):
        super().__init__(data, queryset, **kwargs)
        from .forms.practices import key_factor_label, programme_key_factors

        # The themes and countries of the practices there are (one query).
        pairs = set(programme.good_practices.order_by().values_list("theme", "city__country").distinct())
        themes = sorted({theme.strip() for theme, _country in pairs if theme.strip()}, key=str.casefold)
        present = {country for _theme, country in pairs}
        self.filters["theme"].extra["choices"] = [(t, t) for t in themes]
        self.filters["country"].extra["choices"] = country_choices(present)
        self.filters["city"].queryset = Organisation.objects.filter(programmes=programme, kind=OrganisationKind.CITY).order_by(
            "name"
        )
        self.filters["key_factors"].queryset = programme_key_factors(programme)
        self.form.fields["key_factors"].label_from_instance = key_factor_label


class DashboardFilter(django_filters.FilterSet):
    """The programme dashboard: theme, facilitator, country, phase, focus. Choices come from the
    programme's own schemes, so a filter never names another programme's people."""

    theme = django_filters.ChoiceFilter(label=_("Theme"), empty_label=_("All themes"), lookup_expr="iexact")
    facilitator = django_filters.ChoiceFilter(
        label=_("Facilitator"), empty_label=_("All facilitators"), method="filter_facilitator"
    )
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("All countries"), method="filter_country")
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=SchemePhase.choices, empty_label=_("All phases"))
    # Which steps a scheme takes in (schemes/focus.py).
    focus = django_filters.ChoiceFilter(label=_("Focus"), choices=SchemeFocus.choices, empty_label=_("All foci"))

    def __init__(self, data=None, queryset=None, *, programme, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # The themes of the programme's schemes and the countries of their parties.
        pairs = set(programme.schemes.order_by().values_list("theme", "parties__organisation__country").distinct())
        themes = sorted({theme.strip() for theme, _country in pairs if theme.strip()}, key=str.casefold)
        self.filters["theme"].extra["choices"] = [(t, t) for t in themes]
        facilitators = (
            SchemeRole.objects.filter(scheme__programme=programme, role="facilitator")
            .order_by()
            .values_list("user_id", "user__first_name", "user__last_name", "user__email")
            .distinct()
        )
        people = {pk: (f"{first} {last}".strip() or email) for pk, first, last, email in facilitators}
        self.filters["facilitator"].extra["choices"] = sorted(
            ((str(pk), name) for pk, name in people.items()), key=lambda c: c[1].casefold()
        )
        self.filters["country"].extra["choices"] = country_choices(country for _theme, country in pairs)

    def filter_facilitator(self, queryset, name, value):
        return queryset.filter(roles__role="facilitator", roles__user_id=value).distinct()

    def filter_country(self, queryset, name, value):
        return queryset.filter(parties__organisation__country=value).distinct()
