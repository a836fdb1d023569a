"""The Need Help? answer and the SMART goals guide said the other person "can see your goals but
cannot change them"; they can also add milestones, reviews and outcomes (the goals page says so).
The sentence is replaced wherever it stands, in the seeded text or text staff kept around it."""

from django.db import migrations

SENTENCES = {
    "The other person in the relationship can see your goals but cannot change them.": (
        "The other person in the relationship can see your goals and add milestones, reviews and outcomes to "
        "them, but cannot change, complete or delete them."
    ),
    "Your mentor can see your goals but cannot change them.": (
        "Your mentor can see your goals and add milestones, reviews and outcomes to them, but cannot change, "
        "complete or delete them."
    ),
}


def _replace(apps, field_by_model, sentences):
    for model_name, field in field_by_model:
        model = apps.get_model("support", model_name)
        for old, new in sentences.items():
            for row in model.objects.filter(**{f"{field}__contains": old}):
                setattr(row, field, getattr(row, field).replace(old, new))
                row.save(update_fields=[field])


FIELDS = (("FAQ", "answer"), ("Resource", "body"))


def forwards(apps, schema_editor):
    _replace(apps, FIELDS, SENTENCES)


seed = forwards  # conftest.SEEDS runs it again after a transactional test's flush re-seeds the old text


def backwards(apps, schema_editor):
    _replace(apps, FIELDS, {new: old for old, new in SENTENCES.items()})


class Migration(migrations.Migration):
    dependencies = [("support", "0010_signed_in_messages_use_the_account_address")]

    operations = [migrations.RunPython(forwards, backwards)]
