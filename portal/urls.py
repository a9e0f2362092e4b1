"""The public dashboard's addresses: the portal, a region or network (by its slug), a
municipality (by its 全国地方公共団体コード), each with its open data as CSV and JSON."""

from django.urls import path

from . import views

app_name = "dashboard"

R = "regions/<slug:slug>/"
M = "municipalities/<str:code>/"

urlpatterns = [
    path("", views.dashboard, name="portal"),
    path("dashboard.csv", views.dashboard_data, {"kind": "csv"}, name="portal_csv"),
    path("dashboard.json", views.dashboard_data, {"kind": "json"}, name="portal_json"),
    path(R, views.region_dashboard, name="region"),
    path(R + "dashboard.csv", views.region_dashboard_data, {"kind": "csv"}, name="region_csv"),
    path(R + "dashboard.json", views.region_dashboard_data, {"kind": "json"}, name="region_json"),
    path(M, views.municipality_dashboard, name="municipality"),
    path(
        M + "dashboard.csv",
        views.municipality_dashboard_data,
        {"kind": "csv"},
        name="municipality_csv",
    ),
    path(
        M + "dashboard.json",
        views.municipality_dashboard_data,
        {"kind": "json"},
        name="municipality_json",
    ),
]
