"""The quests app's addresses, grouped by part of a quest's life as its views are."""

from django.urls import path

from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page

from .views import desks, engagement, follows, proposals, quests, reuse, selection, trial

app_name = "quests"

P = "<int:quest_pk>/proposals/<int:pk>/"

urlpatterns = [
    # quests
    path("", quests.quest_list, name="list"),
    path("new/", quests.quest_create, name="create"),
    path("<int:pk>/", quests.quest_detail, name="detail"),
    path("<int:pk>/edit/", quests.quest_edit, name="edit"),
    path("<int:pk>/state/", quests.quest_transition, name="transition"),
    path("<int:pk>/team/join/", quests.team_join, name="team_join"),
    path("<int:pk>/team/leave/", quests.team_leave, name="team_leave"),
    path("<int:pk>/team/<int:member_pk>/", quests.team_member, name="team_member"),
    path("<int:pk>/criteria/", quests.quest_criteria, name="criteria"),
    path("<int:pk>/reuse/", quests.quest_reuse, name="reuse"),
    # reuse by other municipalities (横展開)
    path("results/", reuse.results_list, name="results_list"),
    path("<int:pk>/reused/", reuse.reuse_ledger, name="reuse_ledger"),
    path("<int:pk>/reused/record/", reuse.reuse_record, name="reuse_record"),
    path("feed.atom", public_page(QUESTS, DIRECTORY)(quests.NewQuestsFeed()), name="feed"),
    path("export.csv", quests.export_csv, name="export_csv"),
    path("export.json", quests.export_json, name="export_json"),
    # following and its digest
    path("following/", follows.following, name="following"),
    path("following/follow/<str:kind>/", follows.follow_add, name="follow_add"),
    path("following/<int:pk>/unfollow/", follows.follow_remove, name="follow_remove"),
    path("following/digest/", follows.digest_frequency, name="digest_frequency"),
    path(
        "following/unsubscribe/<str:token>/",
        follows.follow_unsubscribe,
        name="follow_unsubscribe",
    ),
    # proposals
    path("proposals/mine/", proposals.my_proposals, name="my_proposals"),
    path("<int:pk>/proposals/", proposals.proposal_list, name="proposal_list"),
    path("<int:pk>/proposals/new/", proposals.proposal_create, name="proposal_create"),
    path(P, proposals.proposal_detail, name="proposal_detail"),
    path(P + "edit/", proposals.proposal_edit, name="proposal_edit"),
    path(P + "submit/", proposals.proposal_submit, name="proposal_submit"),
    path(P + "withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path(P + "start-review/", proposals.proposal_start_review, name="proposal_start_review"),
    path(P + "review/", proposals.proposal_review, name="proposal_review"),
    path(P + "decide/", proposals.proposal_decide, name="proposal_decide"),
    path(P + "messages/", proposals.proposal_message, name="proposal_message"),
    path(P + "public-summary/", proposals.proposal_public_summary, name="proposal_public_summary"),
    path(
        P + "attachments/<int:attachment_pk>/",
        proposals.proposal_attachment,
        name="proposal_attachment",
    ),
    # engagement
    path("<int:pk>/questions/", engagement.questions, name="questions"),
    path(
        "<int:pk>/questions/<int:question_pk>/answer/",
        engagement.question_answer,
        name="question_answer",
    ),
    # trial
    path("<int:pk>/trial/", trial.trial, name="trial"),
    path("<int:pk>/trial/<str:kind>/new/", trial.trial_item, name="trial_item_add"),
    path("<int:pk>/trial/<str:kind>/<int:item_pk>/", trial.trial_item, name="trial_item_edit"),
    path(
        "<int:pk>/trial/<str:kind>/<int:item_pk>/delete/",
        trial.trial_item_delete,
        name="trial_item_delete",
    ),
    path("<int:pk>/results/", trial.results, name="results"),
    path("<int:pk>/results/edit/", trial.results_edit, name="results_edit"),
    path("<int:pk>/results/publish/", trial.results_publish, name="results_publish"),
    path("<int:pk>/transitions/", trial.transitions, name="transitions"),
    path(
        "<int:pk>/transitions/<int:transition_pk>/",
        trial.transition_edit,
        name="transition_edit",
    ),
]

# proposal desks (提案窓口) and their review boards
D = "desks/<int:pk>/"
DP = D + "proposals/<int:proposal_pk>/"
DS = D + "sessions/<int:session_pk>/"
urlpatterns += [
    path("desks/", desks.desk_list, name="desk_list"),
    path("desks/new/", desks.desk_open, name="desk_open"),
    path(D + "edit/", desks.desk_edit, name="desk_edit"),
    path(D, desks.desk_detail, name="desk_detail"),
    path(D + "propose/", desks.desk_propose, name="desk_propose"),
    path(D + "proposals/", desks.desk_proposals, name="desk_proposals"),
    path(DP, desks.desk_proposal, name="desk_proposal"),
    path(DP + "edit/", desks.desk_proposal_edit, name="desk_proposal_edit"),
    path(DP + "triage/", desks.desk_triage, name="desk_triage"),
    path(DP + "route/", desks.desk_route, name="desk_route"),
    path(DP + "messages/", desks.desk_message, name="desk_message"),
    path(
        DP + "routings/<int:routing_pk>/view/",
        desks.desk_department_view,
        name="desk_department_view",
    ),
    path(D + "sessions/new/", desks.desk_session_create, name="desk_session_create"),
    path(DS, desks.desk_session, name="desk_session"),
    path(DS + "board/", desks.desk_board, name="desk_board"),
    path(DS + "agenda/", desks.desk_agenda_add, name="desk_agenda_add"),
    path(DS + "minutes/", desks.desk_minutes, name="desk_minutes"),
    path(DS + "items/<int:item_pk>/score/", desks.desk_score, name="desk_score"),
    path(DS + "items/<int:item_pk>/decide/", desks.desk_decide, name="desk_decide"),
    # selection
    path("<int:pk>/selection/", selection.selection, name="selection"),
    path("<int:pk>/selection/stages/", selection.selection_stages, name="selection_stages"),
    path("<int:pk>/selection/slots/new/", selection.interview_slot_add, name="interview_slot_add"),
    path(
        "<int:pk>/selection/slots/<int:item_pk>/delete/",
        selection.interview_slot_delete,
        name="interview_slot_delete",
    ),
    path(
        "<int:pk>/selection/slots/<int:item_pk>/book/",
        selection.interview_slot_book,
        name="interview_slot_book",
    ),
    path(
        "<int:pk>/selection/slots/<int:item_pk>/cancel/",
        selection.interview_slot_cancel,
        name="interview_slot_cancel",
    ),
    path(P + "stage-result/", selection.proposal_stage_result, name="proposal_stage_result"),
    path(
        "<int:pk>/feed.atom",
        public_page(QUESTS)(selection.QuestStagesFeed()),
        name="quest_feed",
    ),
]
