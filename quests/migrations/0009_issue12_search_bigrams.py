"""The quest list's and the team's proposal list's keyword search through an index (issue
12): each quest and proposal keeps its searched fields in the one search form
(`search_text`, new for proposals) and their character bigrams as a `tsvector` with a GIN
index (`search_bigrams`), and the title's bigrams with positions for ranking
(`search_title_bigrams`; cocreation/core/search.py). Core PostgreSQL only, no extension.
The rows already stored are filled here in batches; the indexes are built after them."""

import django.contrib.postgres.indexes
from django.db import migrations, models

import cocreation.core.search


def fill_search_columns(apps, schema_editor):
    # The live rules, on purpose: the columns must match what the search compares them with.
    from cocreation.core.search import reindex
    from quests.models import proposal_search_documents, quest_search_documents

    alias = schema_editor.connection.alias
    reindex(apps.get_model("quests", "Quest"), quest_search_documents, using=alias)
    reindex(apps.get_model("quests", "Proposal"), proposal_search_documents, using=alias)


class Migration(migrations.Migration):
    dependencies = [
        ("quests", "0008_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="quest",
            name="search_bigrams",
            field=cocreation.core.search.BigramVectorField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="proposal",
            name="search_bigrams",
            field=cocreation.core.search.BigramVectorField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddField(
            model_name="quest",
            name="search_title_bigrams",
            field=cocreation.core.search.BigramVectorField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddField(
            model_name="proposal",
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
            'ALTER TABLE "quests_quest" ALTER COLUMN "search_bigrams" SET STATISTICS 0',
            'ALTER TABLE "quests_quest" ALTER COLUMN "search_bigrams" SET STATISTICS -1',
        ),
        migrations.RunSQL(
            'ALTER TABLE "quests_proposal" ALTER COLUMN "search_bigrams" SET STATISTICS 0',
            'ALTER TABLE "quests_proposal" ALTER COLUMN "search_bigrams" SET STATISTICS -1',
        ),
        # Backwards the columns go away with the fields; nothing to undo here.
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="quest",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_bigrams"], name="quest_search_bigrams_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_bigrams"], name="proposal_search_bigrams_idx"
            ),
        ),
    ]
