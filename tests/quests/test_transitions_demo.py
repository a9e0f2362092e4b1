"""The demo's records of what followed the trials: Koriyama's food-loss quest adopted as a
service in 2021年度 (its amount not public), Bandai's DX quest adopted in 2023年度 and
2024年度 with a history; the dashboards then show them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.quests import FOOD_LOSS_TITLE
from demo.transitions import BANDAI_DX_TITLE
from portal.selectors import dashboard
from quests.models import Quest, TrialTransition

pytestmark = pytest.mark.django_db


def test_demo_transitions_are_public_and_counted(client, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    food_loss = Quest.objects.get(title=FOOD_LOSS_TITLE)
    bandai = Quest.objects.get(title=BANDAI_DX_TITLE)
    assert list(food_loss.trial_transitions.values_list("fiscal_year", "outcome")) == [
        (2021, "adopted")
    ]
    assert list(bandai.trial_transitions.values_list("fiscal_year", flat=True)) == [2023, 2024]
    assert TrialTransition.objects.get(quest=bandai, fiscal_year=2023).revisions.count() == 2

    page = client.get(food_loss.get_absolute_url()).content.decode()
    assert "2021年度" in page and "本格導入" in page and "プロポーザル方式" in page
    assert "2,400,000" not in page
    results = client.get(reverse("quests:results", args=[bandai.pk])).content.decode()
    assert "1,650,000円" in results and "随意契約" in results

    years = dict(dashboard.with_years(dashboard.portal_scope()).years)
    assert years[2021]["adoptions"] == 1 and years[2023]["adoptions"] == 1
    assert years[2020]["trials_started"] == 1 and years[2020]["adoption_rate"] == 100
    koriyama = dashboard.municipality_scope(food_loss.host)
    assert dict(dashboard.with_years(koriyama).years)[2021]["adoptions"] == 1
    wide_area = client.get(reverse("dashboard:region", args=["koriyama-wide-area"]))
    assert wide_area.status_code == 200 and "郡山市" in wide_area.content.decode()
