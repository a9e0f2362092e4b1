from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Account emails go out as plain text in the reader's language.

    LGWAN gateways often strip HTML and links; allauth's messages carry the
    code in the text, so nothing depends on a link or on HTML.
    """

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
