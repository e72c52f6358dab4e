"""The service's opening hours, the bank holidays of England and Wales for 2026 and
2027, and the first privacy notice. All are edited in the admin afterwards."""

import datetime

from django.db import migrations

OPENING_HOURS = [(day, "09:00", "20:00") for day in range(5)] + [(5, "10:00", "16:00")]

BANK_HOLIDAYS = [
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
]

PRIVACY_NOTICE = """

<p>When you ask us for a callback you trust us with information about your health, or about the health of someone you care about. This notice explains, in plain English, what we do with it and the choices you have.</p>

<h2>Who we are</h2>
<p>The service is a free, impartial and confidential advice and referral service run by addictions clinicians. We are the controller of the information you give us. You can contact us about your information at privacy@example.org.</p>

<h2>What we ask for, and why</h2>
<p>We ask only for what we need to get back to you safely and give you good advice:</p>
<ul>
<li>a name we can call you by (it does not need to be your real name);</li>
<li>one way to reach you: a phone number or an email address;</li>
<li>when it is safe for us to call, and whether we may leave a message or say who we are;</li>
<li>whether anyone is in immediate danger, what you are worried about, and anything else you choose to tell us;</li>
<li>if you are asking for someone else: who they are to you and whether they know, but not their name;</li>
<li>if you choose, your county or town, or the first half of your postcode, so we can suggest services near you.</li>
</ul>

<h2>Our lawful basis</h2>
<p>What you tell us is about health, which is "special category" data under the UK GDPR. We use it only with your explicit consent (Article 6(1)(a) and Article 9(2)(a)), which you give by ticking the box on our form. We record when you gave it and which version of the wording you agreed to. You can withdraw your consent at any time.</p>

<h2>Who sees it</h2>
<p>Only our clinicians, when they are working on your callback. Every time one of them opens your details we record who and when. We do not sell or share your information, and we do not use advertising, analytics or tracking of any kind. We only pass your details to a treatment service if you agree to a referral. If we believe someone's life is at serious risk, we may share what is needed with the emergency services, as the law allows.</p>

<h2>How we protect it</h2>
<p>Your contact details and everything you tell us are encrypted when we store them. Our staff sign in with a password and a second code from their phone. Messages to our staff about new requests contain only a reference, never your details.</p>

<h2>How long we keep it</h2>
<p>We delete your personal details 90 days after your callback is closed. We keep only anonymous numbers that help us run the service, such as how many people asked about alcohol in a month. You can withdraw your request, and have your details deleted at once, with the private link we show you after you send the form.</p>

<h2>If you are telling us about someone else</h2>
<p>If you ask for help for someone you love, we only record what a clinician needs to advise you, and never their name. The law says we should normally tell a person when we hold information about them. Because we do not know who they are, and because telling them could put you or them at risk, we will not contact them ourselves; if you are happy for them to know, please let them know you have spoken to us and that they can contact us too.</p>

<h2>Your rights</h2>
<p>You can ask us for a copy of what we hold about you, to correct it, to delete it, or to stop using it. Quote your reference if you have it; you do not need to give a reason. We will reply within one month.</p>

<h2>Complaints</h2>
<p>If you are unhappy with how we have handled your information, please tell us first. You also have the right to complain to the Information Commissioner's Office (ICO), the UK regulator for data protection, on 0303 123 1113 or through the ICO's website.</p>
"""


PUBLISHED = datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)


def add_defaults(apps, schema_editor):
    OpeningHours = apps.get_model("enquiries", "OpeningHours")
    ClosedDay = apps.get_model("enquiries", "ClosedDay")
    PrivacyNotice = apps.get_model("enquiries", "PrivacyNotice")
    for weekday, opens, closes in OPENING_HOURS:
        OpeningHours.objects.get_or_create(
            weekday=weekday, defaults={"opens": opens, "closes": closes}
        )
    for day, name in BANK_HOLIDAYS:
        ClosedDay.objects.get_or_create(
            date=datetime.date.fromisoformat(day), defaults={"name": name}
        )
    PrivacyNotice.objects.get_or_create(
        version="2026-11",
        defaults={"body": PRIVACY_NOTICE.strip(), "published_at": PUBLISHED},
    )


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
