"""Small builders for test data, named after the people of the source documents."""

import itertools

from cocreation.accounts.models import User
from cocreation.organisations.models import Membership, Organisation, OrganisationDomain, Region

_seq = itertools.count(1)

PASSWORD = "kyoso-portal-2020"


def make_region(name="こおりやま広域圏", slug="koriyama-wide-area") -> Region:
    region, _ = Region.objects.get_or_create(slug=slug, defaults={"name": name})
    return region


def make_municipality(
    name="郡山市", code="072036", domain="city.koriyama.lg.jp", regions=(), prefecture="福島県"
) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        local_government_code=code,
        defaults={"kind": "municipality", "name": name, "prefecture": prefecture},
    )
    if domain:
        OrganisationDomain.objects.get_or_create(organisation=organisation, domain=domain)
    for region in regions:
        organisation.regions.add(region)
    return organisation


def make_company(name="株式会社フードシェア福島") -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        kind="company", name=name, defaults={"prefecture": "福島県"}
    )
    return organisation


def make_user(email=None, *, family="郡山", given="太郎", **extra) -> User:
    n = next(_seq)
    email = email or f"user{n}@example.test"
    user = User.objects.create_user(
        email,
        PASSWORD,
        family_name=family,
        given_name=given,
        family_name_kana="コオリヤマ",
        given_name_kana="タロウ",
        **extra,
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_member(organisation, *, role="member", email=None, status="active", **user_extra):
    user = make_user(email, **user_extra)
    Membership.objects.create(user=user, organisation=organisation, role=role, status=status)
    return user
