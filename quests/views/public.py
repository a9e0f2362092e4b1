"""Open data: an Atom feed of newly opened quests and CSV/JSON exports of public quest data.
Anyone may use them; they carry no proposal data and never a draft."""

import json

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import output_multiline, output_single_line
from cocreation.exports import csv_response

from ..filters import QuestFilter
from ..models import Quest, QuestCoHost, ResultsReport

PUBLIC_STATES = [
    Quest.State.OPEN,
    Quest.State.SELECTING,
    Quest.State.IN_TRIAL,
    Quest.State.COMPLETED,
]

EXPORT_COLUMNS = [
    "id",
    "title",
    "summary",
    "host",
    "host_code",
    "co_hosts",
    "themes",
    "sdg_targets",
    "state",
    "proposal_deadline",
    "trial_starts_on",
    "trial_ends_on",
    "url",
    "opened_at",
    "results_published",
]


def public_quests():
    return (
        Quest.objects.filter(state__in=PUBLIC_STATES)
        .select_related("host")
        .prefetch_related(
            "themes",
            "sdg_targets",
            Prefetch("co_hosts", queryset=QuestCoHost.objects.select_related("organisation")),
            Prefetch(
                "results",
                queryset=ResultsReport.objects.only("id", "quest_id", "published_at"),
            ),
        )
    )


class NewQuestsFeed(Feed):
    """Anyone: the 50 most recently opened quests. Every stored text goes through
    `output_single_line` / `output_multiline`: no quest's text can make the feed a 500."""

    feed_type = Atom1Feed
    title = _("Co-creation portal: newly opened quests")
    subtitle = _("Issues municipalities have opened for proposals from companies.")

    def link(self):
        return reverse("quests:list")

    def items(self):
        return (
            Quest.objects.filter(state__in=PUBLIC_STATES, opened_at__isnull=False)
            .select_related("host")
            .prefetch_related("themes")
            .order_by("-opened_at", "-id")[:50]
        )

    def item_title(self, item):
        return output_single_line(item.title)

    def item_description(self, item):
        return output_multiline(item.summary)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"quest-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.opened_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return output_single_line(item.host.name)

    def item_categories(self, item):
        return [output_single_line(theme.display_name) for theme in item.themes.all()]


def _rows(request):
    # A condition the filter does not understand is left out, as on the list page.
    queryset = QuestFilter.understood(request.GET, queryset=public_quests()).qs.order_by("pk")
    for quest in queryset:
        results = getattr(quest, "results", None) if hasattr(quest, "results") else None
        yield {
            "id": quest.pk,
            "title": quest.title,
            "summary": quest.summary,
            "host": quest.host.name,
            "host_code": quest.host.local_government_code or "",
            "co_hosts": [c.organisation.name for c in quest.co_hosts.all()],
            "themes": [t.name for t in quest.themes.all()],
            "sdg_targets": [t.code for t in quest.sdg_targets.all()],
            "state": quest.state,
            "proposal_deadline": quest.proposal_deadline.isoformat()
            if quest.proposal_deadline
            else None,
            "trial_starts_on": quest.trial_starts_on.isoformat() if quest.trial_starts_on else None,
            "trial_ends_on": quest.trial_ends_on.isoformat() if quest.trial_ends_on else None,
            "url": request.build_absolute_uri(quest.get_absolute_url()),
            "opened_at": quest.opened_at.isoformat() if quest.opened_at else None,
            "results_published": bool(results and results.published_at),
        }


def export_csv(request):
    """Anyone: public quest data as CSV (UTF-8 with BOM, so Excel in Japan reads it)."""
    rows = []
    for row in _rows(request):
        for key in ("co_hosts", "themes", "sdg_targets"):
            row[key] = ";".join(row[key])
        row["results_published"] = "1" if row["results_published"] else "0"
        rows.append(["" if row[column] is None else row[column] for column in EXPORT_COLUMNS])
    return csv_response("quests.csv", EXPORT_COLUMNS, rows)


def export_json(request):
    """Anyone: public quest data as JSON."""
    payload = json.dumps(list(_rows(request)), ensure_ascii=False, indent=1)
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="quests.json"'
    return response
