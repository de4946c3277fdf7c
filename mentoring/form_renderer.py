"""The form renderer: Django draws each widget through a template; the commonest ones
(every ``<input>``, ``<textarea>`` and ``<select>``) are written here in Python instead,
with exactly the markup Django's templates give them, from the context Django's widget
builds. On a form of fifty fields the templates cost about a quarter of a millisecond a
widget (measured with ``manage.py measure_speed``). Any other widget goes to the
templates as before (``TemplatesSetting``, so ``templates/django/forms/`` comes first:
its ``attrs.html`` and ``input.html`` serve the radio and checkbox options). A project
template overriding one of the widgets written here would not be used: change it here.

``tests/test_form_markup.py`` draws every kind of widget through this renderer and
through Django's own templates and requires the same HTML.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape

from mentoring.templatetags.form_markup import widget_attrs

WIDGETS = "django/forms/widgets/"
# Django's templates that are only {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("text", "email", "number", "url", "password", "date", "datetime", "time", "hidden", "checkbox", "search", "tel", "color")
)


def _input(widget):
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}'
        f"{widget_attrs(widget['attrs'])}>"
    )


def _textarea(widget):
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{widget_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget):
    out = [f'<select name="{conditional_escape(widget["name"])}"{widget_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None  # an option drawn by a template of its own
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{widget_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class WidgetRenderer(TemplatesSetting):
    # What the templates draw, stripped as Django's renderers strip it.
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None:
            if template_name in INPUTS:
                return _input(widget)
            if template_name == f"{WIDGETS}textarea.html":
                return _textarea(widget)
            if template_name == f"{WIDGETS}select.html":
                drawn = _select(widget)
                if drawn is not None:
                    return drawn
        return super().render(template_name, context, request)
