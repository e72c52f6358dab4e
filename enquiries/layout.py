"""How the enquiry form is laid out (crispy-forms): its sections, the optional
questions folded away, the snippets between questions, and the send button."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms


class Details(Div):
    """Optional questions behind a <summary> (a <details> needs no JavaScript),
    open when the form comes back with any of them answered or wrong: nothing
    typed, and no error, is ever folded away."""

    template = "enquiries/layout/details.html"

    def __init__(self, summary: str, *names: str, form: forms.Form) -> None:
        super().__init__(*names)
        self.summary = summary
        self.names = names
        self.form = form

    @property
    def open(self) -> bool:
        form = self.form
        if not form.is_bound:
            return False
        data = form.data
        return any(
            name in form.errors
            or any(data.getlist(name) if hasattr(data, "getlist") else [data.get(name)])
            for name in self.names
        )


def enquiry_helper(form: forms.Form) -> FormHelper:
    """The crispy helper for an `EnquiryForm`: what it shows depends on the topic
    the person came from and on whether they said someone is in danger."""
    helper = FormHelper(form)
    helper.form_id = "enquiry-form"
    helper.attrs = {"novalidate": ""}  # our messages, not the browser's
    section = "form-section"
    helper.layout = Layout(
        Fieldset("About you", "over_18", "for_whom", css_class=section),
        Div(
            Fieldset(
                "About the person you are worried about",
                HTML('{% include "enquiries/includes/we_call_you.html" %}'),
                "relationship",
                "they_know",
                css_class=section,
            ),
            css_id="someone-else",
        ),
        Fieldset(
            "What is happening",
            "danger",
            HTML('{% include "enquiries/includes/crisis_card.html" %}'),
            Details(
                "Tell us what you are worried about (optional)",
                "substances",
                form=form,
            ),
            "message",
            *(["share_topic"] if form.came_from else []),
            css_class=section,
        ),
        Fieldset(
            "How to reach you",
            HTML(
                '<p class="form-text">We will only ever contact you. If you are'
                " asking about someone else, we will not contact them.</p>"
            ),
            "name",
            "contact_method",
            "phone",
            "email",
            Details(
                "Choose when it is safe for us to call (optional)",
                "call_windows",
                "call_days",
                form=form,
            ),
            "voicemail_ok",
            "say_who_we_are_ok",
            "area",
            css_class=section,
        ),
        Fieldset("Your agreement", "consent", css_class=section),
        # The service's hours, and whether anyone can call today, before the send.
        HTML('{% include "enquiries/includes/when_we_call.html" %}'),
        Div(Field("website"), css_class="form-trap", aria_hidden="true"),
        "submission_token",
        "started",
        "consent_version",
        "crisis_acknowledged",
        "topic",
    )
    label = "Send my request anyway" if form.in_danger() else "Ask for a callback"
    helper.add_input(Submit("submit", label))
    return helper
