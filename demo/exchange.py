"""Demo data of the 官⇄官 staff exchange (seed 001, 広域・共創ネットワーク協定 (1)-1:
磐梯町は「よこらぼ運営事務局」を担当する横瀬町まち経営課に派遣する。横瀬町は磐梯町デジタル
変革戦略室に派遣する。原則、オンラインで会議に出席し、先進的な事例について学ぶ。)

- running: Bandai's staff member (星 和也, デジタル変革戦略室) in Yokoze's まち経営課
  (よこらぼ運営事務局), online with occasional on-site days in Yokoze's room, mentored by
  Yokoze's staff member (浅見 恵), with a few weekly notes and one on-site day booked;
- finished: Yokoze's staff member in Bandai's デジタル変革戦略室, online, with both
  reports published.

Seed 001 publishes neither names nor dates of placements: both are illustrative.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cocreation.accounts.models import User
from cocreation.organisations.models import Organisation
from demo import organisations as org_demo
from spaces.errors import BookingError
from spaces.models import Space
from spaces.services.bookings import booking_create
from studygroups.exchange import permissions
from studygroups.exchange.models import Application, LogEntry, Placement, Report

BANDAI_STAFF_EMAIL = "staff@bandai.example.jp"
YOKOZE_ROOM = "横瀬町 まちなか共創ルーム"
RUNNING_TITLE = "よこらぼ運営事務局の実務を学ぶ（テレワーク派遣）"
FINISHED_TITLE = "デジタル変革戦略室の DX 推進を学ぶ（テレワーク派遣）"

NOTES = [
    (
        "guest",
        "よこらぼ運営事務局の定例会にオンラインで初参加。提案受付から審査会までの流れと、"
        "担当課への意見照会の進め方を教わった。",
    ),
    (
        "mentor",
        "星さんに提案書の一次確認を一件お願いした。磐梯町の DX 推進の視点からの質問が、"
        "事務局にとっても新鮮だった。",
    ),
    (
        "guest",
        "審査会（オンライン傍聴）。採択理由の書き方と、不採択の提案者への伝え方が参考になった。"
        "磐梯町の「ばんだい宝ラボ」でも使えそう。",
    ),
    (
        "guest",
        "提案企業との実証の打合せに同席。来週は横瀬町役場で現地の実証場所を見学する予定。",
    ),
]

REPORTS = {
    "guest": (
        "磐梯町デジタル変革戦略室の会議に毎週オンラインで出席し、最高デジタル責任者のもとで"
        "施策を決めて進める速さと、庁内のデジタル人材を育てる仕組みを学んだ。",
        "よこらぼに寄せられる企業提案の視点から見た、DX 施策への意見と事例。",
        "庁内 DX の推進体制の型と、オンライン会議を前提にした業務の進め方。",
    ),
    "mentor": (
        "横瀬町の職員を受け入れ、官民共創の窓口の目で DX 施策を見直す機会になった。"
        "オンラインでも毎週の会議に加わってもらうことで、互いの進め方の違いが見えた。",
        "企業提案を受け付けて審査会にかける、よこらぼの運営の考え方。",
        "DX 分野の提案を両町で一緒に検討する道筋。",
    ),
}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _book_on_site_day(application: Application, room: Space, today: dt.date) -> None:
    """One seat in Yokoze's room on the first weekday it can be booked in the coming two
    weeks (through the spaces service, as the guest); none if every day is refused."""
    zone = timezone.get_current_timezone()
    for offset in range(1, 15):
        day = today + dt.timedelta(days=offset)
        if day.weekday() >= 5 or day > application.placement.ends_on:
            continue
        try:
            booking_create(
                space=room,
                user=application.applicant,
                kind="seat",
                starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=zone),
                ends_at=dt.datetime.combine(day, dt.time(12), tzinfo=zone),
                purpose=f"人材交流（現地）: {application.placement.title}"[:200],
            )
        except BookingError:
            continue
        return


def load_exchange_demo(*, today: dt.date | None = None) -> dict[str, int]:
    """The two placements of seed 001, once; returns how many placements were made."""
    today = today or timezone.localdate()
    yokoze = Organisation.objects.filter(local_government_code="113611").first()
    bandai = Organisation.objects.filter(local_government_code="074071").first()
    yokoze_staff = _user(org_demo.YOKOZE_STAFF_EMAIL)
    bandai_staff = _user(BANDAI_STAFF_EMAIL)
    room = Space.objects.filter(name=YOKOZE_ROOM, host=yokoze).first()
    if None in (yokoze, bandai, yokoze_staff, bandai_staff, room):
        return {"placements": 0}
    if Placement.objects.filter(host=yokoze, title=RUNNING_TITLE).exists():
        return {"placements": 0}
    coordinator = _user(org_demo.COORDINATOR_EMAIL)
    now = timezone.now()
    with transaction.atomic():
        start = _monday(today) - dt.timedelta(weeks=len(NOTES))
        running = Placement.objects.create(
            host=yokoze,
            department="まち経営課（よこらぼ運営事務局）",
            title=RUNNING_TITLE,
            work=(
                "よこらぼ運営事務局の一員として、提案の受付・一次確認、担当課への意見照会、"
                "毎月の審査会の準備に加わる。原則オンラインで会議に出席し、実証の現地確認など"
                "月に一度程度は横瀬町役場で勤務する。"
            ),
            starts_on=start,
            ends_on=start + dt.timedelta(weeks=26) - dt.timedelta(days=1),
            days_per_week=1,
            mode=Placement.Mode.MIXED,
            room=room,
            mentor=yokoze_staff,
            status=Placement.Status.CLOSED,
        )
        employer = (
            coordinator if coordinator and permissions.can_manage(coordinator, bandai) else None
        )
        guest = Application.objects.create(
            placement=running,
            applicant=bandai_staff,
            organisation=bandai,
            motivation="磐梯町でも官民共創の受付窓口を整えるため、よこらぼの運営を現場で学びたい。",
            status=Application.Status.ACCEPTED,
            employer_decided_by=employer,
            employer_decided_at=now,
            host_decided_by=yokoze_staff,
            host_decided_at=now,
        )
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    application=guest,
                    author=bandai_staff if who == "guest" else yokoze_staff,
                    iso_year=(start + dt.timedelta(weeks=i)).isocalendar()[0],
                    iso_week=(start + dt.timedelta(weeks=i)).isocalendar()[1],
                    body=body,
                )
                for i, (who, body) in enumerate(NOTES)
            ]
        )
        _book_on_site_day(guest, room, today)

        first = dt.date(today.year - 1, 10, 1)
        finished = Placement.objects.create(
            host=bandai,
            department="デジタル変革戦略室",
            title=FINISHED_TITLE,
            work=(
                "磐梯町の DX 推進の会議にオンラインで出席し、最高デジタル責任者を置いた推進"
                "体制と、庁内のデジタル人材の育て方を学ぶ。"
            ),
            starts_on=first,
            ends_on=first + dt.timedelta(days=90),
            days_per_week=1,
            mode=Placement.Mode.ONLINE,
            mentor=bandai_staff,
            status=Placement.Status.CLOSED,
        )
        visitor = Application.objects.create(
            placement=finished,
            applicant=yokoze_staff,
            organisation=yokoze,
            motivation="よこらぼに寄せられる DX 分野の提案を判断できるよう、磐梯町の推進体制を学びたい。",
            status=Application.Status.ACCEPTED,
            employer_decided_at=now,
            host_decided_by=bandai_staff,
            host_decided_at=now,
        )
        Report.objects.bulk_create(
            [
                Report(
                    application=visitor,
                    author=yokoze_staff if who == "guest" else bandai_staff,
                    learned=learned,
                    host_takes_home=host_home,
                    guest_takes_home=guest_home,
                    published_at=now,
                )
                for who, (learned, host_home, guest_home) in REPORTS.items()
            ]
        )
    return {"placements": 2}
