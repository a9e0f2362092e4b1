"""The outcome archive's keyword search through an index (issue 12): each outcome keeps,
beside its `search_text`, the text's character bigrams as a `tsvector` with a GIN index
(`search_bigrams`), and the proposal title's bigrams with positions for ranking
(`search_title_bigrams`; cocreation/core/search.py). Core PostgreSQL only, no extension.
The outcomes already stored are filled here in batches; the index is built after them."""

import django.contrib.postgres.indexes
from django.db import migrations

import cocreation.core.search


def fill_search_columns(apps, schema_editor):
    # The live rules, on purpose: the columns must match what the search compares them with.
    from cocreation.core.search import reindex
    from studygroups.models import outcome_search_documents

    Outcome = apps.get_model("studygroups", "Outcome")
    reindex(Outcome, outcome_search_documents, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("studygroups", "0006_outcome_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcome",
            name="search_bigrams",
            field=cocreation.core.search.BigramVectorField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="search_title_bigrams",
            field=cocreation.core.search.BigramVectorField(
                blank=True, default="", editable=False
            ),
        ),
        # No statistics for the vector (cocreation/core/search.py): without them the planner
        # takes every `@@` as selective and reads the GIN index, which never opens a row's
        # vector; with them it may scan the table for a common keyword, opening every
        # row's out-of-line vector, tens of times slower.
        migrations.RunSQL(
            'ALTER TABLE "studygroups_outcome" ALTER COLUMN "search_bigrams" SET STATISTICS 0',
            'ALTER TABLE "studygroups_outcome" ALTER COLUMN "search_bigrams" SET STATISTICS -1',
        ),
        # Backwards the column goes away with the field; nothing to undo here.
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="outcome",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_bigrams"], name="outcome_search_bigrams_idx"
            ),
        ),
    ]
