from django.urls import path

from .views import deliverables, meetings, outcomes, recruitment, sessions, setup, teams

app_name = "studygroups"

urlpatterns = [
    # Setup: the cohorts
    path("", setup.cohort_list, name="list"),
    path("new/", setup.cohort_start, name="start"),
    path("<int:pk>/", setup.cohort_detail, name="cohort"),
    path("<int:pk>/settings/", setup.cohort_settings, name="settings"),
    path("<int:pk>/members.csv", setup.members_csv, name="members_csv"),
    # Recruitment
    path("<int:pk>/apply/", recruitment.apply, name="apply"),
    path("<int:pk>/applications/", recruitment.applications, name="applications"),
    path(
        "<int:pk>/applications/decide/",
        recruitment.application_decide,
        name="application_decide",
    ),
    # Teams
    path("<int:pk>/teams/", teams.teams, name="teams"),
    path("<int:pk>/teams/confirm/", teams.teams_confirm, name="teams_confirm"),
    path("<int:pk>/teams/place/", teams.member_place, name="member_place"),
    # Sessions
    path("<int:pk>/schedule/", sessions.schedule, name="schedule"),
    path("<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("<int:pk>/sessions/series/", sessions.series_create, name="series_create"),
    path("<int:pk>/attendance/", sessions.attendance, name="attendance"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/attendance/", sessions.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/move/", sessions.session_move, name="session_move"),
    path(
        "sessions/<int:pk>/presentations/",
        sessions.session_presentations,
        name="session_presentations",
    ),
    path("sessions/<int:pk>/room/", sessions.session_book_room, name="session_book_room"),
    path("sessions/<int:pk>/survey/", sessions.session_survey, name="session_survey"),
    path("ical/<str:token>/mine.ics", sessions.ical_mine, name="ical_mine"),
    path("ical/<str:token>/cohort-<int:pk>.ics", sessions.ical_cohort, name="ical_cohort"),
    # Deliverables
    path("<int:pk>/deliverables/", deliverables.deliverables, name="deliverables"),
    path("<int:pk>/deliverables/new/", deliverables.deliverable_create, name="deliverable_create"),
    path(
        "<int:pk>/deliverables/<int:deliverable_pk>/teams/<int:team_pk>/upload/",
        deliverables.upload,
        name="upload",
    ),
    path("submissions/<int:pk>/", deliverables.submission_detail, name="submission"),
    path(
        "submissions/<int:pk>/comments/",
        deliverables.submission_comment,
        name="submission_comment",
    ),
    # Outcomes
    path("<int:pk>/outcomes/<int:team_pk>/", outcomes.outcome_edit, name="outcome"),
    path(
        "<int:pk>/outcomes/<int:team_pk>/quest/",
        outcomes.outcome_to_quest,
        name="outcome_to_quest",
    ),
    path("archive/", outcomes.archive, name="archive"),
    # Exchange meetings (情報交換会) of a network's officers of one field
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/network/<slug:slug>/", meetings.network_meetings, name="network_meetings"),
    path("meetings/network/<slug:slug>/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/register/", meetings.meeting_register, name="meeting_register"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/survey/", meetings.meeting_survey, name="meeting_survey"),
]
