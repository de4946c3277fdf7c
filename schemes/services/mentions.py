"""Mentions in comments: naming a person of the scheme ("@Carla Rossi") tells them
(``mentoring.notifications``: the "mentions" kind, e-mailed at once by default).

A comment form offers the scheme's people (``people``) to tick, and JavaScript offers
them as one types "@"; a name typed by hand counts too. Only the scheme's people can be
mentioned: an id of anyone else is refused by the form, a typed name of anyone else is
plain text, and the notification rule tells only people of the scheme."""

import re

from django.contrib.auth import get_user_model


def people(scheme):
    """The people with a role in ``scheme`` (one query), by name."""
    return list(
        get_user_model()
        .objects.filter(scheme_roles__scheme=scheme, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def mentioned(text, candidates, chosen=()):
    """The ids of the people ``text`` names with "@Name" among ``candidates``, and of
    those ``chosen`` (ticked), sorted, each once."""
    ids = {person.pk for person in chosen}
    for person in candidates:
        if re.search(r"(?<!\w)@" + re.escape(person.display_name) + r"(?!\w)", text, re.IGNORECASE):
            ids.add(person.pk)
    return sorted(ids)
