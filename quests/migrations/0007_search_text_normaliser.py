"""Recompute every quest's search text with the one search normaliser
(cocreation.core.text.normalise_for_search): dashes, tildes and long-vowel marks, ヶ/ケ/が of
place names and counters now agree (issue 10 B7). Plain Python over the rows, no
database extension; an empty table is a no-op."""

from django.db import migrations

BATCH = 500


def recompute_search_text(apps, schema_editor):
    # The live rules, on purpose: the column must match what the search compares it with.
    from quests.models import QUEST_SEARCH_FIELDS, quest_search_text

    Quest = apps.get_model("quests", "Quest")
    rows = Quest.objects.using(schema_editor.connection.alias).only(
        *QUEST_SEARCH_FIELDS, "search_text"
    )
    changed = []
    for quest in rows.order_by("pk").iterator(chunk_size=BATCH):
        text = quest_search_text(quest)
        if text != quest.search_text:
            quest.search_text = text
            changed.append(quest)
        if len(changed) >= BATCH:
            Quest.objects.using(schema_editor.connection.alias).bulk_update(
                changed, ["search_text"]
            )
            changed = []
    if changed:
        Quest.objects.using(schema_editor.connection.alias).bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("quests", "0006_confidential_help"),
    ]

    operations = [
        # Backwards leaves the column as it is; the older code rewrites a quest's text when
        # the quest is next saved.
        migrations.RunPython(recompute_search_text, migrations.RunPython.noop),
    ]
