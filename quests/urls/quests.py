from django.urls import path

from ..views import quests as views

urlpatterns = [
    path("", views.quest_list, name="list"),
    path("new/", views.quest_create, name="create"),
    path("<int:pk>/", views.quest_detail, name="detail"),
    path("<int:pk>/edit/", views.quest_edit, name="edit"),
    path("<int:pk>/state/", views.quest_transition, name="transition"),
    path("<int:pk>/team/join/", views.team_join, name="team_join"),
    path("<int:pk>/team/leave/", views.team_leave, name="team_leave"),
    path("<int:pk>/team/<int:member_pk>/", views.team_member, name="team_member"),
    path("<int:pk>/criteria/", views.quest_criteria, name="criteria"),
    path("<int:pk>/reuse/", views.quest_reuse, name="reuse"),
]
