"""The dashboard's cells, one per step of each scheme shown: drawn in Python, as the
template drew them (fifty schemes of eleven steps are 550 cells a page)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def step_cells(steps):
    return format_html_join(
        "",
        '<td><span class="state state-{}">{}</span>{}</td>',
        (
            (step.state, step.state_label, format_html('<div class="small">{}</div>', step.detail) if step.detail else "")
            for step in steps
        ),
    )
