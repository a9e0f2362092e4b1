from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cocreation.accounts.views import admin_login, set_language
from cocreation.core import views
from portal import views as portal_views

admin.site.site_header = _("Co-creation portal administration")
admin.site.site_title = _("Co-creation portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", set_language, name="set_language"),
    path("accounts/", include("cocreation.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("cocreation.organisations.urls")),
    path("notifications/", include("cocreation.notifications.urls")),
    path("quests/", include("quests.urls")),
    path("spaces/", include("spaces.urls")),
    path("studygroups/", include("studygroups.urls")),
    path("exchange/", include("studygroups.exchange.urls")),
    path("dashboard/", include("portal.urls")),
    # Before the admin's own URLs: the admin signs in through the portal's login.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # Space photos, in development and production alike (no separate web server).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media_file, name="media_file"),
]
