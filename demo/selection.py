"""Demo selection: the Koriyama food-loss quest's staged selection, in the sequence Urban
Innovation JAPAN runs (document screening → interview with the department → final
screening → agreement → trial start → report meeting), with each company's results, the
interview slots of Tuesday 15 December 2020 (online and on site), and criteria points
in the manner Kobe publishes its five criteria.

The deadline (2020-12-11), the adoption (2020-12-15) and the first meeting (Fri 2020-12-18
13:30–15:00) are the press release's; the dates between follow from them.
Idempotent: made only when the quest has no stage yet."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from demo.quests import FOOD_LOSS_TITLE
from quests.models import (
    JST,
    InterviewSlot,
    Proposal,
    Quest,
    ReviewCriterion,
    SelectionStage,
    StageResult,
    TeamMember,
)

KIND = SelectionStage.Kind
STAGES = [
    (KIND.DOCUMENT_SCREENING, dt.date(2020, 12, 12), None, "提出された提案書による審査"),
    (
        KIND.INTERVIEW,
        dt.date(2020, 12, 15),
        None,
        "担当課との面談（1社30分、オンラインまたは市役所の会議室）",
    ),
    (
        KIND.FINAL_SCREENING,
        dt.date(2020, 12, 15),
        None,
        "面談の後、6市町村の担当者による最終審査（同日に採択を決定）",
    ),
    (KIND.AGREEMENT, dt.date(2020, 12, 16), dt.date(2020, 12, 17), "試行に関する協定の締結"),
    (KIND.TRIAL_START, dt.date(2020, 12, 18), None, "第1回打合せ 13:30〜15:00（ビッグアイ 6階）"),
    (KIND.REPORT_MEETING, dt.date(2021, 3, 26), None, "試行結果の報告会"),
]
# Points per criterion (DEFAULT_CRITERIA's names): understanding of the issue weighs most.
POINTS = {"チーム": 20, "課題の理解": 25, "職員と協働する力": 20, "新規性": 15, "持続可能性": 20}
# Company name fragment -> the results it got, in the order of the screenings.
RESULTS = {
    "フードシェア福島": [
        (KIND.DOCUMENT_SCREENING, ""),
        (KIND.INTERVIEW, ""),
        (KIND.FINAL_SCREENING, ""),
    ],
    "みらいデジタル": [
        (KIND.DOCUMENT_SCREENING, ""),
        (
            KIND.INTERVIEW,
            "需要予測の精度検証に1年分のデータが必要で、今回の試行期間に収まらないため。",
        ),
    ],
    "あさかの農縁": [(KIND.DOCUMENT_SCREENING, ""), (KIND.INTERVIEW, "")],
}
ONLINE = "https://meet.example.jp/koriyama-quest"
# (start, end, online?, company fragment or None for a slot nobody booked)
SLOTS = [
    (dt.time(10, 0), dt.time(10, 30), True, "フードシェア福島"),
    (dt.time(10, 45), dt.time(11, 15), True, "みらいデジタル"),
    (dt.time(11, 30), dt.time(12, 0), False, "あさかの農縁"),
    (dt.time(13, 0), dt.time(13, 30), False, None),
]
INTERVIEW_DAY = dt.date(2020, 12, 15)
# On site at the host's own meeting room (the Big-i room's first quest booking stays the
# press release's first meeting of 18 December).
ON_SITE = "郡山市役所 本庁舎 政策開発課 会議室"


def load_selection_demo() -> dict[str, int]:
    """Give the food-loss quest its stages, results, slots and points if it has no stage
    yet; returns how many stages were made."""
    quest = Quest.objects.filter(
        title=FOOD_LOSS_TITLE, host__local_government_code="072036"
    ).first()
    if quest is None or quest.stages.exists():
        return {"stages": 0}
    with transaction.atomic():
        order = {kind: index for index, kind in enumerate(KIND.values)}
        stages = {
            kind: SelectionStage.objects.create(
                quest=quest,
                kind=kind,
                position=order[kind],
                starts_on=starts,
                ends_on=ends,
                note=note,
            )
            for kind, starts, ends, note in STAGES
        }
        for criterion in ReviewCriterion.objects.filter(quest=quest, name__in=POINTS):
            criterion.weight = POINTS[criterion.name]
            criterion.save(update_fields=["weight"])
        leader = TeamMember.objects.filter(quest=quest, role=TeamMember.Role.LEADER).first()
        decider = leader.user if leader else None
        proposals = list(Proposal.objects.filter(quest=quest).select_related("company"))

        def proposal_of(fragment):
            return next((p for p in proposals if fragment in p.company.name), None)

        for fragment, results in RESULTS.items():
            proposal = proposal_of(fragment)
            if proposal is None:
                continue
            StageResult.objects.bulk_create(
                StageResult(
                    stage=stages[kind],
                    proposal=proposal,
                    outcome=StageResult.Outcome.NOT_PASSED
                    if reason
                    else StageResult.Outcome.PASSED,
                    reason=reason,
                    decided_by=decider,
                )
                for kind, reason in results
            )
        InterviewSlot.objects.bulk_create(
            InterviewSlot(
                quest=quest,
                held_on=INTERVIEW_DAY,
                starts_at=starts,
                ends_at=ends,
                online_url=ONLINE if online else "",
                place="" if online else ON_SITE,
                proposal=proposal_of(fragment) if fragment else None,
                booked_at=dt.datetime(2020, 12, 12, 15, 0, tzinfo=JST) if fragment else None,
            )
            for starts, ends, online, fragment in SLOTS
        )
    return {"stages": len(stages)}
