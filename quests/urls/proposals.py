from django.urls import path

from ..views import proposals as views

P = "<int:quest_pk>/proposals/<int:pk>/"

urlpatterns = [
    path("proposals/mine/", views.my_proposals, name="my_proposals"),
    path("<int:pk>/proposals/", views.proposal_list, name="proposal_list"),
    path("<int:pk>/proposals/new/", views.proposal_create, name="proposal_create"),
    path(P, views.proposal_detail, name="proposal_detail"),
    path(P + "edit/", views.proposal_edit, name="proposal_edit"),
    path(P + "submit/", views.proposal_submit, name="proposal_submit"),
    path(P + "withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path(P + "start-review/", views.proposal_start_review, name="proposal_start_review"),
    path(P + "review/", views.proposal_review, name="proposal_review"),
    path(P + "decide/", views.proposal_decide, name="proposal_decide"),
    path(P + "messages/", views.proposal_message, name="proposal_message"),
    path(P + "public-summary/", views.proposal_public_summary, name="proposal_public_summary"),
    path(
        P + "attachments/<int:attachment_pk>/",
        views.proposal_attachment,
        name="proposal_attachment",
    ),
]
