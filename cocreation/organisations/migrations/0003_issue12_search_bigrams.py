"""The directory's keyword search through an index (issue 12): each organisation keeps its
name and reading in the one search form (`search_text`) and their character bigrams, with
the beginnings of its local-government code, as a `tsvector` with a GIN index
(`search_bigrams`), and the name's bigrams with positions for ranking
(`search_title_bigrams`; cocreation/core/search.py). Core PostgreSQL only, no extension.
The rows already stored are filled here in batches; the index is built after them."""

import django.contrib.postgres.indexes
from django.db import migrations, models

import cocreation.core.search


def fill_search_columns(apps, schema_editor):
    # The live rules, on purpose: the columns must match what the search compares them with.
    from cocreation.core.search import reindex
    from cocreation.organisations.models import organisation_search_documents

    Organisation = apps.get_model("organisations", "Organisation")
    reindex(Organisation, organisation_search_documents, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_input_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="organisation",
            name="search_bigrams",
            field=cocreation.core.search.BigramVectorField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddField(
            model_name="organisation",
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
            'ALTER TABLE "organisations_organisation" ALTER COLUMN "search_bigrams" SET STATISTICS 0',
            'ALTER TABLE "organisations_organisation" ALTER COLUMN "search_bigrams" SET STATISTICS -1',
        ),
        # Backwards the columns go away with the fields; nothing to undo here.
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organisation",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_bigrams"], name="organisation_search_idx"
            ),
        ),
    ]
