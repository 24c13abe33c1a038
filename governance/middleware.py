from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


class UserLanguageMiddleware:
    """Traditional Chinese unless the person chose otherwise.

    The browser's Accept-Language is deliberately ignored: the agency's interface
    language is zh-Hant, and English is a per-person choice (kept on the user,
    and in a cookie for the login page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = settings.LANGUAGE_CODE
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in dict(settings.LANGUAGES):
            language = cookie
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            language = user.language
        # For this request only: the thread's next work (another person's request, a task
        # run in process) starts from the agency's language again, not from this person's.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response that has none.

    Scripts come only from our own static files (no inline script anywhere), so injected
    markup cannot run code; styles allow inline because viewflow's Material templates use
    style attributes. A page may set its own header (e.g. a PDF) and is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{name} {value}" for name, value in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class MethodNotAllowedPageMiddleware:
    """A page in the person's language for 405 (a POST-only address opened as a link):
    Django's require_POST answers with an empty body, a blank page in the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
