"""Form markup written in Python where Django's templates were the slowest part of a page.

**Fields.** crispy-forms draws every form field through ``bootstrap5/field.html``. That template and
the five it includes (again for each radio option) cost about a millisecond a field: on
the self-assessment page, with about fifty fields, 60 of its 100 ms (measured with
``manage.py measure_speed``). ``templates/bootstrap5/field.html`` overrides it with the
one tag below, which writes the same markup in Python for the cases this app has: forms
without a crispy helper (no horizontal layout, no label or field column classes, no table
cells, no inline help or errors) and no file inputs. Anything else is drawn by crispy's
own template, found behind the override. The widgets themselves are still rendered by
Django from the form class, with the classes crispy would give them.

**Widget attributes.** Django draws each widget's attributes with a template loop
(``django/forms/widgets/attrs.html``), once per input and once per ``<option>``: a select
of 250 countries drew it 250 times. ``templates/django/forms/widgets/`` overrides it and
the select with the ``widget_attrs`` filter below, which prints the same attributes.

``tests/test_form_markup.py`` draws every kind of widget both ways, with and without
errors, help text, initial values and a disabled state, and requires the same HTML.
"""

from functools import cache

from django import forms, template
from django.conf import settings
from django.template import engines
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "bootstrap5/field.html"
# Context variables that only a crispy helper or layout sets: with any of them, crispy's
# own template draws the field.
HELPER_ONLY = (
    "tag", "label_class", "field_class", "inline_class", "flat_attrs", "help_text_inline",
    "error_text_inline", "bootstrap_checkbox_offsets",
)


@cache
def crispy_template():
    """crispy-bootstrap5's own field template, the one ``templates/`` overrides."""
    engine = engines["django"].engine
    _ours, origin = engine.find_template(TEMPLATE)
    original, _origin = engine.find_template(TEMPLATE, skip=[origin])
    return original


@register.simple_tag(takes_context=True)
def bootstrap5_field(context):
    field = context["field"]
    if (
        any(context.get(name) for name in HELPER_ONLY)
        or "form-horizontal" in (context.get("form_class") or "")
        or isinstance(field.field.widget, forms.FileInput)
    ):
        return crispy_template().render(context)
    return mark_safe(draw_field(
        field,
        show_labels=context.get("form_show_labels"),
        show_errors=context.get("form_show_errors"),
        wrapper_class=context.get("wrapper_class"),
    ))


def draw_field(field, *, show_labels, show_errors, wrapper_class=None):
    if field.is_hidden:
        return str(field)
    widget = field.field.widget
    checkbox = isinstance(widget, forms.CheckboxInput)
    # crispy's is_radioselect and is_checkboxselectmultiple: CheckboxSelectMultiple is a
    # RadioSelect.
    choices = isinstance(widget, forms.RadioSelect)
    required = field.field.required
    errors = field.errors
    label = conditional_escape(field.label) if field.label else ""
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    out = []
    if checkbox:
        out.append('<div class="mb-3">')
    classes = "form-check" if checkbox and show_labels else "mb-3"
    if wrapper_class:
        classes += f" {_e(wrapper_class)}"
    if css_classes := field.css_classes():
        classes += f" {_e(css_classes)}"
    out.append(f'<div id="div_{_e(field.auto_id)}" class="{classes}">')
    fieldset = field.use_fieldset
    if field.label and not checkbox and show_labels:
        if fieldset:
            described = field.aria_describedby
            out.append(f'<fieldset aria-describedby="{_e(described)}">' if described else "<fieldset>")
        element = "legend" if fieldset else "label"
        target = f' for="{_e(field.id_for_label)}"' if field.id_for_label else ""
        extra = (" requiredField" if required else "") + (" fs-6" if fieldset else "")
        out.append(f'<{element}{target} class="form-label{extra}">{label}{asterisk}</{element}>')
    if choices:
        out.append(_choices(field, show_errors))
    elif checkbox and show_labels:
        out.append(_widget(field, "form-check-input is-invalid" if errors else "form-check-input"))
        out.append(
            f'<label for="{_e(field.id_for_label)}" class="form-check-label{" requiredField" if required else ""}">'
            f"{label}{asterisk}</label>"
        )
        out.append(_help_text_and_errors(field, show_errors))
    else:
        if isinstance(widget, forms.Select):
            css = "form-select"
        elif checkbox:
            css = "form-check-input"
        else:
            css = "form-control"
        out.append(_widget(field, f"{css} is-invalid" if errors else css))
        out.append(_help_text_and_errors(field, show_errors))
    if fieldset and field.label and show_labels:
        out.append("</fieldset>")
    out.append("</div>")
    if checkbox:
        out.append("</div>")
    return "".join(out)


def _e(value):
    """A value as a template prints it: escaped, None as "None"."""
    return conditional_escape(value)


def _widget(field, css):
    """crispy's ``{% crispy_field field 'class' css %}``: the widget's own classes, its
    type's name, then ``css``, kept on the widget as crispy keeps them."""
    widget = field.field.widget
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    for part in getattr(widget, "widgets", [getattr(widget, "widget", widget)]):
        name = part.__class__.__name__.lower()
        name = converters.get(name, name)
        current = part.attrs.get("class", "")
        if current:
            if current.find(name) == -1:
                current += f" {name}"
        else:
            current = name
        for extra in css.split():
            if extra not in current.split():
                current += f" {extra}"
        part.attrs["class"] = current
    return str(field)


def _errors(field, show_errors, tag="p"):
    if not (show_errors and field.errors):
        return ""
    field_id = getattr(field.errors, "field_id", "")
    items = "".join(
        f'<{tag} id="error_{number}_{_e(field.auto_id)}"><strong>{conditional_escape(error)}</strong></{tag}>'
        for number, error in enumerate(field.errors, start=1)
    )
    return f'<div id="{_e(field_id)}_error" class="invalid-feedback">{items}</div>'


def _help_text(field):
    if not field.help_text:
        return ""
    target = f'id="{_e(field.auto_id)}_helptext" ' if field.auto_id else ""
    # Escaped, unlike crispy's |safe: a questionnaire question's help text is typed by
    # people. Help text marked safe (the password rules' list) stays HTML.
    return f'<div {target}class="form-text">{conditional_escape(field.help_text)}</div>'


def _help_text_and_errors(field, show_errors):
    return _errors(field, show_errors) + _help_text(field)


def _choices(field, show_errors):
    """crispy-bootstrap5's ``layout/radio_checkbox_select.html``: one check per option."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    invalid = " is-invalid" if field.errors else ""
    out = ["<div>"]
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            out.append(f"<strong>{conditional_escape(group)}</strong>")
        for number, option in enumerate(options, start=1):
            flat = widget_attrs(option["attrs"])
            out.append(
                f'<div class="form-check"><input type="{_e(option["type"])}" class="form-check-input{invalid}"  '
                f'name="{_e(field.html_name)}" value="{_e(_unlocalize(option["value"]))}" {flat}>'
                f'<label for="{_e(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{_e(_unlocalize(option['label']))}</label>"
            )
            if field.errors and number == len(options) and group_number == len(groups):
                out.append(_errors(field, show_errors))
            out.append("</div>")
    out.append("</div>")
    out.append(_help_text(field))
    return "".join(out)


@register.filter
def widget_attrs(attrs):
    """Django's ``django/forms/widgets/attrs.html``: `` name="value"`` for each attribute,
    `` name`` alone for True, nothing for False."""
    return mark_safe("".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    ))


def _unlocalize(value):
    return str(formats.localize(value, use_l10n=False))
