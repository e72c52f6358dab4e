"""The enquiry form's HTML, made once per process for a form nobody has filled in.

crispy renders a few templates for each question, and that was most of the time the
page took. Two blank forms differ only in their per-request values (the CSRF token,
the submission token, the signed start time), so the blank form's HTML is kept with
a placeholder for each of those, and each page fills in its own, escaped.

What keeps one person's values out of another's page:
- only an unbound form is ever kept or served from here: a form sent back (answers,
  errors) is rendered afresh, every time;
- the kept HTML is rendered from `PAGE_CONTEXT` and the form alone, never from the
  request's context, and every one of those values (and every label and hint) is in
  the key, so the clock ("we are closed now") and the database (opening hours, the
  topic) change the key rather than being frozen into the page;
- the placeholders hold a secret made at start-up, so they cannot occur in content,
  and each must appear exactly once or the HTML is not kept.

A blank form's page need not even make the form: its HTML is also kept under a
quick key (the topic, the page values, the consent version and `kept_version`, the
page generation and release). What else a label or hint is made from stands in
that key: the code (a deploy starts new processes), the settings (a change clears
what is kept), the topic's name and the opening hours (a change to either raises
the generation). The form is made, and its full key checked, whenever the quick
key finds nothing.
"""

import re
import secrets
import threading
import uuid
from collections import OrderedDict

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.page_cache import kept_version

from . import consent
from .forms import EnquiryForm, sign_started

# What the layout's own snippets read from the page: when we are open, what shows on
# the phone, how often we try, our phone line. Nothing else reaches the form's HTML.
PAGE_CONTEXT = (
    "service",
    "caller_id",
    "max_attempts",
    "service_phone",
    "service_phone_link",
)
# The per-request values, and where each comes from.
PER_REQUEST = ("csrf_token", "submission_token", "started")
MAX_KEPT = 64  # a few a day (the clock's words change the key), one per topic

_SECRET = secrets.token_hex(16)
_PLACEHOLDERS = {name: f"enquiry-form-{_SECRET}-{name}" for name in PER_REQUEST}
_SPLIT = re.compile("|".join(map(re.escape, _PLACEHOLDERS.values())))
_NAMES = {placeholder: name for name, placeholder in _PLACEHOLDERS.items()}

_kept: OrderedDict[tuple, tuple[list[str], list[str]]] = OrderedDict()
_lock = threading.Lock()


def enquiry_form_html(form: EnquiryForm, context) -> SafeString:
    """The <form> for `form`, given the page's template `context`. With
    `blank_form` in the context, `form` is lazy: made only if it must be."""
    page = {name: context.get(name) for name in PAGE_CONTEXT}
    csrf_token = context.get("csrf_token")
    if not csrf_token or str(csrf_token) == "NOTPROVIDED":
        return render_form(form, page, csrf_token=csrf_token)
    quick = (
        _quick_key(context.get("came_from"), page)
        if context.get("blank_form")
        else None
    )
    kept = _kept_under(quick) if quick else None
    if kept is not None:
        # What the form itself would have made for a blank form (its initial values).
        values = {"submission_token": uuid.uuid4(), "started": sign_started()}
        return _filled(kept, {**values, "csrf_token": str(csrf_token)})
    if form.is_bound:
        return render_form(form, page, csrf_token=csrf_token)
    key = cache_key(form, page)
    kept = _kept_under(key)
    if kept is None:
        kept = _blank(form, page)
        if kept is None:  # a placeholder went missing or doubled: never keep that
            return render_form(form, page, csrf_token=csrf_token)
        _keep(key, kept)
    if quick:
        _keep(quick, kept)
    values = {
        "csrf_token": str(csrf_token),
        "submission_token": form["submission_token"].value(),
        "started": form["started"].value(),
    }
    return _filled(kept, values)


def _kept_under(key: tuple) -> tuple[list[str], list[str]] | None:
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
        return kept


def _keep(key: tuple, kept: tuple[list[str], list[str]]) -> None:
    with _lock:
        _kept[key] = kept
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)


def _quick_key(topic, page: dict) -> tuple:
    slug = topic.slug if topic is not None else None
    return ("quick", slug, _page_key(page), consent.VERSION, kept_version())


def _filled(kept: tuple[list[str], list[str]], values: dict) -> SafeString:
    literals, names = kept
    parts = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        parts.append(escape(str(values[name])))
        parts.append(literal)
    # The literals are rendered, escaped HTML; each value is escaped above.
    return mark_safe("".join(parts))  # nosec B308 B703


def render_form(form: EnquiryForm, page: dict, *, csrf_token) -> SafeString:
    """The form's HTML rendered afresh, from `page` (see `PAGE_CONTEXT`) alone."""
    context = {**page, "form": form, "csrf_token": csrf_token}
    # A template render: escaped by the template engine.
    html = render_to_string("enquiries/includes/enquiry_form.html", context)
    return mark_safe(html)  # nosec B308 B703


def cache_key(form: EnquiryForm, page: dict) -> tuple:
    """Everything a blank form's HTML is made from, but the per-request values."""
    fields = tuple(
        (name, type(field).__name__, str(field.label), str(field.help_text))
        for name, field in form.fields.items()
    )
    initial = tuple(
        (name, str(form[name].value()))
        for name in form.fields
        if name not in PER_REQUEST and name in form.initial
    )
    return (form.__class__, fields, initial, _page_key(page))


def _page_key(page: dict) -> tuple:
    return tuple(
        (name, tuple(sorted(value.items())) if isinstance(value, dict) else value)
        for name, value in page.items()
    )


def _blank(form: EnquiryForm, page: dict) -> tuple[list[str], list[str]] | None:
    """The blank form's HTML split at its placeholders: (literals, names between)."""
    initial = {
        **form.initial,
        "submission_token": _PLACEHOLDERS["submission_token"],
        "started": _PLACEHOLDERS["started"],
    }
    blank = form.__class__(topic=form.came_from, initial=initial)
    if cache_key(blank, page) != cache_key(form, page):
        return None  # the hours or the topic changed meanwhile: keep nothing
    html = render_form(blank, page, csrf_token=_PLACEHOLDERS["csrf_token"])
    found = _SPLIT.findall(html)
    if sorted(found) != sorted(_PLACEHOLDERS.values()):
        return None
    return _SPLIT.split(html), [_NAMES[placeholder] for placeholder in found]


def clear() -> None:
    with _lock:
        _kept.clear()


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    clear()  # crispy and the templates read settings as they render


@receiver(file_changed)
def _file_changed(**kwargs) -> None:
    clear()  # runserver reloads templates without a restart: so must this
