from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("register/", views.organisation_register, name="register"),
    path("requests/", views.request_list, name="requests"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
    path("regions/<slug:slug>/announce/", views.region_announce, name="announce"),
    path("regions/<slug:slug>/join/", views.network_join, name="network_join"),
    path(
        "regions/<slug:slug>/requests/<int:request_id>/decide/",
        views.network_decide,
        name="network_decide",
    ),
    path(
        "regions/<slug:slug>/agreements/new/",
        views.network_agreement_add,
        name="network_agreement_add",
    ),
    path("regions/<slug:slug>/fields/", views.network_field_add, name="network_field_add"),
    path(
        "regions/<slug:slug>/fields/<int:field_id>/remove/",
        views.network_field_remove,
        name="network_field_remove",
    ),
    path("requests/<int:membership_id>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/join/", views.membership_request, name="join"),
    path("<int:pk>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("<int:pk>/members/<int:membership_id>/move/", views.member_move, name="member_move"),
    path("<int:pk>/handovers/", views.handover_list, name="handovers"),
    path(
        "<int:pk>/handovers/<int:handover_id>/",
        views.handover_complete,
        name="handover_complete",
    ),
]
