from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cocreation.core.inputs import next_url
from cocreation.organisations.selectors import memberships_of

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
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    # The form says itself what is wrong, next to each field.
    return render(request, "accounts/profile_form.html", {"form": form})


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
