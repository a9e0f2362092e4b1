"""A network's quests and published results, on the network's page (which belongs to the
organisations app, below quests in the layers: its template loads this tag)."""

from django import template

from ..selectors.quests import network_activity as activity

register = template.Library()


@register.inclusion_tag("quests/includes/network_activity.html")
def network_activity(region) -> dict:
    """`{% network_activity region %}`: the newest public quests hosted by the network's
    members, and the newest results they published (two queries)."""
    return activity(region)
