"""The demo quests follow the source document; admin pages work for every quest model."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from quests.models import Quest, SdgTarget, TeamMember, TrialMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)


def test_koriyama_food_loss_quest_as_in_the_press_release(demo):
    quest = Quest.objects.get(title="食品ロス削減に向けての新事業の検討及び試行")
    assert quest.host.name == "郡山市"
    team = list(TeamMember.objects.filter(quest=quest).select_related("organisation", "user"))
    assert sorted(m.organisation.name for m in team) == sorted(
        ["郡山市", "田村市", "本宮市", "鏡石町", "石川町", "小野町"]
    )
    leader = next(m for m in team if m.role == "leader")
    assert leader.user.display_name.replace(" ", "") == "高岡景"
    first = TrialMeeting.objects.filter(trial__quest=quest).order_by("held_on").first()
    assert str(first.held_on) == "2020-12-18"
    assert (first.starts_at.strftime("%H:%M"), first.ends_at.strftime("%H:%M")) == (
        "13:30",
        "15:00",
    )
    assert "ビッグアイ 6階" in first.place
    held = [str(m.held_on) for m in TrialMeeting.objects.filter(trial__quest=quest)]
    assert "2021-01-01" not in held  # year-end closure
    assert {"8.3", "17.17"} <= {t.code for t in quest.sdg_targets.all()}
    assert quest.proposals.count() == 3


def test_sdg_targets_are_seeded_with_the_source_wording():
    assert SdgTarget.objects.count() == 169
    assert "中小零細企業の設立や成長を奨励する" in SdgTarget.objects.get(code="8.3").text
    assert (
        "官民、市民社会のパートナーシップを奨励・推進する"
        in SdgTarget.objects.get(code="17.17").text
    )


def test_demo_is_idempotent_and_has_an_open_quest_today(demo):
    counts = Quest.objects.count()
    call_command("load_demo", verbosity=0)
    assert Quest.objects.count() == counts
    assert Quest.objects.filter(state="open").exists()
    assert Quest.objects.filter(state="completed", results__published_at__isnull=False).exists()


@pytest.mark.parametrize(
    "model",
    [
        "quest",
        "proposal",
        "review",
        "question",
        "trial",
        "resultsreport",
        "theme",
        "sdggoal",
        "sdgtarget",
    ],
)
def test_admin_pages(client, site_admin, demo, model):
    client.force_login(site_admin)
    changelist = reverse(f"admin:quests_{model}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist + "?q=食品").status_code == 200
    assert client.get(reverse(f"admin:quests_{model}_add")).status_code == 200
