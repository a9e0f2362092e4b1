"""How allauth signs people in and mails them, adapted to the portal.

Wrong passwords are counted per client address (`login_failed`'s `…/ip` rate) and per
account *and* address (its `…/key` rate, whose key is made here): someone guessing from
one address is stopped, but cannot lock the account for its owner, who signs in from
another address. Client addresses come from allauth (`REMOTE_ADDR`, or the header of a
trusted proxy: `ALLAUTH_TRUSTED_PROXY_COUNT`).
"""

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from . import tasks


class AccountAdapter(DefaultAccountAdapter):
    """Account emails go out as plain text in the reader's language, from a worker.

    LGWAN gateways often strip HTML and links; allauth's messages carry the
    code in the text, so nothing depends on a link or on HTML.
    """

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of the per-key rate of `login_failed`: the account and the client
        address together (allauth's own key is the account alone, which lets anyone
        lock a colleague out with five wrong passwords)."""
        site = get_current_site(request)
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{site.domain}:{login}:{self.get_client_ip(request)}"

    def send_mail(self, template_prefix, email, context):
        """Render the mail now, in the reader's language, and queue it for the worker
        (`tasks.send_account_mail`) when the transaction commits."""
        request = allauth_context.request
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        with translation.override(language):
            message = self.render_mail(template_prefix, email, full_context)
        tasks.send_after_commit(message)

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with an address that has an account: hash a password as a new account
        would, so that the answer takes as long as a real sign-up (the same defence as
        Django's ModelBackend for unknown users), then mail the owner."""
        make_password(secrets.token_urlsafe(16))
        super().send_account_already_exists_mail(email)
