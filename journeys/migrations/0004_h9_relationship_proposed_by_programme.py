from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("journeys", "0003_timer_sweep_index")]

    operations = [
        migrations.AddField(
            model_name="relationship",
            name="proposed_by_programme",
            field=models.BooleanField(default=False, verbose_name="proposed by the programme"),
        ),
    ]
