"""The quests app's URLs, one module per part of a quest's life."""

from . import engagement, proposals, quests

app_name = "quests"

urlpatterns = [*quests.urlpatterns, *proposals.urlpatterns, *engagement.urlpatterns]
