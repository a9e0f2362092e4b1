"""The quests app's addresses, grouped by part of a quest's life as its views are."""

from django.urls import path

from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page

from .views import engagement, proposals, quests, selection, trial

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
    path("feed.atom", public_page(QUESTS, DIRECTORY)(quests.NewQuestsFeed()), name="feed"),
    path("export.csv", quests.export_csv, name="export_csv"),
    path("export.json", quests.export_json, name="export_json"),
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
