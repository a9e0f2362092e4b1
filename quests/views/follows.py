"""Following: members of companies and other non-municipal organisations choose the
themes, SDG targets, municipalities and networks they follow and how often the digest
comes; anyone holding a digest's unsubscribe link turns it off in one step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.inputs import next_url

from .. import permissions
from ..forms.follows import DigestFrequencyForm, FollowForm
from ..models import DigestSubscription, Follow
from ..selectors import follows as selectors
from ..services import follows as services


@login_required
def following(request):
    """Members of companies and other non-municipal organisations (`can_follow`): what
    they follow, forms to follow more, and the digest's frequency."""
    if not permissions.can_follow(request.user):
        raise PermissionDenied
    return _render_following(request)


def _render_following(request, *, refused_form=None, frequency_form=None, status=200):
    """The following page; `refused_form` (a FollowForm) or `frequency_form` replaces the
    empty one of its kind with the input and why it was refused."""
    follows = selectors.follows_of(request.user)
    groups = []
    for kind, label in Follow.Kind.choices:
        if refused_form is not None and refused_form.kind == kind:
            form = refused_form
        else:
            form = FollowForm(kind=kind, choices=selectors.follow_choices(kind))
        groups.append(
            {
                "kind": kind,
                "label": label,
                "follows": [f for f in follows if f.kind == kind],
                "form": form,
            }
        )
    frequency_form = frequency_form or DigestFrequencyForm(
        initial={"frequency": selectors.digest_frequency_of(request.user)}
    )
    context = {"groups": groups, "frequency_form": frequency_form, "count": len(follows)}
    return render(request, "quests/follows/following.html", context, status=status)


@login_required
@require_POST
def follow_add(request, kind: str):
    """Members of companies and other non-municipal organisations (`can_follow`): follow
    one theme, SDG target, municipality or network (`kind`), from the following page or a
    follow button elsewhere (which sends `next`)."""
    if kind not in Follow.Kind.values:
        raise Http404
    if not permissions.can_follow(request.user):
        raise PermissionDenied
    back = next_url(request, "")
    form = FollowForm(request.POST, kind=kind, choices=selectors.follow_choices(kind))
    if form.is_valid():
        try:
            follow = services.follow_add(
                user=request.user, kind=kind, target_id=form.cleaned_data["target"]
            )
        except PortalError as error:
            if back:
                return refused(request, error, back)
            add_to_form(form, error)
        else:
            messages.success(request, _("You now follow %(name)s.") % {"name": follow.target})
            return redirect(back or reverse("quests:following"))
    elif back:
        return refused(request, _("Choose something to follow from the list."), back)
    return _render_following(request, refused_form=form, status=400)


@login_required
@require_POST
def follow_remove(request, pk: int):
    """The person who follows it: stop following one thing (from the following page or
    a follow button elsewhere, which sends `next`)."""
    follow = selectors.follow_or_none(request.user, pk)
    back = next_url(request, reverse("quests:following"))
    if follow is None:
        # Already removed (a second click) or never theirs: nothing to do.
        messages.info(request, _("You no longer follow this."))
        return redirect(back)
    name = str(follow.target)
    try:
        services.follow_remove(user=request.user, follow=follow)
    except PortalError as error:
        return refused(request, error, back)
    messages.success(request, _("You no longer follow %(name)s.") % {"name": name})
    return redirect(back)


@login_required
@require_POST
def digest_frequency(request):
    """Members of companies and other non-municipal organisations (`can_follow`): how
    often the digest comes (daily, weekly, off)."""
    if not permissions.can_follow(request.user):
        raise PermissionDenied
    form = DigestFrequencyForm(request.POST)
    if form.is_valid():
        try:
            subscription = services.digest_frequency_set(
                user=request.user, frequency=form.cleaned_data["frequency"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("Digest: %(frequency)s.") % {"frequency": subscription.get_frequency_display()},
            )
            return redirect("quests:following")
    return _render_following(request, frequency_form=form, status=400)


# Mail programs send the one-click POST (RFC 8058) with no CSRF token and no session: the
# signed token in the address is the proof, and unsubscribing is all it can do.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow_unsubscribe(request, token: str):
    """Anyone holding the link of a digest (no sign-in): a GET shows one button, a POST
    (that button, or a mail program's one-click unsubscribe) turns the digest off."""
    user_id = services.user_id_of_token(token)
    if user_id is None:
        context = {"invalid": True}
        return render(request, "quests/follows/unsubscribe.html", context, status=400)
    if request.method == "POST":
        try:
            services.digest_unsubscribe(token=token)
        except PortalError:
            return render(request, "quests/follows/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "quests/follows/unsubscribe.html", {"done": True})
    off = selectors.digest_frequency_of_id(user_id) == DigestSubscription.Frequency.OFF
    return render(request, "quests/follows/unsubscribe.html", {"done": off})
