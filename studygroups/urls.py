from django.urls import path

from . import views, views_setup

app_name = "studygroups"

urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("new/", views_setup.cohort_start, name="start"),
    path("archive/", views.archive, name="archive"),
    path("ical/<str:token>/mine.ics", views.ical_mine, name="ical_mine"),
    path("ical/<str:token>/cohort-<int:pk>.ics", views.ical_cohort, name="ical_cohort"),
    path("<int:pk>/", views.cohort_detail, name="cohort"),
    path("<int:pk>/settings/", views_setup.cohort_settings, name="settings"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/applications/", views.applications, name="applications"),
    path("<int:pk>/teams/", views.teams, name="teams"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/members.csv", views_setup.members_csv, name="members_csv"),
    path("<int:pk>/deliverables/", views.deliverables, name="deliverables"),
    path(
        "<int:pk>/deliverables/<int:deliverable_pk>/teams/<int:team_pk>/upload/",
        views.upload,
        name="upload",
    ),
    path("<int:pk>/outcomes/<int:team_pk>/", views.outcome_edit, name="outcome"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
]
