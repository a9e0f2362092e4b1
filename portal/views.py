"""Pages that gather from several apps: the home page and the public dashboard."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cocreation import permissions
from cocreation.core.dates import fiscal_year_label
from cocreation.core.exports import csv_response, json_response
from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page
from cocreation.core.pages import LIST_COUNT_CAP, paginate
from cocreation.notifications.selectors import notifications_for
from cocreation.organisations.selectors import memberships_of
from quests.selectors.quests import quests_accepting_proposals
from spaces.selectors.bookings import my_bookings
from studygroups.selectors.sessions import upcoming_sessions_for

from .charts import bar_chart
from .forms import MunicipalityFinderForm
from .selectors import dashboard as figures

# Links to municipalities' dashboards per page: about 1,700 municipalities host a public
# quest at national size, too many links for one page (bench/README.md, issue 12).
MUNICIPALITIES_PAGE_SIZE = 50


@public_page(QUESTS, DIRECTORY)
@require_GET
def home(request):
    """Everyone: what the portal is; signed-in users also see their organisations and news."""
    context = {"open_quests": quests_accepting_proposals(limit=5)}
    if request.user.is_authenticated:
        context["memberships"] = memberships_of(request.user)
        context["recent_notifications"] = notifications_for(request.user)[:5]
        context["has_organisation"] = permissions.has_organisation(request.user)
        context["next_bookings"] = list(my_bookings(request.user, upcoming=True)[:3])
        context["next_sessions"] = upcoming_sessions_for(request.user, limit=3)
    return render(request, "home.html", context)


# --- The public dashboard -----------------------------------------------------------------


def _shown(figure, value) -> str:
    """A figure's value as the table and the chart write it ("—" for none)."""
    if value is None:
        return "—"
    if figure.kind == figures.PERCENT:
        return f"{value}%"
    if figure.kind == figures.DAYS:
        return _("%(days)s days") % {"days": value}
    if figure.kind == figures.RATIO:
        return f"{value}"
    return f"{value:,}"


def _charts(scope) -> list:
    labels = [fiscal_year_label(year) for year, _values in scope.years]
    charts = []
    for index, figure in enumerate(f for f in figures.figures() if f.chart):
        values = [values[figure.name] for _year, values in scope.years]
        shown = [_shown(figure, value) for value in values]
        described = "、".join(f"{label}: {text}" for label, text in zip(labels, shown, strict=True))
        charts.append(
            {
                "figure": figure,
                "svg": bar_chart(
                    chart_id=f"chart-{index}",
                    title=_("%(figure)s by fiscal year, %(scope)s")
                    % {"figure": figure.label, "scope": scope.name},
                    description=described,
                    labels=labels,
                    values=[None if v is None else float(v) for v in values],
                    shown=shown,
                ),
            }
        )
    return charts


def _municipality_finder(request, region=None) -> dict:
    """The context of a dashboard's "municipalities hosting quests" section: the search
    form (kept as typed, errors beside its fields) and one page of the municipalities it
    finds. A refused field is left out of the search, never a 500."""
    form = MunicipalityFinderForm(request.GET or None)
    found = form.cleaned_data if form.is_bound and form.is_valid() else {}
    listing = paginate(
        request,
        figures.hosting_municipalities(
            region, text=found.get("q", ""), prefecture=found.get("prefecture", "")
        ),
        per_page=MUNICIPALITIES_PAGE_SIZE,
        count_cap=LIST_COUNT_CAP,
    )
    return {
        "finder": form,
        # Anything typed, even refused, can be cleared with one link.
        "finding": bool(request.GET.get("q") or request.GET.get("prefecture")),
        "municipalities": listing.page,
        "finder_query": listing.query,
    }


def _render_dashboard(request, scope, *, csv_url: str, json_url: str, finder=None, parent=None):
    figures.with_years(scope)
    columns = figures.figures()
    table = [
        (fiscal_year_label(year), [_shown(f, values[f.name]) for f in columns])
        for year, values in scope.years
    ]
    context = {
        "scope": scope,
        "columns": columns,
        "table": table,
        "charts": _charts(scope) if scope.years else [],
        "csv_url": csv_url,
        "json_url": json_url,
        **(finder or {}),
        "parent": parent,
        "regions": figures.regions() if scope.level == figures.PORTAL else [],
        "open_data_columns": list(
            zip(figures.open_data_keys(), figures.open_data_header(), strict=True)
        ),
    }
    return render(request, "dashboard/dashboard.html", context)


def _open_data(scope, name: str, kind: str):
    rows = figures.open_data_rows(scope)
    if kind == "json":
        return json_response(f"{name}.json", rows)
    keys = figures.open_data_keys()
    return csv_response(
        f"{name}.csv", figures.open_data_header(), ([row[k] for k in keys] for row in rows)
    )


@public_page(QUESTS, DIRECTORY)
@require_GET
def dashboard(request):
    """Anyone: the whole portal's figures by fiscal year, with links to every region's
    dashboard and a search for the dashboards of municipalities hosting quests (50 a
    page). Public quests only; counts only."""
    return _render_dashboard(
        request,
        figures.portal_scope(),
        csv_url=reverse("dashboard:portal_csv"),
        json_url=reverse("dashboard:portal_json"),
        finder=_municipality_finder(request),
    )


@require_GET
def dashboard_data(request, kind: str):
    """Anyone: the portal's open data (its total, every region, every municipality hosting
    a public quest, by fiscal year) as CSV or JSON, streamed."""
    return _open_data(figures.portal_scope(), "dashboard", kind)


def _region_or_404(slug: str):
    region = figures.region_or_none(slug)
    if region is None:
        raise Http404
    return region


@public_page(QUESTS, DIRECTORY)
@require_GET
def region_dashboard(request, slug: str):
    """Anyone: a region's or network's figures by fiscal year (quests hosted by its
    municipalities), with a search for its municipalities' dashboards (50 a page)."""
    region = _region_or_404(slug)
    return _render_dashboard(
        request,
        figures.region_scope(region),
        csv_url=reverse("dashboard:region_csv", args=[slug]),
        json_url=reverse("dashboard:region_json", args=[slug]),
        finder=_municipality_finder(request, region),
        parent=(reverse("dashboard:portal"), _("The whole portal")),
    )


@require_GET
def region_dashboard_data(request, slug: str, kind: str):
    """Anyone: a region's open data (its total and its municipalities) as CSV or JSON."""
    region = _region_or_404(slug)
    return _open_data(figures.region_scope(region), f"dashboard-{region.slug}", kind)


def _municipality_or_404(code: str):
    municipality = figures.municipality_or_none(code)
    if municipality is None:
        raise Http404
    return municipality


@public_page(QUESTS, DIRECTORY)
@require_GET
def municipality_dashboard(request, code: str):
    """Anyone: a municipality's figures by fiscal year (the quests it hosts)."""
    municipality = _municipality_or_404(code)
    return _render_dashboard(
        request,
        figures.municipality_scope(municipality),
        csv_url=reverse("dashboard:municipality_csv", args=[code]),
        json_url=reverse("dashboard:municipality_json", args=[code]),
        parent=(reverse("dashboard:portal"), _("The whole portal")),
    )


@require_GET
def municipality_dashboard_data(request, code: str, kind: str):
    """Anyone: a municipality's open data as CSV or JSON."""
    municipality = _municipality_or_404(code)
    return _open_data(figures.municipality_scope(municipality), f"dashboard-{code}", kind)
