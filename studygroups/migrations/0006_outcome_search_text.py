"""The outcome archive searches in the database: each outcome keeps its searched texts (its
proposal, summary and what was done, its field, team, cohort title and organiser) in the
one search form (cocreation.core.text.normalise_for_search), filled here for the outcomes
already stored. Plain Python over the rows, no database extension; an empty table is a
no-op."""

from django.db import migrations, models

BATCH = 500


def fill_search_text(apps, schema_editor):
    # The live rules, on purpose: the column must match what the search compares it with.
    from studygroups.models import OUTCOME_SEARCH_PATHS, outcome_search_text

    Outcome = apps.get_model("studygroups", "Outcome")
    outcomes = Outcome.objects.using(schema_editor.connection.alias)
    changed = []
    rows = outcomes.order_by("pk").values_list("pk", *OUTCOME_SEARCH_PATHS)
    for pk, *values in rows.iterator(chunk_size=BATCH):
        changed.append(Outcome(pk=pk, search_text=outcome_search_text(values)))
        if len(changed) >= BATCH:
            outcomes.bulk_update(changed, ["search_text"])
            changed = []
    if changed:
        outcomes.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("studygroups", "0005_text_rules_deferred_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcome",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        # Backwards the column goes away with the field; nothing to undo here.
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
