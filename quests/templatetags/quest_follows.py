"""The follow button on the pages of things one can follow (a municipality's page, a
network's page). Those pages belong to the organisations app, below quests in the layers,
so their templates load this tag and quests reads its own follows."""

from django import template

from .. import permissions
from ..selectors.follows import follow_of

register = template.Library()


@register.inclusion_tag("quests/follows/button.html", takes_context=True)
def follow_button(context, kind: str, target) -> dict:
    """`{% follow_button "municipality" organisation %}`: Follow (or Unfollow) `target`
    (a theme, SDG target, municipality or Region) of `kind` (a Follow.Kind value), shown
    only to those who may follow (`permissions.can_follow`); one query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not permissions.can_follow(user):
        return {"may_follow": False}
    return {
        "may_follow": True,
        "kind": kind,
        "target_id": target.pk,
        "name": str(target),
        "follow": follow_of(user, kind, target.pk),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def may_follow(context) -> bool:
    """`{% may_follow as show %}`: whether the signed-in person may follow (a link to the
    following page is shown to them); no query beyond their memberships."""
    request = context.get("request")
    return request is not None and permissions.can_follow(getattr(request, "user", None))
