"""The enquiry form's questions, laid out as GOV.UK lays them out: the question, its
hint, then its error, then the answer. These say which hint and error belong to a
question, for screen readers (aria-describedby)."""

from crispy_forms.templatetags.crispy_forms_filters import optgroups
from django import template
from django.forms import BoundField, CheckboxSelectMultiple, RadioSelect
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe

from enquiries.form_render import enquiry_form_html

register = template.Library()


@register.filter
def described_by(field: BoundField) -> str:
    """'id_phone_helptext id_phone_error': the ids of the hint and error shown."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag(takes_context=True)
def enquiry_form(context, form) -> str:
    """The enquiry <form>: a blank one from the per-process copy, with this
    request's tokens filled in (enquiries/form_render.py)."""
    return enquiry_form_html(form, context)


@register.filter
def is_choices(field: BoundField) -> bool:
    """A group of radio buttons or checkboxes: asked in a <fieldset> with a legend."""
    return isinstance(field.field.widget, RadioSelect | CheckboxSelectMultiple)


@register.filter
def options(field: BoundField) -> SafeString:
    """A question's radio buttons or checkboxes, each with its label.

    Written here rather than in a template loop: crispy renders the form for every
    send that comes back with errors, and a template per option was most of that
    time. Each option is written as the template wrote it, with its attributes as
    crispy-bootstrap5's layout/attrs.html writes them."""
    invalid = " is-invalid" if field.errors else ""
    name = field.html_name
    html = []
    for _group, group_options, _index in optgroups(field):
        for option in group_options:
            attrs = "".join(
                f" {escape(key)}"
                if value is True
                else f' {escape(key)}="{escape(f"{value}")}"'
                for key, value in option["attrs"].items()
                if value is not False
            )
            html.append(
                '<div class="form-check">'
                f' <input type="{escape(option["type"])}" class="form-check-input'
                f'{invalid}" name="{escape(name)}"'
                f' value="{escape(unlocalize(option["value"]))}"{attrs}>'
                f' <label for="{escape(option["attrs"].get("id", ""))}"'
                f' class="form-check-label">{escape(unlocalize(option["label"]))}'
                "</label> </div>"
            )
    # Every value in it was escaped above.
    return mark_safe(" ".join(html))  # nosec B308 B703
