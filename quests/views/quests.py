"""Quest pages: the list, a quest's overview, creating and editing, state, team, criteria,
reuse, and the open data (an Atom feed of newly opened quests, CSV and JSON exports of
public quest data, which carry no proposal data and never a draft)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cocreation import permissions as roles
from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.exports import EXPORT_CHUNK_ROWS, csv_response, json_response
from cocreation.core.inputs import output_multiline, output_single_line
from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page
from cocreation.core.pages import LIST_COUNT_CAP, paginate
from cocreation.core.text import keywords_left_out, search_keywords

from .. import permissions
from ..filters import RELEVANCE, QuestFilter
from ..forms.quests import (
    CriterionFormSet,
    QuestForm,
    ReuseForm,
    TeamJoinForm,
    TeamMemberForm,
    TransitionForm,
)
from ..models import Quest, TeamMember
from ..selectors import quests as selectors
from ..selectors import selection as selection_selectors
from ..services import quests as services


@public_page(QUESTS, DIRECTORY)
def quest_list(request):
    """Anyone, signed in or not: quests that are no longer drafts; drafts to their editors.
    Search conditions that are not understood are left out, and the page says so."""
    data = request.GET.copy()
    # The order the list shows when none is chosen, so the form says what the list does:
    # a search shows the best matches first, the list the newest.
    data.setdefault("sort", RELEVANCE if search_keywords(data.get("q")) else "-created")
    filterset = QuestFilter.understood(
        data, queryset=selectors.quests_for_list(request.user), request=request
    )
    listing = paginate(request, filterset.qs, per_page=20, count_cap=LIST_COUNT_CAP)
    if left_out := keywords_left_out(request.GET.get("q")):
        messages.warning(request, left_out)
    ignored = list(filterset.ignored)
    if not listing.understood:
        ignored.append(str(_("Page")))
    if ignored:
        messages.warning(
            request,
            _("Some search conditions were not understood and were left out: %(fields)s.")
            % {"fields": "、".join(ignored)},
        )
    return render(
        request,
        "quests/quest_list.html",
        {
            "filter": filterset,
            "page": listing.page,
            "query": listing.query,
            "can_create": permissions.can_create_quest(request.user),
            "is_company_member": roles.is_company_member(request.user),
        },
    )


@public_page(QUESTS, DIRECTORY)
def quest_detail(request, pk: int):
    """Anyone who may see the quest (drafts: its editors only; others get 404)."""
    return _render_detail(request, pk)


def _render_detail(request, pk: int, *, transition_form: TransitionForm | None = None):
    """The quest page; with `transition_form` (a refused move, bound) in place of the
    empty form of its move, with its errors and the text typed, answering 400."""
    quest = selectors.visible_quest_or_404(request.user, pk, selectors.quest_for_detail(pk))
    context = selectors.quest_page_context(request.user, quest, "overview")
    transition_forms = (
        [
            (TransitionForm(initial={"to_state": state}), services.MOVE_LABELS[state])
            for state in services.allowed_moves(quest)
        ]
        if context["may"]["change_state"]
        else []
    )
    if transition_form is not None:
        refused_state = transition_form.initial["to_state"]
        kept = [
            (f, label) for f, label in transition_forms if f.initial["to_state"] != refused_state
        ]
        # The move may no longer be offered (the quest moved meanwhile): it is shown
        # first anyway, so that the text typed is not lost.
        transition_forms = [(transition_form, services.MOVE_LABELS.get(refused_state, ""))] + kept
    context |= {
        "team": permissions.team_of(quest),
        "my_membership": permissions.team_membership(request.user, quest),
        "join_form": TeamJoinForm(municipalities=roles.municipalities_of(request.user))
        if context["may"]["join_team"]
        else None,
        "role_form_choices": TeamMember.Role.choices,
        "transition_forms": transition_forms,
        "show_private_notes": context["may"]["edit"] or context["may"]["is_team_member"],
        "offers": [
            Quest.Offer(value).label for value in quest.offers if value in Quest.Offer.values
        ],
        # The team's room bookings are shown (spaces' quest_bookings tag) to the team and
        # to those who edit the quest.
        "show_bookings": context["may"]["is_team_member"] or context["may"]["edit"],
        # The selection's stages, public (selectors.selection.timeline).
        "timeline": selection_selectors.timeline(quest),
    }
    if context["may"]["see_all_proposals"]:
        context["proposal_counts"] = selectors.proposal_counts(quest)
    status = 200 if transition_form is None else 400
    return render(request, "quests/quest_detail.html", context, status=status)


@login_required
def quest_create(request):
    """Municipal staff (for their municipality), coordinators (their region), site admins."""
    if not permissions.can_create_quest(request.user):
        raise PermissionDenied
    hosts = services.hosts_user_may_choose(request.user)
    form = QuestForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            quest = services.quest_create(
                user=request.user,
                host=form.cleaned_data["host"],
                data=form.quest_data(),
                themes=form.cleaned_data["themes"],
                sdg_targets=form.cleaned_data["sdg_targets"],
                co_hosts=form.cleaned_data["co_hosts"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("The quest was saved as a draft. Open it for proposals when ready.")
            )
            return redirect(quest)
    return render(request, "quests/quest_form.html", {"form": form, "quest": None})


@login_required
def quest_edit(request, pk: int):
    """Host staff, the quest team, coordinators of the host's region, site admins."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    if quest.state in permissions.CLOSED_STATES:
        return refused(request, _("A completed or cancelled quest can no longer be edited."), quest)
    form = QuestForm(
        request.POST or None, instance=quest, hosts=services.hosts_user_may_choose(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quest_update(
                quest=quest,
                user=request.user,
                data=form.quest_data(),
                themes=form.cleaned_data["themes"],
                sdg_targets=form.cleaned_data["sdg_targets"],
                co_hosts=form.cleaned_data["co_hosts"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The quest was updated."))
            return redirect(quest)
    return render(request, "quests/quest_form.html", {"form": form, "quest": quest})


@login_required
@require_POST
def quest_transition(request, pk: int):
    """The team leader, host staff, coordinators, site admins: move the quest on."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    if not permissions.can_change_state(request.user, quest):
        raise PermissionDenied
    form = TransitionForm(request.POST, initial={"to_state": request.POST.get("to_state")})
    if not form.is_valid():
        if "to_state" in form.errors:
            return refused(request, _("Choose one of the moves the page offers."), quest)
        # The comment or note was refused: the page again, with the text typed.
        return _render_detail(request, quest.pk, transition_form=form)
    to_state = form.cleaned_data["to_state"]
    comment = form.cleaned_data["comment"].strip()
    private_note = form.cleaned_data["private_note"].strip()
    try:
        services.quest_transition(
            quest=quest,
            user=request.user,
            to_state=to_state,
            comment=comment,
            private_note=private_note,
        )
    except PortalError as error:
        if not (comment or private_note):
            return refused(request, error, quest)
        # The page again with the text typed and why (above the form: the reason is
        # about the move, not about the text).
        form.add_error(None, error.message)
        return _render_detail(request, quest.pk, transition_form=form)
    messages.success(
        request,
        _("The quest is now “%(state)s”.") % {"state": Quest.State(to_state).label},
    )
    return redirect(quest)


@login_required
@require_POST
def team_join(request, pk: int):
    """Municipal staff of any municipality: join the quest team."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    form = TeamJoinForm(request.POST, municipalities=roles.municipalities_of(request.user))
    if "organisation" in request.POST and not form.is_valid():
        return refused(request, _("Choose a municipality you work for."), quest)
    organisation = form.cleaned_data["organisation"] if form.is_valid() else None
    try:
        services.team_join(quest=quest, user=request.user, organisation=organisation)
    except PortalError as error:
        return refused(request, error, quest)
    messages.success(request, _("You joined the quest team."))
    return redirect(quest)


@login_required
@require_POST
def team_leave(request, pk: int):
    """Team members: leave the team (a last leader must hand over first)."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    try:
        services.team_leave(quest=quest, user=request.user)
    except PortalError as error:
        return refused(request, error, quest)
    messages.success(request, _("You left the quest team."))
    return redirect(quest)


@login_required
@require_POST
def team_member(request, pk: int, member_pk: int):
    """The leader, host staff, coordinators, site admins: change a member's role or remove."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    if not permissions.can_manage_team(request.user, quest):
        raise PermissionDenied
    member = selectors.team_member_of(quest, member_pk)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        return refused(request, _("Choose a valid role."), quest)
    try:
        if form.cleaned_data["action"] == TeamMemberForm.REMOVE:
            services.team_member_remove(quest=quest, user=request.user, member=member)
            messages.success(request, _("The member was removed from the team."))
        else:
            services.team_member_set_role(
                quest=quest, user=request.user, member=member, role=form.cleaned_data["role"]
            )
            messages.success(request, _("The role was changed."))
    except PortalError as error:
        return refused(request, error, quest)
    return redirect(quest)


@login_required
def quest_criteria(request, pk: int):
    """Those who may edit the quest: the review criteria (default: Urban Innovation's five)."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    formset = CriterionFormSet(request.POST or None, queryset=selectors.criteria_of(quest))
    if request.method == "POST" and formset.is_valid():
        rows, row_forms = formset.rows()
        try:
            services.criteria_update(quest=quest, user=request.user, rows=rows)
        except PortalError as error:
            if error.row is None:
                messages.error(request, error.message)
            else:
                add_to_form(row_forms[error.row], error)
        else:
            messages.success(request, _("The review criteria were saved."))
            return redirect("quests:criteria", quest.pk)
    context = selectors.quest_page_context(request.user, quest, "overview")
    context["formset"] = formset
    return render(request, "quests/quest_criteria.html", context)


@login_required
def quest_reuse(request, pk: int):
    """Municipal staff: start a new draft quest from a completed one."""
    quest = selectors.visible_quest_or_404(request.user, pk)
    if not permissions.can_reuse_quest(request.user, quest):
        if quest.state != Quest.State.COMPLETED:
            raise Http404
        raise PermissionDenied
    hosts = services.hosts_user_may_choose(request.user)
    form = ReuseForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.quest_reuse(
                source=quest, user=request.user, host=form.cleaned_data["host"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("A new draft quest was started from “%(title)s”. Adapt it to your municipality.")
                % {"title": quest.title},
            )
            return redirect("quests:edit", new.pk)
    context = selectors.quest_page_context(request.user, quest, "overview")
    context["form"] = form
    return render(request, "quests/quest_reuse.html", context)


# --- Open data ---------------------------------------------------------------------------


class NewQuestsFeed(Feed):
    """Anyone: the 50 most recently opened quests. Every stored text goes through
    `output_single_line` / `output_multiline`: no quest's text can make the feed a 500."""

    feed_type = Atom1Feed
    title = gettext_lazy("Co-creation portal: newly opened quests")
    subtitle = gettext_lazy("Issues municipalities have opened for proposals from companies.")
    item_guid_is_permalink = False

    def link(self):
        return reverse("quests:list")

    def items(self):
        return selectors.newly_opened_quests(limit=50)

    def item_title(self, item):
        return output_single_line(item.title)

    def item_description(self, item):
        return output_multiline(item.summary)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"quest-{item.pk}"

    def item_pubdate(self, item):
        return item.opened_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return output_single_line(item.host.name)

    def item_categories(self, item):
        return [output_single_line(theme.display_name) for theme in item.themes.all()]


def _export_rows(request):
    # A condition the filter does not understand is left out, as on the list page.
    quests = QuestFilter.understood(request.GET, queryset=selectors.public_quests()).qs
    # A server-side cursor, EXPORT_CHUNK_ROWS quests (and one round of prefetches) at a
    # time: memory stays bounded however many quests there are.
    return selectors.public_quest_rows(
        quests.order_by("pk").iterator(chunk_size=EXPORT_CHUNK_ROWS),
        absolute_url=request.build_absolute_uri,
    )


def _csv_cells(rows):
    for row in rows:
        for key in ("co_hosts", "themes", "sdg_targets"):
            row[key] = ";".join(row[key])
        row["results_published"] = "1" if row["results_published"] else "0"
        yield ["" if row[column] is None else row[column] for column in selectors.EXPORT_COLUMNS]


def export_csv(request):
    """Anyone: public quest data as CSV (UTF-8 with BOM, so Excel in Japan reads it),
    streamed."""
    return csv_response("quests.csv", selectors.EXPORT_COLUMNS, _csv_cells(_export_rows(request)))


def export_json(request):
    """Anyone: public quest data as JSON (one array), streamed."""
    return json_response("quests.json", _export_rows(request))
