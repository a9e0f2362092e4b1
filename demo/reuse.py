"""Demo reuse records (横展開, issue 14): the completed Bandai DX quest (書かない窓口) reused by
two other municipalities, 猪苗代町 (adopted with changes after considering it) and 横瀬町
(considering). Seed 000 lists 横展開 among the portal's past outcomes without naming who
reused what: the two municipalities, dates and notes are illustrative.

Idempotent: a municipality's record is made only when it has none.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cocreation.accounts.models import User
from cocreation.organisations.models import Organisation
from demo.quests import TOKYO
from demo.transitions import BANDAI_DX_TITLE
from quests.models import Quest, ResultReuse, ResultReuseRevision

CONSIDERING, ADAPTED = ResultReuse.Status.CONSIDERING, ResultReuse.Status.ADAPTED

# (code, staff email, [(status, when)], public note, outcome, private note)
REUSES = [
    (
        "074080",
        "staff@inawashiro.example.jp",
        [
            (CONSIDERING, dt.datetime(2023, 2, 8, 10, tzinfo=TOKYO)),
            (ADAPTED, dt.datetime(2023, 10, 2, 9, tzinfo=TOKYO)),
        ],
        "磐梯町の書かない窓口を参考に、住民票・印鑑登録証明の2手続きから試行。",
        "窓口滞在時間が1件あたり約10分短縮。様式の統一は磐梯町の様式を借用した。",
        "タブレットは既存の庁内端末を転用（予算要求なし）。",
    ),
    (
        "113611",
        "staff@yokoze.example.jp",
        [(CONSIDERING, dt.datetime(2024, 6, 12, 14, tzinfo=TOKYO))],
        "転入手続きのワンストップ化と合わせて検討中。",
        "",
        "",
    ),
]


# Populations of the demo's towns for the results list's size filter: rounded to the
# thousand from the 2020 census, for the demo only (a deployment loads 住民基本台帳人口).
POPULATIONS = {"072036": 320_000, "113611": 8_000, "074071": 3_000, "074080": 14_000}


def load_reuse_demo() -> dict[str, int]:
    """Record the demo reuses of the Bandai DX quest that are missing, and the populations
    of the towns concerned where none is set; returns how many records were made."""
    made = 0
    with transaction.atomic():
        for code, population in POPULATIONS.items():
            Organisation.objects.filter(local_government_code=code, population=None).update(
                population=population
            )
        bandai = Quest.objects.filter(
            title=BANDAI_DX_TITLE, host__local_government_code="074071"
        ).first()
        if bandai is None:
            return {"reuses": 0}
        for code, email, statuses, note, outcome, private in REUSES:
            municipality = Organisation.objects.filter(local_government_code=code).first()
            if (
                municipality is None
                or bandai.reuse_entries.filter(municipality=municipality).exists()
            ):
                continue
            user = User.objects.filter(email=email).first()
            entry = ResultReuse.objects.create(
                quest=bandai,
                municipality=municipality,
                status=statuses[-1][0],
                public_note=note,
                outcome=outcome,
                private_note=private,
                recorded_by=user,
            )
            for status, at in statuses:
                revision = ResultReuseRevision.objects.create(
                    entry=entry, status=status, changed_by=user
                )
                ResultReuseRevision.objects.filter(pk=revision.pk).update(changed_at=at)
            ResultReuse.objects.filter(pk=entry.pk).update(
                created_at=statuses[0][1], updated_at=statuses[-1][1]
            )
            made += 1
    return {"reuses": made}
