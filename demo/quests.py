"""Demo quests: the Koriyama food-loss quest of the 2020 press release, an open よこらぼ-style
quest in Yokoze, a completed Bandai DX quest to reuse, and a Koriyama draft.

Idempotent: a quest is found by title and host; its proposals, reviews and trial are made
only when the quest itself is new. Dates of the Koriyama quest are the real ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cocreation.accounts.models import User
from cocreation.organisations.models import Membership, Organisation
from demo import organisations as org_demo
from quests.models import (
    Kpi,
    Milestone,
    Proposal,
    ProposalEvent,
    Quest,
    QuestCoHost,
    Question,
    QuestTransition,
    ResultsReport,
    Review,
    ReviewCriterion,
    ReviewScore,
    SdgTarget,
    TeamMember,
    Theme,
    Trial,
    TrialMeeting,
)
from quests.reference_data import DEFAULT_CRITERIA

TOKYO = dt.timezone(dt.timedelta(hours=9))
BIG_I = "郡山市民プラザ 多目的ルーム（ビッグアイ 6階）"
FOOD_LOSS_TITLE = "食品ロス削減に向けての新事業の検討及び試行"
KORIYAMA_DRAFT_TITLE = "子育て支援情報の圏域一元発信"

# 研究塾2020 3班（しごと分野）: the six staff of the source document, leader first.
FOOD_LOSS_TEAM = [
    ("072036", "k.takaoka", "高岡", "景", "タカオカ", "ケイ", "総務部 職員厚生課", "主事"),
    (
        "072117",
        "k.okawara",
        "大川原",
        "一博",
        "オオカワラ",
        "カズヒロ",
        "市民部 生活環境課",
        "主事",
    ),
    (
        "072141",
        "r.takahashi",
        "高橋",
        "亮",
        "タカハシ",
        "リョウ",
        "放射能除染・モニタリングセンター",
        "主事",
    ),
    ("073423", "r.nakanuma", "仲沼", "諒", "ナカヌマ", "リョウ", "産業課", "副主査"),
    ("075019", "y.azukihata", "小豆畑", "裕", "アズキハタ", "ユタカ", "農政課", "主事"),
    ("075221", "k.owada", "大和田", "和", "オオワダ", "カズ", "町民生活課", "主事"),
]


def _at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def _municipality(code: str) -> Organisation:
    return Organisation.objects.get(local_government_code=code)


def _user(email: str, *, with_passwords: bool, **names) -> User:
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(email=email, defaults=names)
    if created:
        if with_passwords:
            user.set_password(org_demo.DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _member(user: User, organisation: Organisation, department: str, position: str) -> None:
    Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "role": Membership.Role.MEMBER,
            "status": Membership.Status.ACTIVE,
            "department": department,
            "position": position,
        },
    )


def _by_email(email: str) -> User:
    return User.objects.get(email=email)


def _company(name: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.COMPANY, name=name)


def _quest(host: Organisation, title: str, **fields) -> tuple[Quest, bool]:
    existing = Quest.objects.filter(host=host, title=title).first()
    if existing:
        return existing, False
    quest = Quest.objects.create(host=host, title=title, **fields)
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(quest=quest, name=name, position=position)
        for position, (name, _english) in enumerate(DEFAULT_CRITERIA)
    )
    return quest, True


def _history(quest: Quest, actor: User, moves: list[tuple[str, str, dt.datetime, str]]) -> None:
    for from_state, to_state, when, comment in moves:
        transition = QuestTransition.objects.create(
            quest=quest, from_state=from_state, to_state=to_state, actor=actor, comment=comment
        )
        QuestTransition.objects.filter(pk=transition.pk).update(created_at=when)


def _proposal(quest, company, author, state, submitted, decided_by=None, reason="", **text):
    proposal = Proposal.objects.create(
        quest=quest,
        company=company,
        submitted_by=author,
        state=state,
        submitted_at=submitted,
        decided_by=decided_by,
        decided_at=submitted + dt.timedelta(days=5) if decided_by else None,
        decision_reason=reason,
        **text,
    )
    Proposal.objects.filter(pk=proposal.pk).update(created_at=submitted, updated_at=submitted)
    event = ProposalEvent.objects.create(
        proposal=proposal,
        from_state=Proposal.State.DRAFT,
        to_state=Proposal.State.SUBMITTED,
        actor=author,
    )
    ProposalEvent.objects.filter(pk=event.pk).update(created_at=submitted)
    if decided_by:
        event = ProposalEvent.objects.create(
            proposal=proposal,
            from_state=Proposal.State.UNDER_REVIEW,
            to_state=state,
            actor=decided_by,
            comment=reason,
        )
        ProposalEvent.objects.filter(pk=event.pk).update(created_at=proposal.decided_at)
    return proposal


def _review(proposal, reviewer, scores: list[int], comment: str) -> None:
    review = Review.objects.create(proposal=proposal, reviewer=reviewer, comment=comment)
    criteria = list(proposal.quest.criteria.order_by("position"))
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion=c, score=s)
        for c, s in zip(criteria, scores, strict=True)
    )


def load_quests_demo(*, with_passwords: bool) -> dict[str, int]:
    """Create the demo quests if missing; returns how many quests were created."""
    created = 0
    with transaction.atomic():
        team = []
        for code, local, family, given, family_kana, given_kana, dept, position in FOOD_LOSS_TEAM:
            organisation = _municipality(code)
            user = _user(
                f"{local}@{org_demo.MUNICIPALITY_DOMAINS[code]}",
                with_passwords=with_passwords,
                family_name=family,
                given_name=given,
                family_name_kana=family_kana,
                given_name_kana=given_kana,
                department=dept,
                position=position,
            )
            _member(user, organisation, dept, position)
            team.append((user, organisation))
        created += _food_loss_quest(team)
        created += _yokoze_open_quest()
        created += _bandai_completed_quest()
        created += _koriyama_draft()
    return {"quests": created}


def _food_loss_quest(team) -> int:
    koriyama = _municipality("072036")
    quest, new = _quest(
        koriyama,
        FOOD_LOSS_TITLE,
        summary=(
            "こおりやま広域圏の6市町村の若手職員と民間企業3社程度が、コーイキングスペースを"
            "活動拠点に、食品ロス削減に向けた新事業を検討し、試行します。"
        ),
        background=(
            "地域の抱える課題は多様化・複雑化しており、自治体単独での解決には限界がある。"
            "家庭や飲食店、小売店から出る食品ロスは圏域共通の課題で、各市町村がばらばらに"
            "啓発を行ってきた。研究塾2020 3班（しごと分野）の提案により、自治体と民間企業が"
            "共通課題への挑戦を通じて相互に理解・協力する「自治体クエスト」を試行する。"
        ),
        affected="圏域の家庭、飲食店・小売店、生産者、ごみ処理を担う市町村",
        tried="各市町村でのフードドライブ、食べきり運動の啓発ポスター",
        outcome_sought=(
            "売れ残りや規格外の食品を必要とする人につなぐ仕組みを圏域で試行し、"
            "食品ロスの削減量を測れる形で示すこと。"
        ),
        offers=[Quest.Offer.TEST_FIELD, Quest.Offer.VENUE, Quest.Offer.PUBLICITY],
        offer_details=f"活動拠点として{BIG_I}（コーイキングスペース）、6市町村の広報紙での周知",
        proposal_deadline=dt.date(2020, 12, 11),
        trial_starts_on=dt.date(2020, 12, 18),
        trial_ends_on=dt.date(2021, 3, 31),
        contact_name="高橋 諒",
        contact_department="郡山市 政策開発部 政策開発課",
        contact_email=f"seisaku@{org_demo.KORIYAMA_DOMAIN}",
        contact_phone="024-924-2021",
        state=Quest.State.IN_TRIAL,
        opened_at=_at(2020, 12, 1, 9),
        created_by=team[0][0],
    )
    if not new:
        return 0
    Quest.objects.filter(pk=quest.pk).update(created_at=_at(2020, 11, 24, 9))
    quest.themes.set(Theme.objects.filter(slug__in=["food-loss", "workstyle"]))
    quest.sdg_targets.set(SdgTarget.objects.filter(code__in=["8.3", "17.17", "12.3"]))
    for organisation in [org for _u, org in team[1:]]:
        QuestCoHost.objects.get_or_create(quest=quest, organisation=organisation)
    for index, (user, organisation) in enumerate(team):
        TeamMember.objects.create(
            quest=quest,
            user=user,
            organisation=organisation,
            role=TeamMember.Role.LEADER if index == 0 else TeamMember.Role.MEMBER,
        )
    leader = team[0][0]
    _history(
        quest,
        leader,
        [
            ("draft", "open", _at(2020, 12, 1, 9), "研究塾3班の提案に基づき募集を開始"),
            ("open", "selecting", _at(2020, 12, 12, 9), "締切。3社から提案"),
            (
                "selecting",
                "in_trial",
                _at(2020, 12, 15, 17),
                "フードシェア福島の提案を採択し試行へ",
            ),
        ],
    )
    foodshare = _company(org_demo.FOODSHARE)
    mirai = _company(org_demo.MIRAI_DIGITAL)
    asakano = _company(org_demo.ASAKANO_NOEN)
    adopted = _proposal(
        quest,
        foodshare,
        _by_email(org_demo.FOODSHARE_MEMBER_EMAIL),
        Proposal.State.ADOPTED,
        _at(2020, 12, 8, 16),
        decided_by=leader,
        reason="圏域の飲食店と住民をつなぐ実績があり、削減量を重量で測れるため。",
        title="売れ残り食品のマッチングアプリによる圏域実証",
        summary="飲食店・小売店の売れ残りを、アプリで住民に割引販売する仕組みを圏域6市町村で試行する。",
        approach="郡山市内と5町村の協力店舗を募り、閉店前の売れ残りをアプリに掲載。購入はアプリ、受け取りは店頭。",
        company_brings="マッチングアプリと店舗向け運用ノウハウ、販売重量の集計",
        needs_from_municipality="協力店舗への声掛け、広報紙・SNSでの周知、コーイキングスペースでの打合せ",
        expected_results="3か月で食品ロス5トン削減、協力店舗20店",
        measurement="アプリ経由で販売された食品の重量（kg）と協力店舗数",
        schedule="12月 店舗募集、1〜3月 試行、3月末 効果検証",
        confidential="店舗手数料率（販売額の10%）と初期費用免除の条件",
    )
    _proposal(
        quest,
        mirai,
        _by_email(org_demo.MIRAI_DIGITAL_MEMBER_EMAIL),
        Proposal.State.NOT_ADOPTED,
        _at(2020, 12, 10, 11),
        decided_by=leader,
        reason="需要予測の精度検証に1年分のデータが必要で、今回の試行期間に収まらないため。",
        title="AIによる学校給食の需要予測",
        summary="給食の喫食数をAIで予測し、作りすぎを減らす。",
        approach="過去の喫食データと天候・行事を学習させる。",
        company_brings="需要予測モデル",
        needs_from_municipality="過去3年分の給食データ",
        expected_results="給食残さ20%減",
        measurement="残さ重量（kg）",
        schedule="データ整備に6か月",
    )
    _proposal(
        quest,
        asakano,
        _by_email(org_demo.ASAKANO_NOEN_MEMBER_EMAIL),
        Proposal.State.ON_HOLD,
        _at(2020, 12, 11, 15),
        decided_by=leader,
        reason="規格外野菜の活用は次年度の農政分野のクエストで改めて検討する。",
        title="規格外野菜の加工と直売",
        summary="規格外野菜を加工品にして直売所で販売する。",
        approach="農家から規格外品を買い取り、地元の加工場で加工。",
        company_brings="加工ノウハウと販路",
        needs_from_municipality="加工場の紹介",
        expected_results="規格外野菜の廃棄半減",
        measurement="買取重量（kg）",
        schedule="春野菜の時期から",
    )
    for (user, _org), scores in zip(
        team[:4],
        [[5, 4, 5, 4, 4], [4, 5, 4, 4, 3], [5, 4, 4, 3, 4], [4, 4, 5, 4, 4]],
        strict=True,
    ):
        _review(adopted, user, scores, "実証の効果が測りやすい。")
    Review.objects.create(
        proposal=adopted,
        reviewer=team[4][0],
        conflict_of_interest=True,
        conflict_note="家族が協力予定店舗を経営しているため",
    )
    trial = Trial.objects.create(
        quest=quest,
        proposal=adopted,
        starts_on=dt.date(2020, 12, 18),
        ends_on=dt.date(2021, 3, 31),
        plan="コーイキングスペースで週1回程度討議し、協力店舗を募って1〜3月に試行する。",
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                trial=trial,
                title="第1回打合せ",
                due_on=dt.date(2020, 12, 18),
                done_on=dt.date(2020, 12, 18),
            ),
            Milestone(
                trial=trial,
                title="協力店舗20店の確保",
                due_on=dt.date(2021, 1, 15),
                done_on=dt.date(2021, 1, 22),
                note="1月22日に14店で開始",
            ),
            Milestone(trial=trial, title="効果検証と報告", due_on=dt.date(2021, 3, 31)),
        ]
    )
    attendees = "、".join(u.display_name for u, _o in team) + "、株式会社フードシェア福島 菊地"
    meetings = []
    day = dt.date(2020, 12, 18)
    while day <= dt.date(2021, 1, 29):
        # The room is closed over the year-end holidays (12月29日〜1月3日).
        if not (dt.date(2020, 12, 29) <= day <= dt.date(2021, 1, 3)):
            first = day == dt.date(2020, 12, 18)
            meetings.append(
                TrialMeeting(
                    trial=trial,
                    held_on=day,
                    starts_at=dt.time(13, 30),
                    ends_at=dt.time(15, 0),
                    place=BIG_I,
                    attendees=attendees,
                    recorded_by=team[0][0],
                    minutes="第1回打合せ。自己紹介、試行の進め方と役割分担を確認。"
                    if first
                    else "協力店舗の募集状況と周知方法を確認。",
                )
            )
        day += dt.timedelta(days=7)
    TrialMeeting.objects.bulk_create(meetings)
    Kpi.objects.bulk_create(
        [
            Kpi(
                trial=trial,
                name="食品ロス削減量",
                unit="kg",
                baseline=Decimal(0),
                target=Decimal(5000),
                actual=Decimal(3200),
            ),
            Kpi(
                trial=trial,
                name="協力店舗数",
                unit="店",
                baseline=Decimal(0),
                target=Decimal(20),
                actual=Decimal(14),
            ),
        ]
    )
    for body, answer, asked in [
        (
            "協力店舗の募集は市町村が行うのでしょうか。",
            "各市町村の商工担当から声掛けします。企業側でも募集できます。",
            3,
        ),
        ("試行に使える予算はありますか。", "予算はありません。会場と広報で協力します。", 5),
    ]:
        question = Question.objects.create(
            quest=quest,
            asked_by=_by_email(org_demo.MIRAI_DIGITAL_MEMBER_EMAIL),
            organisation=mirai,
            body=body,
            answer=answer,
            answered_by=leader,
            answered_at=_at(2020, 12, asked + 1, 15),
        )
        Question.objects.filter(pk=question.pk).update(asked_at=_at(2020, 12, asked, 10))
    return 1


def _yokoze_open_quest() -> int:
    yokoze = _municipality("113611")
    bandai = _municipality("074071")
    today = timezone.localdate()
    quest, new = _quest(
        yokoze,
        "観光客の回遊データを活用した町なかのにぎわいづくり",
        summary="芦ヶ久保や寺坂棚田を訪れる観光客を町なかの商店へ回遊させる仕組みを、企業と一緒に試します。",
        background=(
            "横瀬町は「よこらぼ」で企業からの提案を受け入れ、多くのプロジェクトを実証してきた。"
            "観光客は特定の観光地に集中し、町なかの商店まで足を運ぶ人は少ない。"
        ),
        affected="町内の商店、観光客、観光協会",
        tried="紙のマップの配布、スタンプラリー",
        outcome_sought="観光客の町なかでの滞在時間と消費額を増やし、その変化をデータで示すこと。",
        offers=[Quest.Offer.TEST_FIELD, Quest.Offer.DATA, Quest.Offer.PUBLICITY],
        offer_details="観光案内所の来訪者数データ、町の広報とSNSでの周知、実証フィールド",
        proposal_deadline=today + dt.timedelta(days=21),
        trial_starts_on=today + dt.timedelta(days=60),
        trial_ends_on=today + dt.timedelta(days=180),
        contact_name="浅見 恵",
        contact_department="横瀬町 まち経営課",
        contact_email="staff@yokoze.example.jp",
        state=Quest.State.OPEN,
        opened_at=timezone.now() - dt.timedelta(days=7),
        created_by=_by_email(org_demo.YOKOZE_STAFF_EMAIL),
    )
    if not new:
        return 0
    quest.themes.set(Theme.objects.filter(slug__in=["tourism", "dx"]))
    quest.sdg_targets.set(SdgTarget.objects.filter(code__in=["8.9", "17.17"]))
    QuestCoHost.objects.create(quest=quest, organisation=bandai)
    TeamMember.objects.create(
        quest=quest,
        user=_by_email(org_demo.YOKOZE_STAFF_EMAIL),
        organisation=yokoze,
        role=TeamMember.Role.LEADER,
    )
    TeamMember.objects.create(
        quest=quest, user=_by_email("staff@bandai.example.jp"), organisation=bandai
    )
    _history(
        quest,
        _by_email(org_demo.YOKOZE_STAFF_EMAIL),
        [("draft", "open", timezone.now() - dt.timedelta(days=7), "よこらぼ審査会で承認")],
    )
    return 1


def _bandai_completed_quest() -> int:
    bandai = _municipality("074071")
    quest, new = _quest(
        bandai,
        "窓口手続きのオンライン化と書かない窓口の試行",
        summary="住民票の写しなど頻度の高い手続きをオンライン化し、窓口では職員が聞き取って書類を作る「書かない窓口」を試行しました。",
        background="窓口の待ち時間が長く、同じ内容を何枚もの申請書に書く負担が住民にも職員にもあった。",
        affected="窓口を訪れる住民、窓口担当職員",
        tried="申請書の様式統一",
        outcome_sought="窓口での記入をなくし、オンライン申請の割合を高めること。",
        offers=[Quest.Offer.TEST_FIELD, Quest.Offer.DATA],
        proposal_deadline=dt.date(2022, 6, 30),
        trial_starts_on=dt.date(2022, 9, 1),
        trial_ends_on=dt.date(2022, 12, 28),
        contact_name="星 和也",
        contact_department="磐梯町 デジタル変革戦略室",
        contact_email="staff@bandai.example.jp",
        state=Quest.State.COMPLETED,
        opened_at=_at(2022, 6, 1),
        created_by=_by_email("staff@bandai.example.jp"),
    )
    if not new:
        return 0
    quest.themes.set(Theme.objects.filter(slug="dx"))
    quest.sdg_targets.set(SdgTarget.objects.filter(code__in=["16.6", "17.17"]))
    staff = _by_email("staff@bandai.example.jp")
    TeamMember.objects.create(
        quest=quest, user=staff, organisation=bandai, role=TeamMember.Role.LEADER
    )
    mirai = _company(org_demo.MIRAI_DIGITAL)
    adopted = _proposal(
        quest,
        mirai,
        _by_email(org_demo.MIRAI_DIGITAL_MEMBER_EMAIL),
        Proposal.State.ADOPTED,
        _at(2022, 6, 20),
        decided_by=staff,
        reason="小規模自治体でも運用できる費用感のため。",
        title="聞き取り型の申請書作成システム",
        summary="職員が聞き取った内容から必要な申請書をまとめて作成する。",
        approach="窓口用タブレットと申請書テンプレート",
        company_brings="システムと導入支援",
        needs_from_municipality="窓口での試行",
        expected_results="窓口での記入ゼロ",
        measurement="1件あたりの窓口滞在時間（分）",
        schedule="9〜12月",
        public_summary="聞き取り型の申請書作成で、窓口での記入をなくしました。",
        public_summary_agreed_at=_at(2023, 1, 10),
        public_summary_published_at=_at(2023, 1, 12),
    )
    trial = Trial.objects.create(
        quest=quest, proposal=adopted, starts_on=dt.date(2022, 9, 1), ends_on=dt.date(2022, 12, 28)
    )
    Kpi.objects.bulk_create(
        [
            Kpi(
                trial=trial,
                name="窓口滞在時間（1件あたり）",
                unit="分",
                baseline=Decimal(25),
                target=Decimal(15),
                actual=Decimal(12),
            ),
            Kpi(
                trial=trial,
                name="オンライン申請の割合",
                unit="%",
                baseline=Decimal(3),
                target=Decimal(20),
                actual=Decimal(18),
            ),
        ]
    )
    ResultsReport.objects.create(
        quest=quest,
        what_was_done="住民票の写し等5手続きで書かない窓口を4か月試行し、うち3手続きをオンライン化した。",
        outcomes="窓口滞在時間が25分から12分に短縮。オンライン申請の割合は18%。",
        lessons="様式の統一を先に行ったことが導入を早めた。高齢者には窓口での聞き取りが好評。",
        reuse_requirements="申請書様式の電子化、窓口用タブレット2台、職員向け研修半日。",
        published_at=_at(2023, 1, 12),
        published_by=staff,
    )
    _history(
        quest,
        staff,
        [
            ("draft", "open", _at(2022, 6, 1), ""),
            ("open", "selecting", _at(2022, 7, 1), ""),
            ("selecting", "in_trial", _at(2022, 8, 20), ""),
            ("in_trial", "completed", _at(2023, 1, 10), "試行完了。本格導入へ"),
        ],
    )
    return 1


def _koriyama_draft() -> int:
    koriyama = _municipality("072036")
    quest, new = _quest(
        koriyama,
        KORIYAMA_DRAFT_TITLE,
        summary="16市町村の子育て支援情報を一か所で探せるようにする仕組みを検討します（下書き）。",
        background="転入者が子育て支援制度を市町村ごとに探す必要があり、分かりにくい。",
        outcome_sought="圏域の子育て支援情報を一元的に発信する方法の実証",
        state=Quest.State.DRAFT,
        created_by=_by_email(org_demo.KORIYAMA_STAFF_EMAIL),
    )
    if not new:
        return 0
    quest.themes.set(Theme.objects.filter(slug="childcare"))
    TeamMember.objects.create(
        quest=quest,
        user=_by_email(org_demo.KORIYAMA_STAFF_EMAIL),
        organisation=koriyama,
        role=TeamMember.Role.LEADER,
    )
    return 1
