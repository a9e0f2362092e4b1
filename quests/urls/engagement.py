from django.urls import path

from ..views import engagement as views
from ..views import public

urlpatterns = [
    path("feed.atom", public.NewQuestsFeed(), name="feed"),
    path("export.csv", public.export_csv, name="export_csv"),
    path("export.json", public.export_json, name="export_json"),
    path("<int:pk>/questions/", views.questions, name="questions"),
    path(
        "<int:pk>/questions/<int:question_pk>/answer/",
        views.question_answer,
        name="question_answer",
    ),
    path("<int:pk>/trial/", views.trial, name="trial"),
    path("<int:pk>/trial/<str:kind>/new/", views.trial_item, name="trial_item_add"),
    path("<int:pk>/trial/<str:kind>/<int:item_pk>/", views.trial_item, name="trial_item_edit"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/edit/", views.results_edit, name="results_edit"),
    path("<int:pk>/results/publish/", views.results_publish, name="results_publish"),
]
