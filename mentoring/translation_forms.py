"""The translations page's form: one box per translatable text of a template or a
benchmark, in one language, beside its original (mentoring.translations has the rules)."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .activity import log_action
from .translations import check_translation, language_name, translations_state

CHOICE_PREFIX = "choice:"
CONFLICT = gettext_lazy(
    "Someone saved translations of this text since you opened the page. Your text is kept below; "
    "check theirs on the page again before saving."
)


class TranslationForm(forms.Form):
    """Every text of ``entries`` to translate into ``code``. Empty boxes leave the text
    untranslated (readers see the original); a box whose original changed since it was
    translated is flagged ``outdated``."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, entries, code, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        self.code = code
        self.rows = []
        for entry in entries:
            current = (entry.obj.translations or {}).get(code, {})
            outdated = entry.obj.translation_outdated(code)
            for name, label, original, max_length in entry.fields:
                field_name = f"{entry.key}-{name}"
                initial = current.get(name, "")
                if name.startswith(CHOICE_PREFIX):
                    initial = (current.get("choices") or {}).get(name[len(CHOICE_PREFIX) :], "")
                multiline = "\n" in original or len(original) > 120
                self.fields[field_name] = forms.CharField(
                    label=label,
                    required=False,
                    strip=True,
                    initial=initial,
                    widget=forms.Textarea(attrs={"rows": 3, "lang": code})
                    if multiline
                    else forms.TextInput(attrs={"lang": code}),
                )
                self.fields[field_name].widget.attrs["aria-describedby"] = f"id_{field_name}_original"
                self.fields[field_name].original = original
                self.fields[field_name].max_length_allowed = max_length
                self.rows.append((entry, field_name, original, outdated and bool(initial)))
        self.fields["seen"].initial = translations_state(entries, code)

    def clean(self):
        cleaned = super().clean()
        for _entry, field_name, original, _outdated in self.rows:
            value = cleaned.get(field_name)
            if not value:
                continue
            for problem in check_translation(self.code, original, value, max_length=self.fields[field_name].max_length_allowed):
                self.add_error(field_name, problem)  # "Title: contains HTML markup…" in the summary
        # What the writer saw, checked when the page sent it (a page always does).
        seen = cleaned.get("seen")
        if self.is_bound and seen and seen != translations_state(self.entries, self.code):
            self.add_error(
                None,
                forms.ValidationError(CONFLICT, code="conflict"),
            )
        return cleaned

    def grouped(self):
        """[(entry, [(bound field, original, outdated), ...]), ...] for the page."""
        groups = []
        for entry, field_name, original, outdated in self.rows:
            if not groups or groups[-1][0] is not entry:
                groups.append((entry, []))
            groups[-1][1].append((self[field_name], original, outdated))
        return groups

    def values_of(self, entry):
        values, choices = {}, {}
        for name, _label, _original, _max in entry.fields:
            value = self.cleaned_data.get(f"{entry.key}-{name}", "")
            if name.startswith(CHOICE_PREFIX):
                if value:
                    choices[name[len(CHOICE_PREFIX) :]] = value
            else:
                values[name] = value
        if any(name.startswith(CHOICE_PREFIX) for name, *_rest in entry.fields):
            values["choices"] = choices
        return values


@transaction.atomic
def translations_save(*, form, actor, label, programme=None, scheme=None, log_object=None):
    """Save ``form``'s translations: each object whose translation changed, with its
    history entry ("Translation changed (italiano)") and one activity-log entry. Returns
    how many objects changed, or None when someone saved translations of these texts
    since the form was shown (checked again here, the rows locked: the form then carries
    the conflict message and nothing is saved)."""
    code = form.code
    # The rows locked and read again in one query per kind of object, not one per text.
    pks = {}
    for entry in form.entries:
        pks.setdefault(type(entry.obj), []).append(entry.obj.pk)
    locked = {model: model.objects.select_for_update().in_bulk(ids) for model, ids in pks.items()}
    for entry in form.entries:
        entry.obj.translations = locked[type(entry.obj)][entry.obj.pk].translations
    seen = form.cleaned_data.get("seen")
    if seen and seen != translations_state(form.entries, code):
        form.add_error(None, forms.ValidationError(CONFLICT, code="conflict"))
        return None
    changed = 0
    for entry in form.entries:
        obj = locked[type(entry.obj)][entry.obj.pk]
        before = (obj.translations or {}).get(code)
        obj.translation_set(code, form.values_of(entry))
        if (obj.translations or {}).get(code) == before:
            continue
        obj._change_reason = _("Translation changed (%(language)s)") % {"language": language_name(code)}
        obj.save(update_fields=["translations"])
        entry.obj.translations = obj.translations
        changed += 1
    if changed:
        log_action(
            actor=actor,
            action="translation.changed",
            obj=log_object or form.entries[0].obj,
            programme=programme,
            scheme=scheme,
            label=label,
            data={"language": language_name(code), "code": code, "changed": changed},
        )
    return changed


def languages_overview(entries):
    """Per language offered (and any other a text has), how many texts are translated,
    and how many translations are older than their original: for the editors."""
    from django.conf import settings

    from .translations import ORIGINAL_LANGUAGE

    codes = [code for code, _name in settings.LANGUAGES if code != ORIGINAL_LANGUAGE]
    for entry in entries:
        codes.extend(code for code in (entry.obj.translations or {}) if code not in codes)
    total = sum(len(entry.fields) for entry in entries)
    rows = []
    for code in codes:
        translated = outdated = 0
        for entry in entries:
            found = entry.obj.translation(code)
            done = sum(
                1
                for name, *_rest in entry.fields
                if (found.get("choices") or {}).get(name[len(CHOICE_PREFIX) :])
                or (not name.startswith(CHOICE_PREFIX) and found.get(name))
            )
            translated += done
            if done and entry.obj.translation_outdated(code):
                outdated += 1
        unofficial = any((entry.obj.translations or {}).get(code, {}).get("unofficial") for entry in entries)
        rows.append(
            {
                "code": code,
                "name": language_name(code),
                "translated": translated,
                "total": total,
                "outdated": outdated,
                "unofficial": unofficial,
            }
        )
    return rows


def translations_overview_page(request, *, entries, programme, editable, back_url, title):
    """The languages of a template or benchmark: how much is translated, what is older
    than its original, and (``editable``) a link to translate into each."""
    from django.shortcuts import render

    return render(
        request,
        "translations/overview.html",
        {
            "programme": programme,
            "language_rows": languages_overview(entries),
            "editable": editable,
            "back_url": back_url,
            "page_title": _("Translations of “%(title)s”") % {"title": title},
        },
    )


def translation_edit_page(request, *, entries, code, programme, log_object, title, overview_url):
    """The page that translates ``entries`` into ``code``; saved, back to ``overview_url``
    (a template's or a benchmark's translations: the same page for both)."""
    from django.contrib import messages
    from django.http import Http404
    from django.shortcuts import redirect, render
    from django.utils.translation import ngettext

    from .forms import has_conflict
    from .translations import language_codes

    if code not in language_codes():
        raise Http404(_("No such language."))
    form = TranslationForm(request.POST or None, entries=entries, code=code)
    changed = None
    if request.method == "POST" and form.is_valid():
        changed = translations_save(form=form, actor=request.user, label=title, programme=programme, log_object=log_object)
    if changed is not None:
        messages.success(
            request,
            ngettext("%(count)s text saved.", "%(count)s texts saved.", changed) % {"count": changed}
            if changed
            else _("Nothing had changed."),
        )
        return redirect(overview_url)
    return render(
        request,
        "translations/edit.html",
        {
            "programme": programme,
            "form": form,
            "cancel_url": overview_url,
            "page_title": _("“%(title)s”: translation (%(language)s)") % {"title": title, "language": language_name(code)},
        },
        status=(409 if has_conflict(form) else 400) if form.is_bound else 200,
    )
