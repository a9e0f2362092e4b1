"""Demo proposal desk: Yokoze's よこらぼ (seed 001), run by まち経営課 (the よこらぼ運営事務局
of the agreement, to which Bandai sends staff), with its three-party-benefit criteria,
monthly review board sessions and a dozen proposals in every state: one adopted into a
project whose trial is running, one carried over to the next session, one declined with
a reason.

Idempotent: the desk is found by name and host; everything else is made only when the
desk itself is new. Past decisions are recorded as rows (nobody is notified of them).
Proposal texts are illustrative; the organisations are the demo's own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cocreation.organisations.models import Organisation
from demo import organisations as org_demo
from demo.quests import TOKYO, _by_email, _company, _member, _municipality, _user
from quests.models import (
    AgendaItem,
    BoardScore,
    BoardSession,
    DeskCriterion,
    DeskDepartment,
    DeskEvent,
    DeskMember,
    DeskMessage,
    DeskRouting,
    Kpi,
    Milestone,
    OpenProposal,
    ProposalDesk,
    Theme,
)
from quests.services.desks import project_from_open_proposal

YOKORABO = "よこらぼ（横瀬町 官民連携プラットフォーム）"
BANDAI_STAFF_EMAIL = "staff@bandai.example.jp"

INTAKE = (
    "横瀬町を実証実験の場として使いたい企業・団体・個人からの提案を、テーマを問わず受け付けます。"
    "町が課題を示していない分野の提案も歓迎します。\n"
    "提案書には、取組の内容と進め方、町にとってのメリット、住民にとってのメリット、"
    "提案者にとってのメリット、町に求めることを書いてください。\n"
    "事務局（まち経営課）が内容を確認し、必要に応じて質問したうえで担当課の意見を聴き、"
    "毎月の審査会にかけます。"
)
RULES = (
    "審査会は原則として毎月1回開きます。\n"
    "審査委員は提案ごとに「町のメリット」「住民のメリット」「提案者のメリット」の3項目を"
    "1〜5点で評価し、三方よしとなる提案を採択します。\n"
    "結論は「採択」「不採択」「継続審議（次回以降の審査会に持ち越し）」のいずれかとし、"
    "理由を添えて提案者に通知します。\n"
    "審査会の概要（件数と採択案件）は公開します。提案書の非公開部分、評点、"
    "提案者への通知理由は公開しません。\n"
    "採択した提案は町との共創プロジェクトとして実証を始めます。"
    "町は原則として費用を負担せず、実証フィールドの提供、広報、関係者の調整を行います。"
)
CRITERIA = [
    ("町のメリット", "町の課題解決や町政の前進につながるか。町の負担は妥当か。", 1),
    ("住民のメリット", "住民の暮らしや地域の事業者にとって良いことがあるか。", 1),
    ("提案者のメリット", "提案者にとって事業として続ける見込みや学びがあるか。", 1),
]
# (email, family, given, family kana, given kana, department, position)
YOKOZE_PEOPLE = [
    ("y.kurosawa", "黒沢", "大樹", "クロサワ", "ダイキ", "振興課", "主査"),
    ("y.shinohara", "篠原", "美紀", "シノハラ", "ミキ", "健康づくり課", "主任"),
    ("y.sekine", "関根", "智也", "セキネ", "トモヤ", "教育委員会 教育委員会事務局", "主事"),
    ("y.tomita", "富田", "幸恵", "トミタ", "ユキエ", "総務課", "課長"),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


def _third_wednesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(2 - first.weekday()) % 7 + 14)


def _months_from(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 + months
    return _third_wednesday(index // 12, index % 12 + 1)


def load_desks_demo(*, with_passwords: bool) -> dict[str, int]:
    """Create Yokoze's よこらぼ desk if missing; returns how many desks were created."""
    with transaction.atomic():
        yokoze = _municipality("113611")
        if ProposalDesk.objects.filter(host=yokoze, name=YOKORABO).exists():
            return {"desks": 0}
        _yokorabo(yokoze, with_passwords=with_passwords)
    return {"desks": 1}


def _yokorabo(yokoze: Organisation, *, with_passwords: bool) -> None:
    people = {}
    for local, family, given, family_kana, given_kana, dept, position in YOKOZE_PEOPLE:
        user = _user(
            f"{local}@yokoze.example.jp",
            with_passwords=with_passwords,
            family_name=family,
            given_name=given,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            department=dept,
            position=position,
        )
        _member(user, yokoze, dept, position)
        people[local] = user
    office = _by_email(org_demo.YOKOZE_STAFF_EMAIL)
    bandai_staff = _by_email(BANDAI_STAFF_EMAIL)

    desk = ProposalDesk.objects.create(
        name=YOKORABO, host=yokoze, intake_text=INTAKE, board_rules=RULES
    )
    desk.themes.set(Theme.objects.filter(slug__in=["tourism", "dx", "health-welfare", "education"]))
    DeskMember.objects.bulk_create(
        [
            DeskMember(desk=desk, user=office, role=DeskMember.Role.STAFF),
            DeskMember(desk=desk, user=office, role=DeskMember.Role.REVIEWER),
            DeskMember(desk=desk, user=people["y.tomita"], role=DeskMember.Role.REVIEWER),
            # Bandai's staff work with まち経営課 under the agreement (seed 001).
            DeskMember(desk=desk, user=bandai_staff, role=DeskMember.Role.REVIEWER),
        ]
    )
    criteria = DeskCriterion.objects.bulk_create(
        DeskCriterion(desk=desk, name=name, description=text, weight=weight, position=i)
        for i, (name, text, weight) in enumerate(CRITERIA)
    )
    departments = {}
    for key, name, members in [
        ("town", "まち経営課", [office]),
        ("promotion", "振興課", [people["y.kurosawa"]]),
        ("health", "健康づくり課", [people["y.shinohara"]]),
        ("education", "教育委員会事務局", [people["y.sekine"]]),
    ]:
        department = DeskDepartment.objects.create(desk=desk, organisation=yokoze, name=name)
        department.members.set(members)
        departments[key] = department

    today = timezone.localdate()
    sessions = []
    for months in (-3, -2, -1, 1):
        held_on = _months_from(today, months)
        sessions.append(
            BoardSession.objects.create(
                desk=desk,
                held_on=held_on,
                place="横瀬町役場 第1会議室",
                created_by=office,
                minutes=""
                if months > 0
                else "よこらぼ審査会を開催し、事務局から提案の概要と担当課の意見を説明した。"
                "審査委員が三方よしの観点から評価し、結論を次のとおりとした。",
                published_at=None if months > 0 else _at(held_on, 17),
            )
        )
    s_3, s_2, s_1, s_next = sessions

    foodshare = _company(org_demo.FOODSHARE)
    mirai = _company(org_demo.MIRAI_DIGITAL)
    asakano = _company(org_demo.ASAKANO_NOEN)
    kyoso = Organisation.objects.get(name=org_demo.KYOSO_LAB)
    bandai = _municipality("074071")
    authors = {
        foodshare.pk: _by_email(org_demo.FOODSHARE_MEMBER_EMAIL),
        mirai.pk: _by_email(org_demo.MIRAI_DIGITAL_MEMBER_EMAIL),
        asakano.pk: _by_email(org_demo.ASAKANO_NOEN_MEMBER_EMAIL),
        kyoso.pk: _by_email(org_demo.INTERMEDIARY_MEMBER_EMAIL),
        bandai.pk: bandai_staff,
    }

    def propose(organisation, submitted: dt.date, state: str, title: str, **text) -> OpenProposal:
        proposal = OpenProposal.objects.create(
            desk=desk,
            organisation=organisation,
            submitted_by=authors[organisation.pk],
            title=title,
            state=state,
            **text,
        )
        OpenProposal.objects.filter(pk=proposal.pk).update(
            submitted_at=_at(submitted), updated_at=_at(submitted)
        )
        proposal.submitted_at = _at(submitted)
        event = DeskEvent.objects.create(
            proposal=proposal,
            to_state=OpenProposal.State.SUBMITTED,
            actor=authors[organisation.pk],
        )
        DeskEvent.objects.filter(pk=event.pk).update(created_at=_at(submitted))
        return proposal

    def history(proposal, moves) -> None:
        for from_state, to_state, when, comment in moves:
            event = DeskEvent.objects.create(
                proposal=proposal,
                from_state=from_state,
                to_state=to_state,
                actor=office,
                comment=comment,
            )
            DeskEvent.objects.filter(pk=event.pk).update(created_at=_at(when, 15))

    def route(proposal, key, when, view="") -> None:
        routing = DeskRouting.objects.create(
            proposal=proposal,
            department=departments[key],
            routed_by=office,
            view=view,
            answered_by=departments[key].members.first() if view else None,
            answered_at=_at(when + dt.timedelta(days=5), 16) if view else None,
        )
        DeskRouting.objects.filter(pk=routing.pk).update(routed_at=_at(when, 11))

    def on_agenda(session, proposal, position, decision="", reason="", scores=()) -> AgendaItem:
        item = AgendaItem.objects.create(
            session=session,
            proposal=proposal,
            position=position,
            decision=decision,
            reason=reason,
            decided_by=office if decision else None,
            decided_at=_at(session.held_on, 16) if decision else None,
        )
        reviewers = [office, people["y.tomita"], bandai_staff]
        BoardScore.objects.bulk_create(
            BoardScore(item=item, reviewer=reviewer, criterion=criterion, score=score)
            for reviewer, row in zip(reviewers, scores, strict=False)
            for criterion, score in zip(criteria, row, strict=True)
            if not (reviewer == bandai_staff and proposal.organisation_id == bandai.pk)
        )
        return item

    base = dict(
        needs_from_municipality="実証フィールドの提供と町の広報での周知",
        schedule="採択後3か月で準備、6か月間実証",
    )

    # Adopted two sessions ago; its project's trial is running.
    adopted = propose(
        mirai,
        s_2.held_on - dt.timedelta(days=40),
        OpenProposal.State.TO_BOARD,
        "オンデマンド乗合交通による高齢者の買い物・通院支援",
        summary="電話とアプリで予約できる乗合ワゴンを町内で走らせ、高齢者の買い物と通院の足を確保する。",
        approach="町内の既存タクシー事業者と組み、予約システムを無償で提供する。平日9〜16時に運行。",
        benefit_town="公共交通の空白地域を低い費用で解消でき、運行データを交通計画に使える。",
        benefit_residents="免許を返納した高齢者が、家族に頼らず買い物や通院に出かけられる。",
        benefit_proposer="小規模自治体での運行モデルと、需要データによる事業性の検証ができる。",
        confidential="システム利用料の想定：実証後は月額15万円（町内人口規模の場合）。",
        **base,
    )
    route(
        adopted,
        "promotion",
        s_2.held_on - dt.timedelta(days=30),
        "振興課としては、町内タクシー事業者との調整に協力できる。",
    )
    route(
        adopted,
        "health",
        s_2.held_on - dt.timedelta(days=30),
        "通院支援として、健康づくり課の高齢者訪問で周知できる。",
    )
    history(adopted, [("submitted", "to_board", s_2.held_on - dt.timedelta(days=20), "")])
    item = on_agenda(
        s_2,
        adopted,
        1,
        AgendaItem.Decision.ADOPTED,
        "町の交通空白の解消と住民の移動支援、提案者の事業検証の三方にメリットがあるため。",
        scores=[(5, 5, 4), (4, 5, 4), (5, 4, 4)],
    )
    adopted.project = project_from_open_proposal(item, adopted, office)
    adopted.state = OpenProposal.State.ADOPTED
    adopted.decision_reason = item.reason
    adopted.decided_at = item.decided_at
    adopted.save(update_fields=["project", "state", "decision_reason", "decided_at"])
    history(adopted, [("to_board", "adopted", s_2.held_on, item.reason)])
    trial = adopted.project.trial
    trial.starts_on = s_2.held_on + dt.timedelta(days=30)
    trial.ends_on = s_2.held_on + dt.timedelta(days=210)
    trial.plan = "町内2地区で平日の乗合運行を6か月実証し、利用者数と満足度を測る。"
    trial.save(update_fields=["starts_on", "ends_on", "plan"])
    Kpi.objects.bulk_create(
        [
            Kpi(
                trial=trial,
                name="利用登録者数",
                unit="人",
                baseline=Decimal(0),
                target=Decimal(200),
                actual=Decimal(86),
            ),
            Kpi(
                trial=trial,
                name="月間乗車回数",
                unit="回",
                baseline=Decimal(0),
                target=Decimal(600),
                actual=Decimal(240),
            ),
        ]
    )
    Milestone.objects.create(
        trial=trial, title="運行開始", due_on=trial.starts_on, done_on=trial.starts_on
    )
    Milestone.objects.create(
        trial=trial, title="中間報告（審査会）", due_on=trial.starts_on + dt.timedelta(days=90)
    )

    # Not adopted two and three sessions ago.
    not_adopted = propose(
        kyoso,
        s_2.held_on - dt.timedelta(days=35),
        OpenProposal.State.NOT_ADOPTED,
        "町内全域のデジタルサイネージ網の整備",
        summary="町内20か所にデジタルサイネージを設置し、行政情報と広告を配信する。",
        approach="設置費用は町が負担し、広告収入で運営費を賄う。",
        benefit_town="行政情報の発信手段が増える。",
        benefit_residents="町の情報を外出先で見られる。",
        benefit_proposer="広告事業の収益。",
        **base,
    )
    route(
        not_adopted, "town", s_2.held_on - dt.timedelta(days=25), "設置費用の町負担は予算上難しい。"
    )
    reason_na = (
        "町の費用負担が大きく、住民にとってのメリットが既存の広報手段と比べて明確でないため。"
    )
    history(not_adopted, [("submitted", "to_board", s_2.held_on - dt.timedelta(days=20), "")])
    on_agenda(
        s_2,
        not_adopted,
        2,
        AgendaItem.Decision.NOT_ADOPTED,
        reason_na,
        scores=[(2, 2, 4), (1, 2, 4), (2, 3, 3)],
    )
    OpenProposal.objects.filter(pk=not_adopted.pk).update(
        decision_reason=reason_na, decided_at=_at(s_2.held_on, 16)
    )
    history(not_adopted, [("to_board", "not_adopted", s_2.held_on, reason_na)])

    old = propose(
        foodshare,
        s_3.held_on - dt.timedelta(days=30),
        OpenProposal.State.NOT_ADOPTED,
        "観光客向け食品ロス削減スタンプラリー",
        summary="町内の飲食店で売れ残りを割引販売し、購入ごとにスタンプを付与する。",
        approach="既存の食品ロス削減アプリを横瀬町版として提供する。",
        benefit_town="食品ロスの削減と観光消費の増加。",
        benefit_residents="町内飲食店の売上増。",
        benefit_proposer="観光地での利用データの取得。",
        **base,
    )
    reason_old = "町内の参加見込み店舗が少なく、実証の規模が確保できないため。"
    history(old, [("submitted", "to_board", s_3.held_on - dt.timedelta(days=15), "")])
    on_agenda(
        s_3, old, 1, AgendaItem.Decision.NOT_ADOPTED, reason_old, scores=[(3, 2, 3), (2, 2, 3)]
    )
    OpenProposal.objects.filter(pk=old.pk).update(
        decision_reason=reason_old, decided_at=_at(s_3.held_on, 16)
    )
    history(old, [("to_board", "not_adopted", s_3.held_on, reason_old)])

    # Carried over last month; on the next session's agenda.
    carried = propose(
        asakano,
        s_1.held_on - dt.timedelta(days=30),
        OpenProposal.State.CARRIED_OVER,
        "遊休農地でのワイン用ぶどう栽培と体験ツアー",
        summary="寺坂棚田周辺の遊休農地でワイン用ぶどうを栽培し、収穫体験ツアーを企画する。",
        approach="地元農家と栽培を試行し、2年目から体験ツアーを販売する。",
        benefit_town="遊休農地の活用と関係人口の増加。",
        benefit_residents="農地の維持と新たな収入機会。",
        benefit_proposer="首都圏近郊の産地づくりの実証。",
        confidential="初期投資の見込み：苗木と棚の設置で約800万円。",
        **base,
    )
    route(
        carried,
        "promotion",
        s_1.held_on - dt.timedelta(days=20),
        "農地の貸借について農業委員会との調整が必要。",
    )
    reason_carried = (
        "農地の貸借の見通しを振興課と確認したうえで、次回の審査会で改めて審議するため。"
    )
    history(carried, [("submitted", "to_board", s_1.held_on - dt.timedelta(days=15), "")])
    on_agenda(
        s_1,
        carried,
        1,
        AgendaItem.Decision.CARRIED_OVER,
        reason_carried,
        scores=[(4, 3, 4), (3, 4, 4), (4, 3, 3)],
    )
    history(carried, [("to_board", "carried_over", s_1.held_on, reason_carried)])
    on_agenda(s_next, carried, 1)

    # Declined at triage, with the reason sent to the proposer.
    declined = propose(
        mirai,
        s_1.held_on - dt.timedelta(days=20),
        OpenProposal.State.DECLINED,
        "町内全戸への有料見守り端末の一括導入",
        summary="全世帯に見守り端末を配布し、月額利用料を町が負担する。",
        approach="端末の設置と運用を当社が受託する。",
        benefit_town="見守り体制の強化。",
        benefit_residents="高齢者の安否確認。",
        benefit_proposer="受託収入。",
        **base,
    )
    reason_declined = (
        "よこらぼは実証実験の提案を受け付ける仕組みで、町の費用負担を前提とした物品の導入は"
        "対象外です。調達の際は入札等の手続きをご確認ください。"
    )
    OpenProposal.objects.filter(pk=declined.pk).update(
        decision_reason=reason_declined, decided_at=_at(s_1.held_on - dt.timedelta(days=12))
    )
    history(
        declined, [("submitted", "declined", s_1.held_on - dt.timedelta(days=12), reason_declined)]
    )

    other_declined = propose(
        kyoso,
        s_3.held_on - dt.timedelta(days=25),
        OpenProposal.State.DECLINED,
        "官民連携セミナーの町主催での開催",
        summary="町の主催で官民連携セミナーを年4回開く。",
        approach="講師派遣と運営を当団体が担う。",
        benefit_town="職員の学び。",
        benefit_residents="特になし。",
        benefit_proposer="セミナー事業の実績。",
        **base,
    )
    reason_other = "住民にとってのメリットが示されていないため、受付の対象外としました。"
    OpenProposal.objects.filter(pk=other_declined.pk).update(
        decision_reason=reason_other, decided_at=_at(s_3.held_on - dt.timedelta(days=18))
    )
    history(
        other_declined,
        [("submitted", "declined", s_3.held_on - dt.timedelta(days=18), reason_other)],
    )

    # Waiting for the board: one on the next agenda, one with a department's view, one not yet routed.
    next_up = propose(
        foodshare,
        today - dt.timedelta(days=20),
        OpenProposal.State.TO_BOARD,
        "学校給食の食べ残しの見える化と食育授業",
        summary="給食の食べ残しを計量して見える化し、小中学校で食育授業を行う。",
        approach="計量器を2校に設置し、3か月間データを取る。",
        benefit_town="食品ロス削減と食育の推進。",
        benefit_residents="子どもたちの学びと家庭での食品ロス意識の向上。",
        benefit_proposer="学校での計量データと授業プログラムの検証。",
        confidential="計量器は1台あたり原価12万円、実証中は無償貸与。",
        **base,
    )
    route(
        next_up,
        "education",
        today - dt.timedelta(days=15),
        "2校での実施は可能。授業時間の調整は学校と行う。",
    )
    history(next_up, [("submitted", "to_board", today - dt.timedelta(days=10), "")])
    on_agenda(s_next, next_up, 2)

    routed = propose(
        mirai,
        today - dt.timedelta(days=14),
        OpenProposal.State.TO_BOARD,
        "町民ポイントと健康診断の受診勧奨",
        summary="健康診断の受診や運動にポイントを付け、町内の商店で使えるようにする。",
        approach="既存のポイントアプリに健康メニューを追加する。",
        benefit_town="健診受診率の向上。",
        benefit_residents="健康づくりと買い物の両方に得がある。",
        benefit_proposer="地域ポイントと健康データの連携モデルの実証。",
        **base,
    )
    route(routed, "health", today - dt.timedelta(days=10))
    history(routed, [("submitted", "to_board", today - dt.timedelta(days=8), "")])

    propose(
        kyoso,
        today - dt.timedelta(days=12),
        OpenProposal.State.TO_BOARD,
        "空き店舗を使った週末のチャレンジショップ",
        summary="町なかの空き店舗を週末だけ貸し出し、出店希望者が試しに営業できるようにする。",
        approach="当団体が店舗の所有者と出店者をつなぎ、運営を支援する。",
        benefit_town="町なかのにぎわいと空き店舗の解消。",
        benefit_residents="町内で買い物や飲食ができる場所が増える。",
        benefit_proposer="中間支援のモデル事業の実績。",
        **base,
    )

    # Asked for more information, with the question in the private thread.
    needs_info = propose(
        foodshare,
        today - dt.timedelta(days=9),
        OpenProposal.State.NEEDS_INFO,
        "道の駅での規格外野菜の販売実証",
        summary="道の駅果樹公園あしがくぼで規格外野菜を割安に販売する。",
        approach="町内農家から規格外品を集め、週末に販売する。",
        benefit_town="農家の所得向上。",
        benefit_residents="新鮮な野菜を安く買える。",
        benefit_proposer="販売データの取得。",
        **base,
    )
    question = "道の駅の運営者とはすでに話をされていますか。販売場所と時間の想定を教えてください。"
    message = DeskMessage.objects.create(proposal=needs_info, author=office, body=question)
    DeskMessage.objects.filter(pk=message.pk).update(
        created_at=_at(today - dt.timedelta(days=6), 14)
    )
    history(needs_info, [("submitted", "needs_info", today - dt.timedelta(days=6), question)])

    # New, waiting for triage: one from Bandai (a municipality proposing to another).
    propose(
        bandai,
        today - dt.timedelta(days=3),
        OpenProposal.State.SUBMITTED,
        "書かない窓口の横瀬町での試行",
        summary="磐梯町で効果のあった聞き取り型の申請書作成を、横瀬町の窓口でも試す。",
        approach="磐梯町の職員がオンラインで導入を支援し、窓口用タブレットを1台貸し出す。",
        benefit_town="窓口の待ち時間の短縮。",
        benefit_residents="申請書を書かずに手続きができる。",
        benefit_proposer="磐梯町のノウハウの広域展開の検証（協定の人材交流）。",
        **base,
    )
    propose(
        asakano,
        today - dt.timedelta(days=1),
        OpenProposal.State.SUBMITTED,
        "町内産の果物を使ったふるさと納税返礼品の開発",
        summary="町内の果樹園と加工品を共同開発し、ふるさと納税の返礼品にする。",
        approach="試作品を3種類作り、町のイベントで試食アンケートを取る。",
        benefit_town="ふるさと納税の寄附額の増加。",
        benefit_residents="果樹園の販路拡大。",
        benefit_proposer="加工品の商品開発の機会。",
        **base,
    )
