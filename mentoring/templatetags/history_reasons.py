"""``{{ record.history_change_reason|reason_said }}``: a history entry's reason in the
reader's language (``mentoring.history.reason_said``)."""

from django import template

from mentoring.history import reason_said

register = template.Library()
register.filter("reason_said", reason_said)
