"""A published video needs its link or an uploaded file (``Resource.why_not_published``).

The starter set (``0003_default_resources``) published video placeholders with neither, which
showed members “Video coming soon”. They become drafts: staff publish each once it has a link or a
file. ``seed`` only unpublishes videos with nothing to watch, so running it again changes nothing
else (the test suite runs it after the earlier seeds).
"""

from django.db import migrations, models


def seed(apps, schema_editor):
    Resource = apps.get_model("support", "Resource")
    Resource.objects.filter(kind="video", url="", video="", published=True).update(published=False)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0008_merge_0007_h3_resource_videos_0007_h7_support_replies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resource",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="An external link, for example to a video. A published video needs its link or an uploaded file.",
                verbose_name="link",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
