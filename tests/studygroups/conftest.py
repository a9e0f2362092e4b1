"""A small 研究塾 cohort: 郡山市 and 田村市 take part, fields まち/ひと/しごと/DX, teams of 6."""

import datetime as dt

import pytest

from studygroups.models import Cohort, Field, Member, Programme, Team
from tests import factories


@pytest.fixture
def cohort(koriyama, tamura, coordinator_user):
    programme = Programme.objects.create(name="チャレンジ「新発想」研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme,
        fiscal_year=2020,
        title="研究塾 2020",
        theme="広域圏の課題",
        age_limit=35,
        recruitment_opens=dt.date(2020, 5, 1),
        recruitment_closes=dt.date(2020, 6, 15),
    )
    cohort.organisations.set([koriyama, tamura])
    cohort.coordinators.add(coordinator_user)
    for i, name in enumerate(["まち", "ひと", "しごと", "DX"]):
        field = Field.objects.create(cohort=cohort, name=name, position=i)
        Team.objects.create(cohort=cohort, number=i + 1, field=field)
    return cohort


def make_members(cohort, organisation, n, prefix="m"):
    members = []
    for i in range(n):
        user = factories.make_member(
            organisation,
            email=f"{prefix}{i}@{organisation.pk}.example.jp",
            family=f"職員{prefix}{i}",
        )
        members.append(
            Member.objects.create(
                cohort=cohort,
                user=user,
                organisation=organisation,
                status="accepted",
                birth_date=dt.date(1990, 1, 1),
            )
        )
    return members
