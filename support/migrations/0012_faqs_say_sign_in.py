"""The Need Help? answers said "log in", "logins" and "the Log In page" where every page says "Sign In"
(the top bar, allauth's pages, the lockout page). The sentences are replaced wherever they stand, in
the seeded text or text staff kept around them."""

from django.db import migrations

SENTENCES = {
    "If you are logged in, choose Edit Account": "If you are signed in, choose Edit Account",
    "go to the Log In page and follow the link": "go to the Sign In page and follow the link",
    "After several unsuccessful attempts to log in, we pause logins to your account": (
        "After several unsuccessful attempts to sign in, we pause sign-ins to your account"
    ),
    "your email address is also what you use to log in.": "your email address is also what you use to sign in.",
    "you will no longer be able to log in.": "you will no longer be able to sign in.",
}


def _replace(apps, sentences):
    model = apps.get_model("support", "FAQ")
    for old, new in sentences.items():
        for row in model.objects.filter(answer__contains=old):
            row.answer = row.answer.replace(old, new)
            row.save(update_fields=["answer"])


def forwards(apps, schema_editor):
    _replace(apps, SENTENCES)


seed = forwards  # conftest.SEEDS runs it again after a transactional test's flush re-seeds the old text


def backwards(apps, schema_editor):
    _replace(apps, {new: old for old, new in SENTENCES.items()})


class Migration(migrations.Migration):
    dependencies = [("support", "0011_goals_faq_says_what_the_other_person_may_do")]

    operations = [migrations.RunPython(forwards, backwards)]
