"""Organisations: cities, municipal associations, networks (coordinating bodies),
facilitator organisations, service providers and civil-society organisations.

One table with a ``kind``, and a proxy model per kind, so that a scheme's parties, a
person's organisation and an association's members all point at one model, while code
and admin still speak of cities and associations.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class OrganisationKind(models.TextChoices):
    CITY = "city", _("City")
    ASSOCIATION = "association", _("Municipal association")
    NETWORK = "network", _("Network or coordinating body")
    FACILITATOR = "facilitator", _("Facilitator organisation")
    # The method "can even be used for mutual development between external service
    # providers to cities, or between civil society organisations in the city" (seed 002,
    # "The IMPLEMENTORING approach: multiple uses"): both may be parties of a scheme,
    # beside its cities (issue 23).
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")


# The kinds of organisation that may be a party of a scheme (on a side, or a peer);
# networks and facilitator organisations run programmes, they are no party.
PARTY_KINDS = (
    OrganisationKind.CITY,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.SERVICE_PROVIDER,
    OrganisationKind.CIVIL_SOCIETY,
)
# The partner organisations of a side: their officers support it (``partner`` role).
PARTNER_KINDS = (OrganisationKind.SERVICE_PROVIDER, OrganisationKind.CIVIL_SOCIETY)
# Who may coordinate a programme: a network, or a municipal association ("City
# associations are ideal to broker mentoring arrangements between members", seed 000).
COORDINATING_KINDS = (OrganisationKind.NETWORK, OrganisationKind.ASSOCIATION)


class GovernmentStructure(models.TextChoices):
    UNITARY = "unitary", _("Unitary state")
    REGIONALISED = "regionalised", _("Regionalised state")
    FEDERAL = "federal", _("Federal state")


class OrganisationQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(kind=OrganisationKind.CITY)

    def associations(self):
        return self.filter(kind=OrganisationKind.ASSOCIATION)

    def partners(self):
        return self.filter(kind__in=PARTNER_KINDS)


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    member_of = models.ManyToManyField(
        "self",
        verbose_name=_("member of (associations)"),
        symmetrical=False,
        related_name="members",
        blank=True,
        limit_choices_to={"kind": OrganisationKind.ASSOCIATION},
    )

    # The profile facts of the local-context block (Annex 2 and 3), for cities.
    population = models.PositiveIntegerField(_("number of inhabitants"), null=True, blank=True)
    migrant_population = models.PositiveIntegerField(
        _("people with a migrant background / foreign born / non-nationals"), null=True, blank=True
    )
    main_nationalities = models.TextField(_("main nationalities and status groups"), blank=True)
    annual_budget = models.DecimalField(
        _("municipal annual budget (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    integration_budget = models.DecimalField(
        _("budget for integration work and migrant/refugee services (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
    )
    region = models.CharField(_("region"), max_length=120, blank=True)
    government_structure = models.CharField(
        _("multi-level governance"), max_length=20, choices=GovernmentStructure.choices, blank=True
    )
    governance_notes = models.TextField(_("notes on competences and governance"), blank=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name", "country"], name="unique_organisation_per_country"),
        ]

    def __str__(self):
        if self.country:
            return f"{self.name} ({self.country.code})"
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    @property
    def migrant_share(self):
        """Share of inhabitants with a migrant background, in percent, or None."""
        if self.population and self.migrant_population is not None:
            return round(100 * self.migrant_population / self.population, 1)
        return None


class KindManager(models.Manager):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class City(Organisation):
    objects = KindManager(OrganisationKind.CITY)

    class Meta:
        proxy = True
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.CITY
        super().save(*args, **kwargs)


class Association(Organisation):
    objects = KindManager(OrganisationKind.ASSOCIATION)

    class Meta:
        proxy = True
        verbose_name = _("municipal association")
        verbose_name_plural = _("municipal associations")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.ASSOCIATION
        super().save(*args, **kwargs)


class Network(Organisation):
    objects = KindManager(OrganisationKind.NETWORK)

    class Meta:
        proxy = True
        verbose_name = _("network or coordinating body")
        verbose_name_plural = _("networks and coordinating bodies")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.NETWORK
        super().save(*args, **kwargs)


class FacilitatorOrganisation(Organisation):
    objects = KindManager(OrganisationKind.FACILITATOR)

    class Meta:
        proxy = True
        verbose_name = _("facilitator organisation")
        verbose_name_plural = _("facilitator organisations")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.FACILITATOR
        super().save(*args, **kwargs)


class ServiceProvider(Organisation):
    objects = KindManager(OrganisationKind.SERVICE_PROVIDER)

    class Meta:
        proxy = True
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.SERVICE_PROVIDER
        super().save(*args, **kwargs)


class CivilSocietyOrganisation(Organisation):
    objects = KindManager(OrganisationKind.CIVIL_SOCIETY)

    class Meta:
        proxy = True
        verbose_name = _("civil-society organisation")
        verbose_name_plural = _("civil-society organisations")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.CIVIL_SOCIETY
        super().save(*args, **kwargs)
