"""A person's own account pages, the language switch, and the admin's sign-in."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cocreation.core.inputs import next_url
from cocreation.organisations.selectors import memberships_of

from . import services
from .forms import ProfileForm


@login_required
def profile(request):
    """Signed-in users: their own profile and memberships."""
    return render(request, "accounts/profile.html", {"memberships": memberships_of(request.user)})


@login_required
def profile_edit(request):
    """Signed-in users: edit their own profile."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    # The form says itself what is wrong, next to each field.
    return render(request, "accounts/profile_form.html", {"form": form})


@csrf_exempt
@require_POST
def set_language(request):
    """Anyone: switch the language; a signed-in person's profile remembers it.

    Signed in, the CSRF token is required (the profile is changed). Signed out, none is
    asked: the switch only sets the visitor's own language cookie, and a forged switch
    could do no more than change a page's language, so the anonymous pages carry no
    per-visitor token and can be cached (`cocreation.core.page_cache`)."""
    if request.user.is_authenticated:
        return _set_language_signed_in(request)
    return _switch_language(request)


@csrf_protect
def _set_language_signed_in(request):
    return _switch_language(request)


def _switch_language(request):
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(next_url(request, "/"))
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def admin_login(request):
    """Anyone: the Django admin has no sign-in form of its own.

    Its login page sends people to the portal's (allauth's) login with `next`, so the
    admin is guarded by the same rate limits, email verification and password reset.
    Staff already signed in go on to `next`; a signed-in person without staff status is
    refused (403) rather than sent round in a loop. `next` stays on this site.
    """
    admin_home = reverse("admin:index")
    target = next_url(request, admin_home)
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target}, safe='/')}")
