"""Demo follows (issue 13): company members following the themes, municipalities and
networks of the demo quests, with their digest settings. Idempotent."""

from __future__ import annotations

from django.db import transaction

from cocreation.accounts.models import User
from cocreation.organisations.models import Organisation, Region
from demo import organisations as org_demo
from quests.models import DigestSubscription, Follow, SdgTarget, Theme

# (member, digest frequency, [(kind, key)]): themes by slug, SDG targets by code,
# municipalities by local-government code, networks by slug.
FOLLOWS = [
    (
        org_demo.FOODSHARE_MEMBER_EMAIL,
        DigestSubscription.Frequency.WEEKLY,
        [
            (Follow.Kind.THEME, "food-loss"),
            (Follow.Kind.SDG_TARGET, "12.3"),
            (Follow.Kind.MUNICIPALITY, "072036"),
            (Follow.Kind.REGION, org_demo.KORIYAMA_WIDE_AREA),
        ],
    ),
    (
        org_demo.MIRAI_DIGITAL_MEMBER_EMAIL,
        DigestSubscription.Frequency.DAILY,
        [
            (Follow.Kind.THEME, "dx"),
            (Follow.Kind.THEME, "tourism"),
            (Follow.Kind.REGION, org_demo.YOKOZE_BANDAI),
        ],
    ),
    (
        org_demo.ASAKANO_NOEN_MEMBER_EMAIL,
        DigestSubscription.Frequency.WEEKLY,
        [(Follow.Kind.THEME, "agriculture"), (Follow.Kind.THEME, "food-loss")],
    ),
]


def _target(kind: str, key: str):
    if kind == Follow.Kind.THEME:
        return Theme.objects.filter(slug=key).first()
    if kind == Follow.Kind.SDG_TARGET:
        return SdgTarget.objects.filter(code=key).first()
    if kind == Follow.Kind.MUNICIPALITY:
        return Organisation.objects.filter(local_government_code=key).first()
    return Region.objects.filter(slug=key).first()


def load_follows_demo() -> dict[str, int]:
    """Create the demo follows and digest settings if missing; returns how many follows
    were created."""
    created = 0
    with transaction.atomic():
        for email, frequency, follows in FOLLOWS:
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            DigestSubscription.objects.get_or_create(user=user, defaults={"frequency": frequency})
            for kind, key in follows:
                target = _target(kind, key)
                if target is None:
                    continue
                _follow, new = Follow.objects.get_or_create(
                    user=user, **{Follow.COLUMNS[kind]: target}
                )
                created += new
    return {"follows": created}
