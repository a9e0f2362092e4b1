"""Demo study groups: チャレンジ「新発想」研究塾 2020 as the Koriyama press release describes it,
a Fukushima-style travelling policy-research group with eight monthly sessions, and Kawasaki's
「まちのひろば」創出職員プロジェクト of 2019 to 2021 as the city's report to its expert panel
(市民創発に呼応する行政のあり方に関する取組について) describes them.
Idempotent: a cohort is found by programme and fiscal year and made only once."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import transaction

from cocreation.accounts.models import User
from cocreation.organisations.models import Membership, Organisation
from demo import organisations as org_demo
from demo.quests import FOOD_LOSS_TEAM
from studygroups.models import (
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
from studygroups.services.outcomes import outcome_search_refresh

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
]
FIELDS = [
    ("まち", "一度都会に出て戻って暮らしたくなる魅力的な地域づくり"),
    ("ひと", "ひとの縁を結び、まちを元気にする交流の活性化"),
    ("しごと", "多様な人材の活用を支援し、地域の活力維持に繋がるしごとの創生"),
    ("DX", "Society5.0、5G時代に対応したデジタルトランスフォーメーション（DX）の推進"),
]


def _at(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def _user(
    code,
    local,
    family,
    given,
    family_kana,
    given_kana,
    *,
    with_passwords,
    department="",
    position="",
) -> User:
    from allauth.account.models import EmailAddress

    email = f"{local}@{org_demo.MUNICIPALITY_DOMAINS[code]}"
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "family_name": family,
            "given_name": given,
            "family_name_kana": family_kana,
            "given_name_kana": given_kana,
            "department": department,
            "position": position,
        },
    )
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
        created += _kawasaki(with_passwords)
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
        programme=programme,
        fiscal_year=2020,
        title="「新しい生活様式」対応型チャレンジ「新発想」研究塾 2020",
        theme="広域圏連携で解決すべき課題への取組み。「新しい生活様式」に対応するため、オンラインを中心とした手法で調査研究を行い、提言内容の具現化に向けた試行を実施する。",
        size=24,
        age_limit=35,
        recruitment_opens=dt.date(2020, 5, 1),
        recruitment_closes=dt.date(2020, 6, 15),
        lecturers="郡山市 政策開発部 政策開発課（事務局）",
    )
    cohort.organisations.set(Organisation.objects.filter(local_government_code__in=codes))
    cohort.coordinators.set(User.objects.filter(email=org_demo.COORDINATOR_EMAIL))
    fields = [
        Field.objects.create(cohort=cohort, name=n, description=d, position=i)
        for i, (n, d) in enumerate(FIELDS)
    ]
    research = Phase.objects.create(
        cohort=cohort,
        name="リサーチ編（調査・研究）",
        starts_on=dt.date(2020, 7, 1),
        ends_on=dt.date(2020, 10, 31),
    )
    trial = Phase.objects.create(
        cohort=cohort,
        name="トライアル編（具現化に向けた試行）",
        starts_on=dt.date(2020, 11, 1),
        ends_on=dt.date(2021, 2, 28),
    )
    teams = [
        Team.objects.create(cohort=cohort, number=i + 1, field=f) for i, f in enumerate(fields)
    ]

    def member(user, code, team, role, birth_year, cohort_role="", department="", position="主事"):
        m = Member.objects.create(
            cohort=cohort,
            user=user,
            organisation=Organisation.objects.get(local_government_code=code),
            department=department,
            position=position,
            birth_date=dt.date(birth_year, 6, 1),
            motivation="広域圏の課題に他市町村の職員と取り組みたい。",
            status="accepted",
            team=team,
            team_role=role,
            cohort_role=cohort_role,
        )
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
        member(
            user,
            row[0],
            teams[team_index],
            role,
            1988 + index % 8,
            cohort_role=cohort_roles.get(index, ""),
        )
    # Weekly web meetings of about two hours, on Wednesdays, per team.
    sessions = []
    for team in teams:
        day = dt.date(2020, 7, 22)
        while day <= dt.date(2021, 1, 27):
            sessions.append(
                Session(
                    cohort=cohort,
                    team=team,
                    kind="team_meeting",
                    title=f"{team.number}班 会議（ウェブ）",
                    starts_at=_at(day.year, day.month, day.day, 15),
                    ends_at=_at(day.year, day.month, day.day, 17),
                    online_url="https://meet.example.jp/kenkyujuku",
                    series_key=f"demo-2020-{team.number}",
                    phase=research if day <= research.ends_on else trial,
                )
            )
            day += dt.timedelta(weeks=1)
    Session.objects.bulk_create(sessions)
    plenaries = [
        ("kickoff", "開講式・テーマ決定", _at(2020, 7, 8, 14), research, ""),
        ("plenary", "全体会", _at(2020, 8, 5, 14), research, ""),
        ("midterm_report", "中間報告会（リサーチ編）", _at(2020, 9, 9, 14), research, ""),
        (
            "final_report",
            "報告会（リサーチ編）",
            _at(2020, 10, 21, 14),
            research,
            "https://www.youtube.com/@example-kenkyujuku",
        ),
        ("plenary", "全体会", _at(2020, 11, 11, 14), trial, ""),
        ("midterm_report", "中間報告会（トライアル編）", _at(2021, 1, 13, 14), trial, ""),
        (
            "final_report",
            "報告会（トライアル編）",
            _at(2021, 2, 10, 14),
            trial,
            "https://www.youtube.com/@example-kenkyujuku",
        ),
    ]
    for kind, title, start, phase, stream in plenaries:
        session = Session.objects.create(
            cohort=cohort,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="郡山市役所 会議室",
            online_url=stream,
            phase=phase,
            content="報告会の模様はYouTubeで配信します。" if stream else "",
        )
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
    )
    cohort.is_published = True
    cohort.save(update_fields=["is_published"])
    return 1


def _fukushima_2022() -> int:
    organiser = Organisation.objects.get(local_government_code="072036")
    programme, _ = Programme.objects.get_or_create(
        name=FUKUSHIMA_PROGRAMME,
        defaults={
            "organiser": organiser,
            "description": "月1回、通常業務を離れて自治体DXを探究し、政策提言にまとめる出張型の研究会（県の研修機関が主催する形式のデモ）。",
        },
    )
    if Cohort.objects.filter(programme=programme, fiscal_year=2022).exists():
        return 0
    cohort = Cohort.objects.create(
        programme=programme,
        fiscal_year=2022,
        title="県南地域における自治体DXの推進について考える",
        theme="先進事例に学ぶ新しい業務の進め方。デジタル技術やデータを活用した新しい業務の進め方を研究し、政策提言することを目標に活動する。",
        size=12,
        lecturers="尚綱学院大学総合人間科学系社会部門教授 藤本吉則氏",
    )
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
        (
            "kickoff",
            "第1回 キックオフ勉強会、体験WS",
            _at(2022, 6, 8, 13),
            know,
            "県南地方振興局管内",
            "オープニングガイダンス、専門家による理論講義、事例紹介、体験WS",
        ),
        (
            "plenary",
            "第2回 県南地域の現状と課題分析",
            _at(2022, 7, 13, 13),
            know,
            "県南地域の町村",
            "グループワーク（現状の把握と課題の洗い出し）、研究テーマの決定、フィールドワークの企画",
        ),
        (
            "fieldwork",
            "第3回 関係者へのヒアリング",
            _at(2022, 8, 17, 13),
            study,
            "県南地域等",
            "フィールドワーク（課題、研究テーマについての仮説の検証）",
        ),
        (
            "lecture",
            "第4回 勉強会",
            _at(2022, 9, 14, 13),
            study,
            "県南地域の町村",
            "フィールドワークの結果まとめ、専門家を交えた勉強会、参考事例の収集",
        ),
        (
            "site_visit",
            "第5回 先進事例、参考事例自治体調査",
            _at(2022, 10, 12, 13),
            study,
            "ヒアリング先",
            "先進地視察、参考事例の自治体等よりヒアリング調査",
        ),
        (
            "plenary",
            "第6回 研究員GW",
            _at(2022, 11, 16, 13),
            sum_up,
            "県南地域の町村",
            "先進事例等結果考察、提言まとめへ向けたGW",
        ),
        (
            "plenary",
            "第7回 研究員GW",
            _at(2022, 12, 14, 13),
            sum_up,
            "県南地域の町村",
            "提言まとめ",
        ),
        ("plenary", "第8回 研究員GW", _at(2023, 1, 18, 13), sum_up, "県南地域の町村", "提言仕上げ"),
        (
            "final_report",
            "報告会",
            _at(2023, 2, 1, 13),
            sum_up,
            "県南地方振興局管内",
            "調査研究のまとめ及び報告書の提出、報告会の実施（YouTubeでの配信）",
        ),
    ]
    for kind, title, start, phase, place, content in sessions:
        Session.objects.create(
            cohort=cohort,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            place=place,
            lecturer=lecturer,
            content=content,
            phase=phase,
        )
    Deliverable.objects.create(
        cohort=cohort,
        kind="policy_proposal",
        title="政策提言",
        due_at=_at(2023, 1, 31, 17),
        phase=sum_up,
    )
    return 1


# 「まちのひろば」創出職員プロジェクト (川崎市): source section 1(1) for the projects and member
# counts, 1(3) 協働・連携研修 for the lecturers. The staff are fictional.
KAWASAKI_PROGRAMME = "「まちのひろば」創出職員プロジェクト"
KAWASAKI = "141305"
KAWASAKI_FIELD = "まちのひろば"


class KawasakiTraining(NamedTuple):
    """One 協働・連携研修: its lecturers ("name 氏 affiliation", as the table gives them)."""

    lecturers: tuple[str, ...]
    theme: str
    day: dt.date  # not in the source: a plausible Friday of the fiscal year


class KawasakiYear(NamedTuple):
    fiscal_year: int
    era: str
    theme: str
    projects: tuple[tuple[str, str], ...]  # (name as in the source, summary)
    core: tuple[int, ...]  # members per project, in the source's order
    support: tuple[int, ...]  # support members per project
    trainings: tuple[KawasakiTraining, ...]


KAWASAKI_YEARS = (
    KawasakiYear(
        2019,
        "令和元年度",
        "「まちのひろば」創出の新規モデル事業(市民創発・交流効果・持続可能性)",
        (
            (
                "防災空地で地域交流(町内会・自治会×防災×職員 PJT)",
                "町内会・自治会×防災×職員のプロジェクトとして、防災空地での地域交流に取り組んだ「まちのひろば」創出のモデル事業。令和2年度も継続した。",
            ),
            (
                "FUSO グリーンガーデン(GG)を平間のセントラルパークに! (企業(緑地)×地域×職員 PJT)",
                "企業(緑地)×地域×職員のプロジェクトとして、企業の緑地 FUSO グリーンガーデン(GG)を平間のセントラルパークにすることをめざした「まちのひろば」創出のモデル事業。",
            ),
            (
                "まちのこえをカタチにするプロジェクト(商農企×地域×職員 PJT)",
                "商農企×地域×職員のプロジェクトとして、まちのこえをカタチにすることをめざした「まちのひろば」創出のモデル事業。",
            ),
            (
                "しもぬまべ共創プロジェクト(企業(公開空地)×地域×職員PJT)",
                "企業(公開空地)×地域×職員のプロジェクトとして、企業の公開空地を舞台に地域と共創する「まちのひろば」創出のモデル事業。",
            ),
        ),
        core=(5, 5, 5, 5),
        support=(0, 0, 0, 0),
        trainings=(
            KawasakiTraining(
                ("西澤 淑恵 氏 まちの縁側育みプロジェクトながの事務局",),
                "まちのひろばの見つけ方を庁内職員に普及促進及び機運醸成することを目的に実施",
                dt.date(2019, 11, 15),
            ),
        ),
    ),
    KawasakiYear(
        2020,
        "令和2年度",
        "「まちのひろば with 新しい生活様式」の創出",
        (
            (
                "防災空地で地域交流(継続)",
                "前年度から継続した防災空地での地域交流の事業。コロナ禍に対応した「まちのひろば」づくりを実践した。",
            ),
            (
                "NEC公開空地のプロジェクト(継続)",
                "前年度から継続した、NECの公開空地を舞台とする事業。コロナ禍に対応した「まちのひろば」づくりを実践した。",
            ),
            (
                "鹿島田交通広場での植物を活用した交流",
                "鹿島田交通広場で植物を活用した交流に取り組み、コロナ禍に対応した「まちのひろば」づくりを実践した。",
            ),
        ),
        core=(5, 4, 4),
        support=(3, 3, 2),
        trainings=(
            # The R2 row of the table holds two trainings: the 年度 label spans both.
            KawasakiTraining(
                ("山田 崇 氏 塩尻市企画政策部地方創生推進課地方創生推進係長",),
                "職員自らが公務員としても、個人としても、積極的に地域に出て、多様な主体と一緒に小さなことから何かを始めて、変える方法を学ぶことにより、地域の様々な課題に対応できるコーディネートスキルを有し、チャレンジする人材を育成することを目的とする",
                dt.date(2020, 10, 16),
            ),
            KawasakiTraining(
                ("藤本 遼 氏 株式会社ここにある 代表取締役", "江上 昇 氏 尼崎市職員 (元漫才師)"),
                "コロナ禍における場づくりの変化を学ぶとともに、職員自らが公務員としても、個人としても、柔軟な発想で場を編み出していくスキルを習得することを目的とする。",
                dt.date(2021, 1, 22),
            ),
        ),
    ),
    KawasakiYear(
        2021,
        "令和3年度",
        "公共施設の地域化、自由な形で創出するまちのひろば",
        (
            (
                "ロビーを活用した多世代交流事業ふれあいプラザかわさき",
                "公共施設の地域化として、ふれあいプラザかわさきのロビーを活用した多世代交流事業。",
            ),
            (
                "おためしオンライン交流会",
                "自由な形で創出する「まちのひろば」として、オンラインでの交流会をおためしで行う取組。",
            ),
            (
                "多摩川スカイブリッジフォトコンテスト&フォト交流会",
                "多摩川スカイブリッジを題材にしたフォトコンテストと、写真を通じたフォト交流会による「まちのひろば」の取組。",
            ),
        ),
        core=(1, 1, 1),
        support=(3, 2, 2),
        trainings=(
            KawasakiTraining(
                ("水津 陽子 氏 合同会社フォーティ R&C 代表",),
                "「基本的考え方」に基づき、町内会・自治会との真のパートナーシップに向けて行政が果たすべき役割について職員一人一人が学ぶことを目的とする。",
                dt.date(2021, 11, 19),
            ),
        ),
    ),
)

# 事務局 (2 each year; the demo keeps the same two): staff@kawasaki.example.jp of the
# organisations demo (協働・連携推進課) and this colleague. They coordinate the cohorts.
KAWASAKI_SECRETARIAT = [
    (
        "j.yoshikawa",
        "吉川",
        "純一",
        "ヨシカワ",
        "ジュンイチ",
        "市民文化局 コミュニティ推進部 協働・連携推進課",
        "担当係長",
    ),
]

# Members year by year, in project order: the core members of each project (the first leads,
# the second is sub-leader), then the support members of each project. 2019: 課長補佐以下.
KAWASAKI_STAFF = [
    # 2019, 防災空地で地域交流
    ("t.ishikawa", "石川", "拓也", "イシカワ", "タクヤ", "総務企画局 危機管理室", "係長"),
    (
        "m.ogawa",
        "小川",
        "真理子",
        "オガワ",
        "マリコ",
        "中原区役所 まちづくり推進部 地域振興課",
        "主任",
    ),
    ("k.fujita", "藤田", "健司", "フジタ", "ケンジ", "まちづくり局 防災まちづくり推進室", "職員"),
    ("a.okada", "岡田", "愛", "オカダ", "アイ", "健康福祉局 地域包括ケア推進室", "職員"),
    ("s.goto", "後藤", "俊介", "ゴトウ", "シュンスケ", "幸区役所 危機管理担当", "主任"),
    # 2019, FUSO グリーンガーデン
    (
        "y.hasegawa",
        "長谷川",
        "裕子",
        "ハセガワ",
        "ユウコ",
        "建設緑政局 緑政部 みどりの協働推進課",
        "課長補佐",
    ),
    (
        "r.murakami",
        "村上",
        "亮",
        "ムラカミ",
        "リョウ",
        "中原区役所 地域みまもり支援センター 地域支援課",
        "主任",
    ),
    ("n.kondo", "近藤", "直美", "コンドウ", "ナオミ", "経済労働局 産業政策部 企画課", "職員"),
    ("y.ishii", "石井", "陽介", "イシイ", "ヨウスケ", "こども未来局 青少年支援室", "職員"),
    ("e.sakamoto", "坂本", "恵美", "サカモト", "エミ", "環境局 地球環境推進室", "係長"),
    # 2019, まちのこえをカタチにするプロジェクト
    (
        "k.aoki",
        "青木",
        "和也",
        "アオキ",
        "カズヤ",
        "経済労働局 都市農業振興センター 農業振興課",
        "係長",
    ),
    ("m.fujii", "藤井", "舞", "フジイ", "マイ", "経済労働局 産業振興部 商業振興課", "主任"),
    (
        "t.nishimura",
        "西村",
        "達也",
        "ニシムラ",
        "タツヤ",
        "高津区役所 まちづくり推進部 企画課",
        "職員",
    ),
    ("y.fukuda", "福田", "由美", "フクダ", "ユミ", "市民文化局 市民生活部 企画課", "職員"),
    ("s.ota", "太田", "翔", "オオタ", "ショウ", "宮前区役所 まちづくり推進部 地域振興課", "主任"),
    # 2019, しもぬまべ共創プロジェクト
    ("a.miura", "三浦", "彩", "ミウラ", "アヤ", "中原区役所 まちづくり推進部 企画課", "係長"),
    ("k.fujiwara", "藤原", "圭介", "フジワラ", "ケイスケ", "財政局 資産管理部 資産運用課", "主任"),
    ("m.okamoto", "岡本", "美穂", "オカモト", "ミホ", "教育委員会事務局 生涯学習推進課", "職員"),
    ("d.matsuda", "松田", "大介", "マツダ", "ダイスケ", "港湾局 港湾経営部 経営企画課", "職員"),
    (
        "c.nakajima",
        "中島",
        "千尋",
        "ナカジマ",
        "チヒロ",
        "多摩区役所 まちづくり推進部 地域振興課",
        "主任",
    ),
    # 2020, 防災空地で地域交流(継続)
    ("s.harada", "原田", "修", "ハラダ", "オサム", "まちづくり局 防災まちづくり推進室", "係長"),
    ("k.ono", "小野", "加奈", "オノ", "カナ", "総務企画局 危機管理室", "主任"),
    (
        "y.nakayama",
        "中山",
        "雄一",
        "ナカヤマ",
        "ユウイチ",
        "幸区役所 まちづくり推進部 地域振興課",
        "職員",
    ),
    ("m.ishida", "石田", "麻衣", "イシダ", "マイ", "健康福祉局 地域包括ケア推進室", "職員"),
    (
        "t.ueda",
        "上田",
        "拓真",
        "ウエダ",
        "タクマ",
        "麻生区役所 まちづくり推進部 地域振興課",
        "職員",
    ),
    # 2020, NEC公開空地のプロジェクト(継続)
    (
        "h.morita",
        "森田",
        "浩之",
        "モリタ",
        "ヒロユキ",
        "中原区役所 まちづくり推進部 地域振興課",
        "課長補佐",
    ),
    ("n.hara", "原", "菜摘", "ハラ", "ナツミ", "経済労働局 産業政策部 企画課", "主任"),
    ("k.shibata", "柴田", "健吾", "シバタ", "ケンゴ", "建設緑政局 道路管理部 路政課", "職員"),
    ("a.sakai", "酒井", "明日香", "サカイ", "アスカ", "こども未来局 青少年支援室", "職員"),
    # 2020, 鹿島田交通広場での植物を活用した交流
    ("r.kudo", "工藤", "隆太", "クドウ", "リュウタ", "幸区役所 道路公園センター 整備課", "係長"),
    (
        "m.yokoyama",
        "横山",
        "真由",
        "ヨコヤマ",
        "マユ",
        "建設緑政局 緑政部 みどりの協働推進課",
        "主任",
    ),
    ("s.miyazaki", "宮崎", "聡", "ミヤザキ", "サトシ", "まちづくり局 交通政策室", "職員"),
    ("y.uchida", "内田", "優花", "ウチダ", "ユウカ", "環境局 地球環境推進室", "職員"),
    # 2020, support members: 3 + 3 + 2
    ("k.takagi", "高木", "健一", "タカギ", "ケンイチ", "市民文化局 市民生活部 企画課", "主任"),
    (
        "e.ando",
        "安藤",
        "恵子",
        "アンドウ",
        "ケイコ",
        "川崎区役所 まちづくり推進部 地域振興課",
        "職員",
    ),
    ("h.taniguchi", "谷口", "博", "タニグチ", "ヒロシ", "上下水道局 経営戦略・危機管理室", "係長"),
    (
        "m.maruyama",
        "丸山",
        "美紀",
        "マルヤマ",
        "ミキ",
        "中原区役所 地域みまもり支援センター 地域支援課",
        "職員",
    ),
    ("t.imai", "今井", "貴之", "イマイ", "タカユキ", "財政局 資産管理部 資産運用課", "職員"),
    ("a.kono", "河野", "梓", "コウノ", "アズサ", "教育委員会事務局 生涯学習推進課", "主任"),
    (
        "y.sugiyama",
        "杉山",
        "洋平",
        "スギヤマ",
        "ヨウヘイ",
        "経済労働局 都市農業振興センター 農業振興課",
        "職員",
    ),
    (
        "n.murata",
        "村田",
        "望",
        "ムラタ",
        "ノゾミ",
        "幸区役所 地域みまもり支援センター 地域支援課",
        "職員",
    ),
    # 2021, one member per project
    (
        "k.arai",
        "新井",
        "和樹",
        "アライ",
        "カズキ",
        "川崎区役所 まちづくり推進部 地域振興課",
        "主任",
    ),
    ("m.kojima", "小島", "美和", "コジマ", "ミワ", "総務企画局 情報管理部 ICT推進課", "係長"),
    (
        "s.noguchi",
        "野口",
        "修平",
        "ノグチ",
        "シュウヘイ",
        "川崎区役所 まちづくり推進部 企画課",
        "職員",
    ),
    # 2021, support members: 3 + 2 + 2
    ("h.kubo", "久保", "春菜", "クボ", "ハルナ", "健康福祉局 地域包括ケア推進室", "職員"),
    (
        "t.matsui",
        "松井",
        "孝",
        "マツイ",
        "タカシ",
        "川崎区役所 地域みまもり支援センター 地域支援課",
        "主任",
    ),
    ("y.kinoshita", "木下", "由佳", "キノシタ", "ユカ", "こども未来局 青少年支援室", "職員"),
    ("r.noda", "野田", "涼介", "ノダ", "リョウスケ", "総務企画局 情報管理部 ICT推進課", "職員"),
    (
        "a.sugawara",
        "菅原",
        "彩乃",
        "スガワラ",
        "アヤノ",
        "宮前区役所 まちづくり推進部 地域振興課",
        "職員",
    ),
    (
        "k.otsuka",
        "大塚",
        "啓太",
        "オオツカ",
        "ケイタ",
        "経済労働局 産業振興部 観光プロモーション推進課",
        "主任",
    ),
    ("m.hirano", "平野", "まどか", "ヒラノ", "マドカ", "港湾局 港湾経営部 経営企画課", "職員"),
]


def _kawasaki(with_passwords: bool) -> int:
    kawasaki = Organisation.objects.get(local_government_code=KAWASAKI)
    programme, _ = Programme.objects.get_or_create(
        name=KAWASAKI_PROGRAMME,
        defaults={
            "organiser": kawasaki,
            "description": (
                "「これからのコミュニティ施策の基本的考え方」に基づく新たな取組のモデル事業を試行実施し、"
                "職員の地域参加と意識改革を促すことを目的として、職員が所属、職位に関係なく横断的に"
                "チームを結成し、職員が地域の様々な多様な主体と協働・連携しながら「まちのひろば」の"
                "モデル事業を展開するもの。"
            ),
        },
    )
    done = set(Cohort.objects.filter(programme=programme).values_list("fiscal_year", flat=True))
    if done >= {year.fiscal_year for year in KAWASAKI_YEARS}:
        return 0

    def user(row):
        local, family, given, family_kana, given_kana, department, position = row
        return _user(
            KAWASAKI,
            local,
            family,
            given,
            family_kana,
            given_kana,
            with_passwords=with_passwords,
            department=department,
            position=position,
        )

    domain = org_demo.MUNICIPALITY_DOMAINS[KAWASAKI]
    secretariat = [User.objects.get(email=f"staff@{domain}")]
    secretariat += [user(row) for row in KAWASAKI_SECRETARIAT]
    created = 0
    start = 0
    for year in KAWASAKI_YEARS:
        rows = KAWASAKI_STAFF[start : start + sum(year.core) + sum(year.support)]
        start += len(rows)
        if year.fiscal_year in done:
            continue
        _kawasaki_year(year, programme, kawasaki, secretariat, [(row, user(row)) for row in rows])
        created += 1
    return created


def _kawasaki_year(year: KawasakiYear, programme, kawasaki, secretariat, staff) -> None:
    cohort = Cohort.objects.create(
        programme=programme,
        fiscal_year=year.fiscal_year,
        title=f"{KAWASAKI_PROGRAMME} {year.era}",
        theme=year.theme,
        size=sum(year.core),
        lecturers="\n".join(line for t in year.trainings for line in t.lecturers),
        is_published=True,
    )
    cohort.organisations.set([kawasaki])
    cohort.coordinators.set(secretariat)
    field = Field.objects.create(
        cohort=cohort, name=KAWASAKI_FIELD, description="「まちのひろば」創出のモデル事業"
    )
    core = iter(staff[: sum(year.core)])
    support = iter(staff[sum(year.core) :])
    members, outcomes = [], []
    for number, ((name, summary), n_core, n_support) in enumerate(
        zip(year.projects, year.core, year.support, strict=True), start=1
    ):
        team = Team.objects.create(
            cohort=cohort,
            number=number,
            name=name,
            field=field,
            max_size=max(2, n_core + n_support),
        )
        outcomes.append(Outcome(team=team, proposal_title=name, summary=summary))
        placed = [
            (next(core), ["leader", "sub_leader"][i] if i < 2 else "member", "")
            for i in range(n_core)
        ]
        placed += [(next(support), "member", Member.CohortRole.SUPPORT) for _ in range(n_support)]
        for (row, user), team_role, cohort_role in placed:
            members.append(
                Member(
                    cohort=cohort,
                    user=user,
                    organisation=kawasaki,
                    department=row[5],
                    position=row[6],
                    motivation="所属や職位を越えて、地域の多様な主体と協働・連携しながら「まちのひろば」づくりに取り組みたい。",
                    status=Member.Status.ACCEPTED,
                    team=team,
                    team_role=team_role,
                    cohort_role=cohort_role,
                )
            )
    Member.objects.bulk_create(members)
    Outcome.objects.bulk_create(outcomes)
    outcome_search_refresh(cohorts=[cohort.pk])  # bulk_create skips Outcome.save()
    Session.objects.bulk_create(
        Session(
            cohort=cohort,
            kind=Session.Kind.LECTURE,
            title="協働・連携研修",
            starts_at=_at(t.day.year, t.day.month, t.day.day, 14),
            ends_at=_at(t.day.year, t.day.month, t.day.day, 16),
            place="川崎市役所",
            lecturer="、".join(t.lecturers),
            content=t.theme,
        )
        for t in year.trainings
    )
