"""A new web or worker process is ready before its first request: the URLconf
imported, every template compiled, Celery's tasks loaded; without touching the
database or the broker, so that it is as safe before a fork as after."""

import logging

from django.template import engines

from referral_site import celery_app
from referral_site.warm import compile_templates, template_names, warm_up


def test_every_template_of_the_site_compiles(caplog):
    names = template_names()
    assert {
        "base.html",
        "enquiries/enquiry_form.html",
        "emails/callback_assigned_body.txt",
    }

    with caplog.at_level(logging.WARNING, logger="referral_site.warm"):
        compiled = compile_templates()

    assert caplog.messages == []  # a broken template is named here, not on a page
    assert compiled == len(names) * len(engines.all())


def test_warming_up_fills_the_template_cache_and_touches_no_database():
    # No django_db mark: any query here fails the test.
    [loader] = engines["django"].engine.template_loaders  # the cached loader
    loader.reset()
    assert "enquiries/enquiry_form.html" not in loader.get_template_cache

    warm_up(celery_app)

    assert "enquiries/enquiry_form.html" in loader.get_template_cache
