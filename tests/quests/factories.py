"""Quests named after the Koriyama food-loss quest of the source document."""

from datetime import timedelta

from django.utils import timezone

from quests.models import Proposal, Quest, ReviewCriterion, TeamMember, Theme
from quests.reference_data import DEFAULT_CRITERIA


def make_quest(
    host,
    *,
    state=Quest.State.OPEN,
    title="食品ロス削減に向けての新事業の検討及び試行",
    deadline_in_days=14,
    created_by=None,
    **extra,
) -> Quest:
    fields = {
        "summary": (
            "こおりやま広域圏の6市町村の職員と民間企業が、食品ロス削減の新事業を検討し試行する。"
        ),
        "background": "家庭と飲食店から出る食品ロスが圏域の課題になっている。",
        "affected": "飲食店、小売店、家庭",
        "tried": "フードドライブを年2回実施",
        "outcome_sought": "食品ロスを年間10トン削減する仕組み",
        "offers": [Quest.Offer.TEST_FIELD, Quest.Offer.VENUE],
        "contact_name": "高岡 景",
        "contact_department": "郡山市 政策開発部 政策開発課",
        "contact_email": "quest@city.koriyama.lg.jp",
    }
    fields.update(extra)
    quest = Quest.objects.create(
        host=host,
        title=title,
        state=state,
        proposal_deadline=timezone.localdate() + timedelta(days=deadline_in_days)
        if deadline_in_days is not None
        else None,
        created_by=created_by,
        opened_at=timezone.now() if state != Quest.State.DRAFT else None,
        **fields,
    )
    theme = Theme.objects.filter(slug="food-loss").first()
    if theme:
        quest.themes.add(theme)
    for position, (name, _en) in enumerate(DEFAULT_CRITERIA):
        ReviewCriterion.objects.create(quest=quest, name=name, position=position)
    return quest


def add_to_team(quest, user, organisation, role=TeamMember.Role.MEMBER) -> TeamMember:
    return TeamMember.objects.create(quest=quest, user=user, organisation=organisation, role=role)


def make_proposal(quest, company, user, *, state=Proposal.State.SUBMITTED, **extra) -> Proposal:
    fields = {
        "title": "売れ残り食品のマッチングアプリ実証",
        "summary": "飲食店の売れ残りを住民に割引販売するアプリを試行する。",
        "approach": "市内20店舗で3か月試行",
        "company_brings": "アプリと運用ノウハウ",
        "needs_from_municipality": "店舗への周知、広報紙への掲載",
        "expected_results": "食品ロス年間5トン削減",
        "measurement": "アプリ経由の販売重量(kg)",
        "schedule": "1月準備、2〜4月試行",
        "confidential": "価格表(社外秘)",
        "state": state,
        "submitted_at": timezone.now() if state != Proposal.State.DRAFT else None,
    }
    fields.update(extra)
    return Proposal.objects.create(quest=quest, company=company, submitted_by=user, **fields)


def quest_form_data(host, **changes) -> dict:
    """What the quest form sends for a small valid quest hosted by `host` (an
    organisation, sent as its id, or a typed reference such as "072036"), with
    `changes` on top."""
    data = {
        "title": "除雪車の位置情報の見える化",
        "summary": "除雪車がどこにいるかを住民に知らせる",
        "background": "問い合わせが多い",
        "outcome_sought": "問い合わせの半減",
        "host": host if isinstance(host, str) else str(host.pk),
        "proposal_deadline": "2030-01-31",
    }
    data.update(changes)
    return data
