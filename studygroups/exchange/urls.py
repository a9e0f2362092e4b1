from django.urls import path

from .views import applications, participation, placements

app_name = "exchange"

urlpatterns = [
    # Placements
    path("", placements.placement_list, name="list"),
    path("new/", placements.placement_offer, name="offer"),
    path("dashboard/", placements.dashboard, name="dashboard"),
    path("<int:pk>/", placements.placement_detail, name="placement"),
    path("<int:pk>/close/", placements.placement_close, name="close"),
    # Applications
    path("<int:pk>/apply/", applications.apply, name="apply"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/employer/", applications.employer_decide, name="employer_decide"),
    path("applications/<int:pk>/host/", applications.host_decide, name="host_decide"),
    # During and after the placement
    path("applications/<int:pk>/log/", participation.log_add, name="log_add"),
    path("applications/<int:pk>/report/", participation.report_write, name="report"),
    path("applications/<int:pk>/on-site/", participation.on_site_day, name="on_site_day"),
    path("reports/", participation.published_reports, name="reports"),
    path("reports/<int:pk>/publish/", participation.report_publish, name="report_publish"),
]
