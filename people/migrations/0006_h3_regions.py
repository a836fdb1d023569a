"""Regions become a taxonomy staff manage: a ``Region`` row for each of the former choices.

``Profile.region`` keeps its codes, so existing profiles, the search's SQL and the demo data
keep working; a code found on a profile that is not one of the defaults gets a row too (named
after the code), so nothing a profile holds is lost. ``seed`` only adds what is missing.
"""

from django.db import migrations, models

# (code, name) of the regions a programme starts with (people.models.DefaultRegion)
REGIONS = [
    ("north-east", "North East England"),
    ("north-west", "North West England"),
    ("yorkshire", "Yorkshire and the Humber"),
    ("east-midlands", "East Midlands"),
    ("west-midlands", "West Midlands"),
    ("east", "East of England"),
    ("london", "London"),
    ("south-east", "South East England"),
    ("south-west", "South West England"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern-ireland", "Northern Ireland"),
    ("outside-uk", "Outside the UK"),
]


def seed(apps, schema_editor):
    Region = apps.get_model("people", "Region")
    Profile = apps.get_model("people", "Profile")
    known = set(Region.objects.values_list("code", flat=True))
    names = set(Region.objects.values_list("name", flat=True))
    position = len(known)
    for code, name in REGIONS:
        if code not in known and name not in names:
            Region.objects.create(code=code, name=name, position=position)
            known.add(code)
            names.add(name)
        position += 1
    used = Profile.objects.exclude(region="").values_list("region", flat=True).distinct()
    for code in sorted(set(used) - known):
        Region.objects.create(code=code, name=code if code not in names else f"{code} ({position})", position=position)
        position += 1


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_remove_profile_last_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='Region',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, unique=True)),
                ('position', models.PositiveIntegerField(default=0)),
                ('active', models.BooleanField(default=True)),
                ('code', models.SlugField(max_length=20, unique=True)),
            ],
            options={
                'verbose_name': 'region',
                'ordering': ['position', 'name'],
                'abstract': False,
            },
        ),
        migrations.AlterField(
            model_name='profile',
            name='region',
            field=models.CharField(blank=True, max_length=20, verbose_name='region'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
