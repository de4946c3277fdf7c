"""A programme's words for a party's side and a person's role (schemes/terms.py):
``{{ party.side|side_label:programme.terms }}``, ``{{ role.role|officer_label:programme.terms }}``
("Implementing city officer") and ``{{ invitation.role|role_label:programme.terms }}``
("Implementing city")."""

from django import template

from ..terms import terms_for

register = template.Library()


def _terms(terms):
    # A template without a programme (an error page) reads the method's default words.
    return terms if terms not in (None, "") else terms_for(None)


@register.filter
def side_label(side, terms):
    return _terms(terms).side_label(side)


@register.filter
def officer_label(role, terms):
    return _terms(terms).officer_label(role)


@register.filter
def role_label(role, terms):
    return _terms(terms).role_label(role)


@register.filter
def sought_label(sought, terms):
    return _terms(terms).sought_label(sought)


@register.filter
def applies_label(side, terms):
    return _terms(terms).applies_label(side)
