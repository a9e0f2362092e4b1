"""Demo data of issue 14's exchange meetings (情報交換会): the Yokoze–Bandai network's
meeting of the co-creation desks' officers (seed 001: "企業との共創事業の担当者同士の
情報交換会を実施し、両者の実情を把握する"), held online, with staff of 横瀬町 and 磐梯町
registered, its minutes and survey answers (the word cloud); and an upcoming online
meeting of the DX officers ("同じ分野の職員同士のオンライン交流")."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cocreation.organisations.models import Membership, Region
from demo import organisations as org_demo
from demo.quests import TOKYO, _municipality, _user
from studygroups.models import ExchangeMeeting, MeetingRegistration, MeetingSurveyResponse

COCREATION_TITLE = "官民共創の窓口担当者 情報交換会"
COCREATION_FIELD = "官民共創の窓口担当"
# Seed 001 gives no date for the meeting: the day below is illustrative (after the
# agreement of 2022).
COCREATION_DAY = dt.date(2023, 2, 15)
AGENDA = """1. 各町の官民共創の窓口の紹介（横瀬町：よこらぼ、磐梯町：ばんだい宝ラボ）
2. 企業からの提案の受付から審査、実証までの流れと課題
3. 両町をまたぐ実証の可能性（広域での社会実装）
4. 次回の進め方"""
MINUTES = """出席：横瀬町（まち経営課ほか）、磐梯町（デジタル変革戦略室ほか）

1. 横瀬町から、よこらぼの受付・審査会・実証の流れと、5年間で100件以上の提案を受けた経験を紹介した。磐梯町から、ばんだい宝ラボの取組とデジタル変革戦略室の体制を紹介した。
2. 企業からの提案は担当課の意見の聴き方で時間がかかることが共通の課題として挙がった。審査の観点（町・住民・提案者のメリット）をそろえることを確認した。
3. 両町で同じ企業の実証を行う場合の窓口の連携方法を、次回までに整理する。
4. 次回は3か月後にオンラインで開催する。担当者同士はチャットで日常的に相談できるようにする。"""
ANSWERS = [
    (
        5,
        "よこらぼの審査会の進め方が具体的で、磐梯町の窓口の運営に生かせる。企業との共創の進め方を学べた。",
    ),
    (4, "企業からの提案の受付と担当課との調整の課題が共通していた。窓口同士の連携を続けたい。"),
    (5, "オンラインでも気軽に相談できる関係ができた。窓口同士で企業の実証を両町で進めたい。"),
    (4, "審査の観点をそろえる話が参考になった。企業との調整の事例をもっと聞きたい。"),
]
DX_TITLE = "DX担当者 オンライン交流会"
DX_FIELD = "DX（デジタル・トランスフォーメーション）"


def load_meetings_demo(*, with_passwords: bool) -> dict[str, int]:
    """The Yokoze–Bandai network's two exchange meetings, once, with the towns' demo staff
    (demo/organisations.py, demo/desks.py) registered; returns how many meetings were
    made."""
    with transaction.atomic():
        region = Region.objects.filter(slug=org_demo.YOKOZE_BANDAI).first()
        if region is None or region.exchange_meetings.exists():
            return {"meetings": 0}
        bandai = _municipality("074071")
        organiser = _user(org_demo.SITE_ADMIN_EMAIL, with_passwords=with_passwords)
        past = ExchangeMeeting.objects.create(
            region=region,
            field=COCREATION_FIELD,
            title=COCREATION_TITLE,
            starts_at=dt.datetime.combine(COCREATION_DAY, dt.time(15), tzinfo=TOKYO),
            ends_at=dt.datetime.combine(COCREATION_DAY, dt.time(16, 30), tzinfo=TOKYO),
            online_url="https://meet.example.jp/yokoze-bandai-kyoso",
            agenda=AGENDA,
            capacity=20,
            organiser=organiser,
            minutes=MINUTES,
            minutes_published_at=dt.datetime.combine(
                COCREATION_DAY + dt.timedelta(days=7), dt.time(9), tzinfo=TOKYO
            ),
        )
        people = _staff_of_network(region)
        _register(past, people)
        # Registered two weeks before the meeting, not on the day the demo is loaded.
        past.registrations.update(
            created_at=dt.datetime.combine(
                COCREATION_DAY - dt.timedelta(days=14), dt.time(9), tzinfo=TOKYO
            )
        )
        MeetingSurveyResponse.objects.bulk_create(
            MeetingSurveyResponse(meeting=past, user=membership.user, rating=rating, comment=text)
            for membership, (rating, text) in zip(people, ANSWERS, strict=False)
        )
        day = timezone.localdate() + dt.timedelta(days=30)
        upcoming = ExchangeMeeting.objects.create(
            region=region,
            field=DX_FIELD,
            title=DX_TITLE,
            starts_at=dt.datetime.combine(day, dt.time(13, 30), tzinfo=TOKYO),
            ends_at=dt.datetime.combine(day, dt.time(15), tzinfo=TOKYO),
            online_url="https://meet.example.jp/yokoze-bandai-dx",
            agenda="1. 各町のDXの取組の共有\n2. 行政手続のオンライン化の進め方\n3. 意見交換",
            organiser=organiser,
        )
        _register(upcoming, [m for m in people if m.organisation_id == bandai.pk])
    return {"meetings": 2}


def _staff_of_network(region: Region) -> list[Membership]:
    """The demo officers among the active staff of the network's municipalities."""
    return list(
        Membership.objects.filter(
            organisation__regions=region,
            organisation__kind="municipality",
            status=Membership.Status.ACTIVE,
            user__email__in=[
                org_demo.YOKOZE_STAFF_EMAIL,
                "staff@bandai.example.jp",
                "y.kurosawa@yokoze.example.jp",
                "y.shinohara@yokoze.example.jp",
                "y.tomita@yokoze.example.jp",
            ],
        )
        .select_related("user", "organisation")
        .order_by("-organisation__name", "user__email")
    )


def _register(meeting: ExchangeMeeting, people: list[Membership]) -> None:
    MeetingRegistration.objects.bulk_create(
        MeetingRegistration(
            meeting=meeting,
            user=membership.user,
            organisation=membership.organisation,
            department=membership.department,
        )
        for membership in people
    )
