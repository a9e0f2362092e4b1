"""A tiny URL conf for the OnceMiddleware tests: views that create one row per run."""

import uuid

from django.contrib import messages
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path


def create(request):
    group = Group.objects.create(name=f"{request.POST.get('name', '')}-{uuid.uuid4().hex}")
    return redirect(f"/made/{group.pk}/")


def refuse(request):
    return HttpResponse("errorlist", status=400)


def refuse_by_redirect(request):
    messages.error(request, "締切を過ぎています。")
    return redirect("/create/")


def fail(request):
    Group.objects.create(name=f"half-done-{uuid.uuid4().hex}")
    raise RuntimeError("the view broke after writing")


urlpatterns = [
    path("create/", create),
    path("refuse/", refuse),
    path("refuse-by-redirect/", refuse_by_redirect),
    path("fail/", fail),
]
