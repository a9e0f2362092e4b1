from django.utils import translation
from django.utils.translation import get_supported_language_variant


class PreferredLanguageMiddleware:
    """A signed-in person reads the site in the language of their profile.

    LocaleMiddleware has already chosen from the cookie and Accept-Language; the
    profile wins because the person chose it. The language switch updates both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            try:
                language = get_supported_language_variant(user.preferred_language)
            except LookupError:
                language = None
            if language and language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
