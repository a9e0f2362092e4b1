"""Demo study groups: チャレンジ「新発想」研究塾 2020 as the Koriyama press release describes it,
and a Fukushima-style travelling policy-research group with eight monthly sessions.
Idempotent: a cohort is found by programme and fiscal year and made only once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cocreation.accounts.models import User
from cocreation.organisations import demo as org_demo
from cocreation.organisations.models import Membership, Organisation
from quests.demo import FOOD_LOSS_TEAM

from .models import (
    Cohort,
    Deliverable,
    Field,
    Member,
    Outcome,
    Phase,
    PresentationSlot,
    Programme,
    Session,
    Team,
)

TOKYO = dt.timezone(dt.timedelta(hours=9))
KORIYAMA_PROGRAMME = "チャレンジ「新発想」研究塾"
FUKUSHIMA_PROGRAMME = "県南方部出張型政策研究会"

# Members besides the six of 3班 (they come from quests.demo), making the stated counts:
# 郡山市 6, 須賀川市 1, 二本松市 1, 田村市 5, 本宮市 2, 大玉村 1, 鏡石町 2, 石川町 3, 三春町 1, 小野町 2.
OTHERS = [
    ("072036", "a.sato", "佐藤", "葵", "サトウ", "アオイ"),
    ("072036", "s.watanabe", "渡辺", "翔太", "ワタナベ", "ショウタ"),
    ("072036", "m.suzuki", "鈴木", "美咲", "スズキ", "ミサキ"),
    ("072036", "d.ito", "伊藤", "大輝", "イトウ", "ダイキ"),
    ("072036", "y.kato", "加藤", "結衣", "カトウ", "ユイ"),
    ("072079", "k.endo", "遠藤", "健太", "エンドウ", "ケンタ"),
    ("072109", "h.saito", "斎藤", "遥", "サイトウ", "ハルカ"),
    ("072117", "t.kikuchi", "菊池", "拓海", "キクチ", "タクミ"),
    ("072117", "n.abe", "阿部", "菜々", "アベ", "ナナ"),
    ("072117", "r.yoshida", "吉田", "涼", "ヨシダ", "リョウ"),
    ("072117", "m.sasaki", "佐々木", "真央", "ササキ", "マオ"),
    ("072141", "s.yamada", "山田", "颯", "ヤマダ", "ハヤテ"),
    ("073229", "a.kimura", "木村", "彩花", "キムラ", "アヤカ"),
    ("073423", "k.hayashi", "林", "光", "ハヤシ", "ヒカル"),
    ("075019", "y.shimizu", "清水", "優斗", "シミズ", "ユウト"),
    ("075019", "e.mori", "森", "絵里", "モリ", "エリ"),
    ("075213", "t.ikeda", "池田", "智也", "イケダ", "トモヤ"),
    ("075221", "s.hashimoto", "橋本", "沙耶", "ハシモト", "サヤ"),
]  # fmt: skip
FIELDS = [
    ("まち", "一度都会に出て戻って暮らしたくなる魅力的な地域づくり"),
    ("ひと", "ひとの縁を結び、まちを元気にする交流の活性化"),
    ("しごと", "多様な人材の活用を支援し、地域の活力維持に繋がるしごとの創生"),
    ("DX", "Society5.0、5G時代に対応したデジタルトランスフォーメーション（DX）の推進"),
]


def _at(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def _user(code, local, family, given, family_kana, given_kana, *, with_passwords) -> User:
    from allauth.account.models import EmailAddress

    email = f"{local}@{org_demo.MUNICIPALITY_DOMAINS[code]}"
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"family_name": family, "given_name": given, "family_name_kana": family_kana,
                  "given_name_kana": given_kana},
    )  # fmt: skip
    if created:
        if with_passwords:
            user.set_password(org_demo.DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.get_or_create(
            user=user,
            organisation=Organisation.objects.get(local_government_code=code),
            defaults={"role": "member", "status": "active"},
        )
    return user


def load_studygroups_demo(*, with_passwords: bool) -> dict[str, int]:
    created = 0
    with transaction.atomic():
        created += _koriyama_2020(with_passwords)
        created += _fukushima_2022()
    return {"cohorts": created}


def _koriyama_2020(with_passwords: bool) -> int:
    koriyama = Organisation.objects.get(local_government_code="072036")
    programme, _ = Programme.objects.get_or_create(
        name=KORIYAMA_PROGRAMME,
        defaults={
            "organiser": koriyama,
            "description": (
                "住民ニーズを的確に捉え地域の魅力を高めた住民満足度の高いまちづくりを実現するため、"
                "こおりやま広域圏の若手職員の政策形成能力の向上を目的とした研究塾。"
            ),
        },
    )
    if Cohort.objects.filter(programme=programme, fiscal_year=2020).exists():
        return 0
    codes = sorted({row[0] for row in OTHERS} | {row[0] for row in FOOD_LOSS_TEAM})
    cohort = Cohort.objects.create(
        programme=programme, fiscal_year=2020,
        title="「新しい生活様式」対応型チャレンジ「新発想」研究塾 2020",
        theme="広域圏連携で解決すべき課題への取組み。「新しい生活様式」に対応するため、オンラインを中心とした手法で調査研究を行い、提言内容の具現化に向けた試行を実施する。",
        size=24, age_limit=35,
        recruitment_opens=dt.date(2020, 5, 1), recruitment_closes=dt.date(2020, 6, 15),
        lecturers="郡山市 政策開発部 政策開発課（事務局）",
    )  # fmt: skip
    cohort.organisations.set(Organisation.objects.filter(local_government_code__in=codes))
    cohort.coordinators.set(User.objects.filter(email=org_demo.COORDINATOR_EMAIL))
    fields = [Field.objects.create(cohort=cohort, name=n, description=d, position=i)
              for i, (n, d) in enumerate(FIELDS)]  # fmt: skip
    research = Phase.objects.create(cohort=cohort, name="リサーチ編（調査・研究）",
                                    starts_on=dt.date(2020, 7, 1), ends_on=dt.date(2020, 10, 31))  # fmt: skip
    trial = Phase.objects.create(cohort=cohort, name="トライアル編（具現化に向けた試行）",
                                 starts_on=dt.date(2020, 11, 1), ends_on=dt.date(2021, 2, 28))  # fmt: skip
    teams = [
        Team.objects.create(cohort=cohort, number=i + 1, field=f) for i, f in enumerate(fields)
    ]

    def member(user, code, team, role, birth_year, cohort_role="", department="", position="主事"):
        m = Member.objects.create(
            cohort=cohort, user=user, organisation=Organisation.objects.get(local_government_code=code),
            department=department, position=position, birth_date=dt.date(birth_year, 6, 1),
            motivation="広域圏の課題に他市町村の職員と取り組みたい。", status="accepted",
            team=team, team_role=role, cohort_role=cohort_role,
        )  # fmt: skip
        m.preferred_fields.add(team.field)
        return m

    # 3班（しごと分野）: the six staff of the source document, leader and sub-leader first.
    for index, (code, local, *_names, dept, position) in enumerate(FOOD_LOSS_TEAM):
        user = User.objects.get(email=f"{local}@{org_demo.MUNICIPALITY_DOMAINS[code]}")
        role = ["leader", "sub_leader"][index] if index < 2 else "member"
        member(user, code, teams[2], role, 1990 + index, department=dept, position=position)
    # The other eighteen fill 1班, 2班 and 4班, six each, towns spread across teams.
    others = [_user(*row, with_passwords=with_passwords) for row in OTHERS]
    placement = [0, 1, 3] * 6
    cohort_roles = {16: "representative", 17: "deputy"}
    counts = {0: 0, 1: 0, 3: 0}
    for index, (row, user) in enumerate(zip(OTHERS, others, strict=True)):
        team_index = placement[index]
        role = {0: "leader", 1: "sub_leader"}.get(counts[team_index], "member")
        counts[team_index] += 1
        member(user, row[0], teams[team_index], role, 1988 + index % 8,
               cohort_role=cohort_roles.get(index, ""))  # fmt: skip
    # Weekly web meetings of about two hours, on Wednesdays, per team.
    sessions = []
    for team in teams:
        day = dt.date(2020, 7, 22)
        while day <= dt.date(2021, 1, 27):
            sessions.append(Session(
                cohort=cohort, team=team, kind="team_meeting", title=f"{team.number}班 会議（ウェブ）",
                starts_at=_at(day.year, day.month, day.day, 15), ends_at=_at(day.year, day.month, day.day, 17),
                online_url="https://meet.example.jp/kenkyujuku", series_key=f"demo-2020-{team.number}",
                phase=research if day <= research.ends_on else trial,
            ))  # fmt: skip
            day += dt.timedelta(weeks=1)
    Session.objects.bulk_create(sessions)
    plenaries = [
        ("kickoff", "開講式・テーマ決定", _at(2020, 7, 8, 14), research, ""),
        ("plenary", "全体会", _at(2020, 8, 5, 14), research, ""),
        ("midterm_report", "中間報告会（リサーチ編）", _at(2020, 9, 9, 14), research, ""),
        ("final_report", "報告会（リサーチ編）", _at(2020, 10, 21, 14), research, "https://www.youtube.com/@example-kenkyujuku"),
        ("plenary", "全体会", _at(2020, 11, 11, 14), trial, ""),
        ("midterm_report", "中間報告会（トライアル編）", _at(2021, 1, 13, 14), trial, ""),
        ("final_report", "報告会（トライアル編）", _at(2021, 2, 10, 14), trial, "https://www.youtube.com/@example-kenkyujuku"),
    ]  # fmt: skip
    for kind, title, start, phase, stream in plenaries:
        session = Session.objects.create(
            cohort=cohort, kind=kind, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2),
            place="郡山市役所 会議室", online_url=stream, phase=phase,
            content="報告会の模様はYouTubeで配信します。" if stream else "",
        )  # fmt: skip
        if kind == "final_report":
            for order, team in enumerate(teams, start=1):
                PresentationSlot.objects.create(session=session, team=team, order=order)
    for kind, title, due, phase in [
        ("research_report", "リサーチ編 調査研究報告書", _at(2020, 10, 14, 17), research),
        ("policy_proposal", "政策提言", _at(2020, 10, 14, 17), research),
        ("trial_report", "トライアル編 試行報告書", _at(2021, 2, 3, 17), trial),
    ]:
        Deliverable.objects.create(cohort=cohort, kind=kind, title=title, due_at=due, phase=phase)
    Outcome.objects.create(
        team=teams[2],
        proposal_title="体験型官民連携の場づくりによる自助・共助・公助の地域課題解決について",
        summary="自治体と民間企業等が共通課題への挑戦を通じて相互に理解・協力し、課題解決に取り組む「自治体クエスト」及び官民が集いクエストを誘発する場所「コーイキングスペース」の設置を提案する。",
        implemented="コーイキングスペース（ビッグアイ6階、2020年12月8日〜2021年1月29日）と自治体クエスト「食品ロス削減」の試行",
    )  # fmt: skip
    cohort.is_published = True
    cohort.save(update_fields=["is_published"])
    return 1


def _fukushima_2022() -> int:
    organiser = Organisation.objects.get(local_government_code="072036")
    programme, _ = Programme.objects.get_or_create(
        name=FUKUSHIMA_PROGRAMME,
        defaults={"organiser": organiser,
                  "description": "月1回、通常業務を離れて自治体DXを探究し、政策提言にまとめる出張型の研究会（県の研修機関が主催する形式のデモ）。"},
    )  # fmt: skip
    if Cohort.objects.filter(programme=programme, fiscal_year=2022).exists():
        return 0
    cohort = Cohort.objects.create(
        programme=programme, fiscal_year=2022,
        title="県南地域における自治体DXの推進について考える",
        theme="先進事例に学ぶ新しい業務の進め方。デジタル技術やデータを活用した新しい業務の進め方を研究し、政策提言することを目標に活動する。",
        size=12, lecturers="尚綱学院大学総合人間科学系社会部門教授 藤本吉則氏",
    )  # fmt: skip
    cohort.organisations.set(Organisation.objects.filter(kind="municipality", prefecture="福島県"))
    field = Field.objects.create(cohort=cohort, name="自治体DX")
    Team.objects.create(cohort=cohort, number=1, field=field, max_size=12)
    know = Phase.objects.create(
        cohort=cohort, name="知る", starts_on=dt.date(2022, 6, 1), ends_on=dt.date(2022, 7, 31)
    )
    study = Phase.objects.create(
        cohort=cohort,
        name="調べる・考える",
        starts_on=dt.date(2022, 8, 1),
        ends_on=dt.date(2022, 10, 31),
    )
    sum_up = Phase.objects.create(
        cohort=cohort,
        name="まとめる・提言する",
        starts_on=dt.date(2022, 11, 1),
        ends_on=dt.date(2023, 2, 10),
    )
    lecturer = "尚綱学院大学総合人間科学系社会部門教授 藤本吉則氏"
    sessions = [
        ("kickoff", "第1回 キックオフ勉強会、体験WS", _at(2022, 6, 8, 13), know, "県南地方振興局管内", "オープニングガイダンス、専門家による理論講義、事例紹介、体験WS"),
        ("plenary", "第2回 県南地域の現状と課題分析", _at(2022, 7, 13, 13), know, "県南地域の町村", "グループワーク（現状の把握と課題の洗い出し）、研究テーマの決定、フィールドワークの企画"),
        ("fieldwork", "第3回 関係者へのヒアリング", _at(2022, 8, 17, 13), study, "県南地域等", "フィールドワーク（課題、研究テーマについての仮説の検証）"),
        ("lecture", "第4回 勉強会", _at(2022, 9, 14, 13), study, "県南地域の町村", "フィールドワークの結果まとめ、専門家を交えた勉強会、参考事例の収集"),
        ("site_visit", "第5回 先進事例、参考事例自治体調査", _at(2022, 10, 12, 13), study, "ヒアリング先", "先進地視察、参考事例の自治体等よりヒアリング調査"),
        ("plenary", "第6回 研究員GW", _at(2022, 11, 16, 13), sum_up, "県南地域の町村", "先進事例等結果考察、提言まとめへ向けたGW"),
        ("plenary", "第7回 研究員GW", _at(2022, 12, 14, 13), sum_up, "県南地域の町村", "提言まとめ"),
        ("plenary", "第8回 研究員GW", _at(2023, 1, 18, 13), sum_up, "県南地域の町村", "提言仕上げ"),
        ("final_report", "報告会", _at(2023, 2, 1, 13), sum_up, "県南地方振興局管内", "調査研究のまとめ及び報告書の提出、報告会の実施（YouTubeでの配信）"),
    ]  # fmt: skip
    for kind, title, start, phase, place, content in sessions:
        Session.objects.create(
            cohort=cohort, kind=kind, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=3),
            place=place, lecturer=lecturer, content=content, phase=phase,
        )  # fmt: skip
    Deliverable.objects.create(cohort=cohort, kind="policy_proposal", title="政策提言",
                               due_at=_at(2023, 1, 31, 17), phase=sum_up)  # fmt: skip
    return 1
