"""SDG goals and targets and the starting themes, from quests/data/*.csv.

Loaded by a data migration (so every database, the test ones included, has them) and
safe to run again: rows are matched by number, code or slug and updated in place.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The five criteria Urban Innovation JAPAN screens with; a new quest starts with them.
DEFAULT_CRITERIA = [
    ("チーム", "Team"),
    ("課題の理解", "Understanding of the issue"),
    ("職員と協働する力", "Ability to work with staff"),
    ("新規性", "Novelty"),
    ("持続可能性", "Sustainability"),
]

# The three-party benefit よこらぼ judges on (seed 001): a new proposal desk starts with
# them, each weighted 1 (name, what reviewers look for).
DEFAULT_DESK_CRITERIA = [
    ("町のメリット", "町の課題解決や町政の前進につながるか。町の負担は妥当か。"),
    ("住民のメリット", "住民の暮らしや地域の事業者にとって良いことがあるか。"),
    ("提案者のメリット", "提案者にとって事業として続ける見込みや学びがあるか。"),
]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(theme_model, goal_model, target_model) -> None:
    goals = {}
    for row in _rows("sdg_goals.csv"):
        goal, _ = goal_model.objects.update_or_create(
            number=int(row["number"]), defaults={"name": row["name"], "name_en": row["name_en"]}
        )
        goals[goal.number] = goal
    for row in _rows("sdg_targets.csv"):
        target_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "goal": goals[int(row["goal"])],
                "position": int(row["position"]),
                "text": row["text"],
                "text_en": row["text_en"],
            },
        )
    for order, row in enumerate(_rows("themes.csv"), start=1):
        theme_model.objects.get_or_create(
            slug=row["slug"],
            defaults={"name": row["name"], "name_en": row["name_en"], "order": order * 10},
        )


def ensure_reference_data(sender, *, using: str = "default", apps=None, **kwargs) -> None:
    """`post_migrate` receiver (connected in QuestsConfig.ready): a database without SDG
    targets (a new one, or one `manage.py flush` emptied, as the transactional tests do)
    gets the reference data again, so no page finds the themes and SDGs missing. A
    database that has them is left alone: a theme renamed in the admin stays renamed."""
    from django.apps import apps as global_apps
    from django.db import connections

    apps = apps or global_apps
    try:
        theme, goal, target = (
            apps.get_model("quests", name) for name in ("Theme", "SdgGoal", "SdgTarget")
        )
    except LookupError:  # migrated back before the quests app's tables
        return
    tables = set(connections[using].introspection.table_names())
    if not {m._meta.db_table for m in (theme, goal, target)} <= tables:
        return
    if target.objects.using(using).exists():
        return
    load_reference_data(theme, goal, target)
