"""Demo records of what followed the trials (issue 13): the Koriyama food-loss quest
adopted as a service (本格導入) in the fiscal year after its trial (2021年度), and the
Bandai DX quest adopted in 2023年度 and continued in 2024年度, its first record changed
once (the amount made public) so that its history shows. Budget figures are illustrative,
not taken from the source documents.

Idempotent: a quest's records are made only when it has none.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from demo.quests import FOOD_LOSS_TITLE, TOKYO
from quests.models import (
    TRANSITION_FIELDS,
    Quest,
    TeamMember,
    TrialTransition,
    TrialTransitionRevision,
)

BANDAI_DX_TITLE = "窓口手続きのオンライン化と書かない窓口の試行"
ADOPTED = TrialTransition.Outcome.ADOPTED


def _leader(quest: Quest):
    member = TeamMember.objects.filter(quest=quest, role=TeamMember.Role.LEADER).first()
    return member.user if member else None


def _record(quest: Quest, at: dt.datetime, versions: list[dict]) -> TrialTransition:
    """A record whose successive `versions` (the last one is current) are its history,
    the first saved at `at` and each next one a month later."""
    leader = _leader(quest)
    transition = TrialTransition.objects.create(quest=quest, recorded_by=leader, **versions[-1])
    for number, version in enumerate(versions):
        revision = TrialTransitionRevision.objects.create(
            transition=transition,
            changed_by=leader,
            **{name: version.get(name, getattr(transition, name)) for name in TRANSITION_FIELDS},
        )
        changed_at = at + dt.timedelta(days=30 * number)
        TrialTransitionRevision.objects.filter(pk=revision.pk).update(changed_at=changed_at)
    TrialTransition.objects.filter(pk=transition.pk).update(
        created_at=at, updated_at=at + dt.timedelta(days=30 * (len(versions) - 1))
    )
    return transition


def load_transitions_demo() -> dict[str, int]:
    """Record the demo transitions if their quests have none; returns how many records
    were made."""
    made = 0
    with transaction.atomic():
        food_loss = Quest.objects.filter(
            title=FOOD_LOSS_TITLE, host__local_government_code="072036"
        ).first()
        if food_loss is not None and not food_loss.trial_transitions.exists():
            _record(
                food_loss,
                dt.datetime(2021, 4, 20, 10, tzinfo=TOKYO),
                [
                    {
                        "fiscal_year": 2021,
                        "outcome": ADOPTED,
                        "budget_line": "食品ロス削減推進事業（衛生費 清掃費）",
                        "amount_yen": 2_400_000,
                        "amount_public": False,
                        "procurement": TrialTransition.Procurement.PROPOSAL,
                    }
                ],
            )
            made += 1
        bandai = Quest.objects.filter(
            title=BANDAI_DX_TITLE, host__local_government_code="074071"
        ).first()
        if bandai is not None and not bandai.trial_transitions.exists():
            first = {
                "fiscal_year": 2023,
                "outcome": ADOPTED,
                "budget_line": "窓口DX推進事業（総務費 戸籍住民基本台帳費）",
                "amount_yen": 1_650_000,
                "procurement": TrialTransition.Procurement.NEGOTIATED,
            }
            _record(
                bandai,
                dt.datetime(2023, 3, 24, 15, tzinfo=TOKYO),
                [{**first, "amount_public": False}, {**first, "amount_public": True}],
            )
            _record(
                bandai,
                dt.datetime(2024, 4, 15, 10, tzinfo=TOKYO),
                [
                    {
                        **first,
                        "fiscal_year": 2024,
                        "amount_yen": 1_320_000,
                        "amount_public": True,
                        "procurement": TrialTransition.Procurement.OPEN_TENDER,
                    }
                ],
            )
            made += 2
    return {"transitions": made}
