"""A sensible default taxonomy; staff edit it in the admin afterwards."""

from django.db import migrations

AREAS = [
    "Networking and networking skills",
    "Career progression",
    "Leadership and management",
    "Confidence and personal impact",
    "Professional qualifications",
    "Supply chain strategy",
    "Logistics operations",
    "Transport planning",
    "Procurement",
    "Sustainability and decarbonisation",
    "Digital skills and technology",
    "Work-life balance",
    "Starting a new role",
    "Returning to work",
]
ROLES = [
    "Operations",
    "Management",
    "Senior leadership",
    "Planning",
    "Procurement",
    "Consultancy",
    "Academia and research",
    "Delivery",
    "Graduate / early career",
]
COMMUNITIES = [
    "Supply chain",
    "Logistics",
    "Freight and road transport",
    "Passenger transport",
    "Aviation",
    "Maritime and ports",
    "Rail",
    "Public sector and policy",
]


def seed(apps, schema_editor):
    for model_name, names in (("AreaOfSupport", AREAS), ("Role", ROLES), ("ProfessionalCommunity", COMMUNITIES)):
        model = apps.get_model("people", model_name)
        for position, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
