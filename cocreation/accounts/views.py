from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
