from django.db import migrations


def load(apps, schema_editor):
    from quests.reference_data import load_reference_data

    load_reference_data(
        apps.get_model("quests", "Theme"),
        apps.get_model("quests", "SdgGoal"),
        apps.get_model("quests", "SdgTarget"),
    )


class Migration(migrations.Migration):
    dependencies = [("quests", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
