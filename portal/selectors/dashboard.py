"""The public dashboard's figures: for the whole portal, each region or network and each
municipality, by fiscal year (April–March, named by the year it starts: 2025 is 2025年度).

Only public quests count (`quests.selectors.quests.PUBLIC_STATES`: never a draft or a
cancelled quest), and only counts, ratios and medians leave this module: no title, no
proposal text, no company, no amount. A quest counts for its lead host (not its
co-hosts), and for every region that host belongs to.

Each figure is one aggregate query per level (whole portal, regions, municipalities),
grouped by fiscal year in PostgreSQL, so the cost does not grow with the number of
quests, proposals or trials. A new kind of figure is one function decorated with
`@figure_source(...)` returning its grouped rows; pages, charts and open data pick it
up from `figures()`.

The anonymous pages are kept by the page cache (`@public_page(QUESTS, DIRECTORY)`): a
quest, trial or transition saved forgets them at once; a proposal submitted does not (it
forgets no public page, on purpose), so its count may lag by up to PAGE_CACHE_SECONDS.

The figures (see `figures()` for their labels):
- quests_posted: public quests opened for proposals (`opened_at`, in JST) in the year;
- proposals: proposals received (submitted, not withdrawn) for the quests posted in the
  year, so proposals_per_quest = proposals / quests_posted;
- trials_started: trials of public quests starting (`starts_on`) in the year;
- adoptions: quests first adopted as a service (本格導入) in the year (their earliest
  TrialTransition with outcome "adopted");
- trials_adopted: of the trials started in the year, those whose quest has since been
  adopted; adoption_rate = trials_adopted / trials_started (percent);
- median_days: median of the days from posting (`opened_at`, JST date) to the trial's
  start, over the trials started in the year;
- open_proposals, open_adopted: proposals sent to a proposal desk (no posted quest) in
  the year, and those of them the review board adopted; open_adoption_rate =
  open_adopted / open_proposals (percent). A desk's proposals count for its
  municipality and that municipality's regions, or for the network that opened it.
- results_reused: records of other municipalities reusing a quest's result (横展開,
  `ResultReuse`), by the fiscal year they were recorded in (`created_at`, JST), for the
  quest's host;
- reuse_adopted: of those, the ones whose status is now adopted or adapted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.dates import fiscal_year
from cocreation.core.page_cache import QUESTS, kept_value
from cocreation.core.search import keyword_search
from cocreation.organisations.models import Organisation, Region
from quests.models import OpenProposal, Proposal, Quest, ResultReuse, Trial, TrialTransition
from quests.selectors.quests import PUBLIC_STATES

PORTAL, REGION, MUNICIPALITY = "portal", "region", "municipality"
# The path from a quest to the key of each level's rows (None: one row per year).
LEVEL_KEYS = {PORTAL: None, REGION: "host__regions", MUNICIPALITY: "host_id"}

COUNT, RATIO, PERCENT, DAYS = "count", "ratio", "percent", "days"


class FiscalYear(Func):
    """The fiscal year (April–March) of a date expression, as an integer: the year of
    the date three months earlier (2026-03-31 → 2025, 2026-04-01 → 2026)."""

    template = "(EXTRACT(YEAR FROM (%(expressions)s - INTERVAL '3 months')))::integer"
    output_field = IntegerField()


class DaysBetween(Func):
    """`later - earlier` for two date expressions: whole days (PostgreSQL date minus
    date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class Median(Aggregate):
    """The median (PostgreSQL `percentile_cont(0.5)`); None over no rows."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Figure:
    """One column of the dashboard: `name` (the open data's key), `label` (the page's),
    `heading` (the open data's CSV column, fixed Japanese like the 自治体標準
    オープンデータセット's 項目名), `kind` (COUNT, RATIO, PERCENT, DAYS: how it is shown)
    and whether it gets a chart."""

    name: str
    label: str
    heading: str
    kind: str = COUNT
    chart: bool = False
    description: str = ""
    # A derived figure's place: after the figure of this name (None: at the end).
    after: str | None = None


@dataclass
class FigureSource:
    figures: tuple[Figure, ...]
    rows: Callable[[str, list[int] | None], Iterable[dict]]


SOURCES: list[FigureSource] = []


def figure_source(*figures: Figure):
    """Register a function `rows(level, only)` giving the grouped rows of `figures`:
    dicts with "key" (the level's key: a region's or municipality's id, None for the
    portal), "fy" (the fiscal year) and one value per figure's name; `only` limits the
    rows to those keys (None: every key)."""

    def register(function):
        SOURCES.append(FigureSource(figures=figures, rows=function))
        return function

    return register


def _grouped(queryset: QuerySet, quest: str, level: str, only, fy, **aggregates):
    """`queryset` restricted to public quests (`quest`: the path to the quest, "" for a
    Quest queryset) grouped by the level's key and the fiscal year `fy`: one query."""
    queryset = queryset.filter(**{f"{quest}state__in": PUBLIC_STATES})
    key_path = LEVEL_KEYS[level]
    group = {"fy": fy}
    if key_path is not None:
        key_path = quest + key_path
        queryset = queryset.filter(
            **({f"{key_path}__in": only} if only is not None else {f"{key_path}__isnull": False})
        )
        group["key"] = F(key_path)
    rows = queryset.values(**group).annotate(**aggregates).order_by()
    for row in rows:
        row.setdefault("key", None)
        if row["fy"] is not None:
            yield row


@figure_source(
    Figure(
        "quests_posted",
        _("Quests posted"),
        "掲載クエスト数",
        chart=True,
        description=_("Public quests opened for proposals in the fiscal year."),
    ),
)
def _quests_posted(level, only):
    return _grouped(
        Quest.objects.filter(opened_at__isnull=False),
        "",
        level,
        only,
        FiscalYear(TruncDate("opened_at")),
        quests_posted=Count("pk"),
    )


@figure_source(
    Figure(
        "proposals",
        _("Proposals received"),
        "提案数",
        description=_(
            "Proposals submitted (and not withdrawn) for the quests posted in the fiscal year."
        ),
    ),
)
def _proposals(level, only):
    return _grouped(
        Proposal.objects.filter(quest__opened_at__isnull=False).exclude(
            state__in=[Proposal.State.DRAFT, Proposal.State.WITHDRAWN]
        ),
        "quest__",
        level,
        only,
        FiscalYear(TruncDate("quest__opened_at")),
        proposals=Count("pk"),
    )


def _adopted(quest_ref: str) -> Exists:
    return Exists(
        TrialTransition.objects.filter(
            quest_id=OuterRef(quest_ref), outcome=TrialTransition.Outcome.ADOPTED
        )
    )


@figure_source(
    Figure(
        "trials_started",
        _("Trials started"),
        "試行開始数",
        chart=True,
        description=_("Trials of public quests starting in the fiscal year."),
    ),
    Figure(
        "trials_adopted",
        _("Of these, adopted since"),
        "うち本格導入数",
        description=_(
            "Trials started in the fiscal year whose quest has since been adopted as a service."
        ),
    ),
    Figure(
        "median_days",
        _("Median days from posting to trial"),
        "掲載から試行開始までの日数の中央値",
        kind=DAYS,
        chart=True,
        description=_(
            "Median of the days from the quest's posting to the start of its trial, over "
            "the trials started in the fiscal year."
        ),
    ),
)
def _trials(level, only):
    return _grouped(
        Trial.objects.filter(starts_on__isnull=False).annotate(adopted=_adopted("quest_id")),
        "quest__",
        level,
        only,
        FiscalYear(F("starts_on")),
        trials_started=Count("pk"),
        trials_adopted=Count("pk", filter=Q(adopted=True)),
        median_days=Median(
            DaysBetween(F("starts_on"), TruncDate("quest__opened_at")),
            filter=Q(quest__opened_at__isnull=False),
        ),
    )


@figure_source(
    Figure(
        "adoptions",
        _("Adoptions as a service (本格導入)"),
        "本格導入数",
        chart=True,
        description=_("Quests first adopted as a service in the fiscal year."),
    ),
)
def _adoptions(level, only):
    first_adoption = Subquery(
        TrialTransition.objects.filter(
            quest_id=OuterRef("pk"), outcome=TrialTransition.Outcome.ADOPTED
        )
        .order_by("fiscal_year")
        .values("fiscal_year")[:1],
        output_field=IntegerField(),
    )
    return _grouped(
        Quest.objects.annotate(first_adoption=first_adoption).filter(first_adoption__isnull=False),
        "",
        level,
        only,
        F("first_adoption"),
        adoptions=Count("pk"),
    )


# Open proposals to a desk (よこらぼ-style) count for the desk's municipality, each region
# of that municipality, or the network that opened the desk.
DESK_LEVEL_KEYS = {
    PORTAL: [None],
    REGION: ["desk__host__regions", "desk__region_id"],
    MUNICIPALITY: ["desk__host_id"],
}


@figure_source(
    Figure(
        "open_proposals",
        _("Open proposals received"),
        "窓口提案数",
        chart=True,
        description=_(
            "Proposals sent to a proposal desk without a posted quest (よこらぼ-style), "
            "by the fiscal year they were sent."
        ),
    ),
    Figure(
        "open_adopted",
        _("Of these, adopted"),
        "うち採択数",
        description=_("Open proposals sent in the fiscal year that the review board adopted."),
    ),
)
def _open_proposals(level, only):
    """Counts only: never a title, a proposer or a text (proposals are confidential)."""
    fy = FiscalYear(TruncDate("submitted_at"))
    for key_path in DESK_LEVEL_KEYS[level]:
        queryset = OpenProposal.objects.all()
        group = {"fy": fy}
        if key_path is not None:
            queryset = queryset.filter(
                **(
                    {f"{key_path}__in": only}
                    if only is not None
                    else {f"{key_path}__isnull": False}
                )
            )
            group["key"] = F(key_path)
        rows = (
            queryset.values(**group)
            .annotate(
                open_proposals=Count("pk"),
                open_adopted=Count("pk", filter=Q(state=OpenProposal.State.ADOPTED)),
            )
            .order_by()
        )
        for row in rows:
            row.setdefault("key", None)
            if row["fy"] is not None:
                yield row


@figure_source(
    Figure(
        "results_reused",
        _("Results reused (横展開)"),
        "横展開の記録数",
        description=_(
            "Records of other municipalities reusing a quest's result, by the fiscal year "
            "they were recorded in; counted for the quest's host."
        ),
    ),
    Figure(
        "reuse_adopted",
        _("Of these, adopted"),
        "うち導入数",
        description=_(
            "Of the reuses recorded in the fiscal year, those the reusing municipality has "
            "adopted, as it is or with changes."
        ),
    ),
)
def _reuses(level, only):
    return _grouped(
        ResultReuse.objects.all(),
        "quest__",
        level,
        only,
        FiscalYear(TruncDate("created_at")),
        results_reused=Count("pk"),
        reuse_adopted=Count("pk", filter=Q(status__in=ResultReuse.CARRIED_OUT)),
    )


# Figures computed from the others, after them in the table.
DERIVED = (
    Figure(
        "proposals_per_quest",
        _("Proposals per quest"),
        "クエスト当たり提案数",
        kind=RATIO,
        description=_("Proposals received divided by quests posted."),
        after="proposals",
    ),
    Figure(
        "open_adoption_rate",
        _("Open proposal adoption rate (%)"),
        "窓口提案採択率（％）",
        kind=PERCENT,
        description=_("Open proposals sent in the fiscal year and adopted, in percent."),
        after="open_adopted",
    ),
    Figure(
        "adoption_rate",
        _("Adoption rate (%)"),
        "本格導入率（％）",
        kind=PERCENT,
        chart=True,
        description=_("Trials started in the fiscal year and adopted since, in percent."),
        after="trials_adopted",
    ),
)


def _ratio(numerator, denominator, scale=1) -> Decimal | None:
    if not denominator:
        return None
    value = Decimal(numerator * scale) / Decimal(denominator)
    return value.quantize(Decimal("0.01") if scale == 1 else Decimal("0.1"), ROUND_HALF_UP)


def _derive(values: dict) -> None:
    values["proposals_per_quest"] = _ratio(values["proposals"], values["quests_posted"])
    values["adoption_rate"] = _ratio(values["trials_adopted"], values["trials_started"], 100)
    values["open_adoption_rate"] = _ratio(values["open_adopted"], values["open_proposals"], 100)
    if values["median_days"] is not None:
        values["median_days"] = Decimal(str(values["median_days"])).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def figures() -> list[Figure]:
    """Every figure in the order of the table and the open data: the sources' in the
    order they were registered, each derived one after the figure it names."""
    ordered = [figure for source in SOURCES for figure in source.figures]
    for figure in DERIVED:
        names = [f.name for f in ordered]
        place = names.index(figure.after) + 1 if figure.after in names else len(ordered)
        ordered.insert(place, figure)
    return ordered


def _empty() -> dict:
    values = {}
    for source in SOURCES:
        for figure in source.figures:
            values[figure.name] = None if figure.kind == DAYS else 0
    return values


def figures_by_key(level: str, only: list[int] | None = None) -> dict:
    """{key: {fiscal year: {figure name: value}}} for `level` (PORTAL: the key None),
    limited to the keys `only` (None: all). Counts are ints, proposals_per_quest a
    Decimal of 2 places, adoption_rate and median_days a Decimal of 1 place, or None
    where there is nothing to divide or take the median of.

    One query per source, over every public quest, so the result is kept like the
    public pages (`kept_value`: forgotten when a quest, trial or transition changes,
    PAGE_CACHE_SECONDS at most): at 10,000 quests the portal's figures take 400 ms to
    count, and every visitor, signed in or not, sees the same."""
    name = f"dashboard:{level}:{'all' if only is None else ','.join(map(str, only))}"
    return kept_value(name, (QUESTS,), lambda: _count_figures(level, only))


def _count_figures(level: str, only: list[int] | None) -> dict:
    result: dict = {}
    for source in SOURCES:
        for row in source.rows(level, only):
            values = result.setdefault(row["key"], {}).setdefault(row["fy"], _empty())
            for figure in source.figures:
                if figure.kind == COUNT:
                    # A source may give a key's year in two rows (a region's desks: its
                    # municipalities' and its own): counts add up.
                    values[figure.name] += row[figure.name]
                else:
                    values[figure.name] = row[figure.name]
    for years in result.values():
        for values in years.values():
            _derive(values)
    return result


def _years_filled(years: dict) -> list[tuple[int, dict]]:
    """The fiscal years from the first with data to the later of the last and the
    current one, a year without data shown with zeros."""
    if not years:
        return []
    last = max(max(years), fiscal_year(timezone.localdate()))
    rows = []
    for year in range(min(years), last + 1):
        values = years.get(year)
        if values is None:
            values = _empty()
            _derive(values)
        rows.append((year, values))
    return rows


@dataclass
class Scope:
    """The subject of one dashboard page: the whole portal, a region or a municipality.
    `code` is the 全国地方公共団体コード (blank for the portal and a region, which have
    none: a region is told by `slug`)."""

    level: str
    name: str
    key: int | None = None
    code: str = ""
    slug: str = ""
    obj: object = None
    years: list = field(default_factory=list)


def portal_scope() -> Scope:
    return Scope(PORTAL, str(_("The whole portal")))


def region_scope(region: Region) -> Scope:
    return Scope(REGION, region.name, key=region.pk, slug=region.slug, obj=region)


def municipality_scope(municipality: Organisation) -> Scope:
    return Scope(
        MUNICIPALITY,
        municipality.name,
        key=municipality.pk,
        code=municipality.local_government_code or "",
        obj=municipality,
    )


def with_years(scope: Scope) -> Scope:
    """`scope` with `years`: [(fiscal year, {figure: value})] in order (one query per
    source)."""
    only = None if scope.key is None else [scope.key]
    scope.years = _years_filled(figures_by_key(scope.level, only).get(scope.key, {}))
    return scope


def region_or_none(slug: str) -> Region | None:
    return Region.objects.filter(slug=slug).first()


def municipality_or_none(code: str) -> Organisation | None:
    """The municipality with the local-government `code` (6 digits), or None."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, local_government_code=code
    ).first()


def regions() -> list[Region]:
    """Every region and network, for the portal page's links."""
    return list(Region.objects.only("name", "slug").order_by("name"))


def hosting_municipalities(
    region: Region | None = None, *, text: str = "", prefecture: str = ""
) -> QuerySet[Organisation]:
    """Municipalities hosting at least one public quest, by local-government code: the
    links to their dashboards. Narrowed to `region`'s members, to those `text` names (a
    name, a reading or the beginning of a 地方公共団体コード, `keyword_search`) and to
    `prefecture` (one of `PREFECTURE_CHOICES`), each when given. A queryset for the page
    to paginate: at national size some 1,700 municipalities host a quest."""
    # EXISTS, one index probe per municipality in code order, so a page stops early; an
    # IN over the hosts read every public quest (25 ms at 10,000 quests).
    queryset = Organisation.objects.filter(
        Exists(Quest.objects.filter(host=OuterRef("pk"), state__in=PUBLIC_STATES)),
        kind=Organisation.Kind.MUNICIPALITY,
    )
    if region is not None:
        queryset = queryset.filter(regions=region)
    if prefecture:
        queryset = queryset.filter(prefecture=prefecture)
    if text.strip():
        queryset = keyword_search(queryset, text, rank=False)
    return queryset.only("name", "local_government_code").order_by("local_government_code")


# --- Open data ----------------------------------------------------------------------------

# The columns before the figures: (key, CSV heading). The code comes first, as in the
# 自治体標準オープンデータセット; the portal total and regions have no code and leave it
# blank, a region being told by its `region` id (its slug on the portal).
OPEN_DATA_LEAD = (
    ("code", "全国地方公共団体コード"),
    ("level", "集計単位"),
    ("region", "地域ID"),
    ("name", "名称"),
    ("fiscal_year", "年度"),
)


def open_data_keys() -> list[str]:
    return [key for key, _heading in OPEN_DATA_LEAD] + [f.name for f in figures()]


def open_data_header() -> list[str]:
    return [heading for _key, heading in OPEN_DATA_LEAD] + [f.heading for f in figures()]


def _json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def _scope_rows(scope: Scope, years) -> Iterable[dict]:
    names = [figure.name for figure in figures()]
    for year, values in years:
        row = {
            "code": scope.code,
            "level": scope.level,
            "region": scope.slug,
            "name": scope.name,
            "fiscal_year": year,
        }
        row.update({name: _json_value(values[name]) for name in names})
        yield row


def open_data_rows(scope: Scope) -> list[dict]:
    """The open data of a dashboard, one dict per (scope, fiscal year) keyed by
    `open_data_keys()`: the portal gives its total, every region and every municipality
    hosting a public quest; a region its total and its municipalities; a municipality its
    own. Years without any figure are left out of the sub-scopes. A fixed number of
    queries (one per source and level, and the names)."""
    rows = list(_scope_rows(scope, with_years(scope).years))
    if scope.level == PORTAL:
        region_figures = figures_by_key(REGION)
        for region in regions():
            rows += _scope_rows(
                region_scope(region), sorted(region_figures.get(region.pk, {}).items())
            )
    if scope.level in (PORTAL, REGION):
        municipalities = hosting_municipalities(scope.obj)
        only = None if scope.level == PORTAL else [m.pk for m in municipalities]
        municipality_figures = figures_by_key(MUNICIPALITY, only)
        for municipality in municipalities:
            rows += _scope_rows(
                municipality_scope(municipality),
                sorted(municipality_figures.get(municipality.pk, {}).items()),
            )
    return rows
