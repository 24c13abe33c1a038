import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .text import BIDI_CONTROLS, clean_text


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


class CleanTextInputMiddleware:
    """Every text a form posts loses its control and bidi characters (governance.text.clean_text)
    before any form sees it: one place for the fifty forms, the ones written later included.

    Passwords are left as typed: they are never shown, and a changed one would not match.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            posted = request.POST
            cleaned = None
            for key, values in posted.lists():
                if "password" in key:
                    continue
                new = [clean_text(value) for value in values]
                if new != values:
                    if cleaned is None:
                        cleaned = posted.copy()
                    cleaned.setlist(key, new)
            if cleaned is not None:
                cleaned._mutable = False  # as Django hands it to views
                request.POST = cleaned
        return self.get_response(request)


# The bidi controls as UTF-8: a page is cleaned as bytes, without decoding it.
_BIDI_BYTES = re.compile(b"|".join(re.escape(c.encode()) for c in BIDI_CONTROLS))


class StripBidiMiddleware:
    """Bidi controls out of every HTML page: text stored before input was cleaned (or by a
    migration, an import, the admin) cannot print a title back to front. Input cleaning keeps
    new text free of them; this covers what is already stored, whatever page shows it, where
    `unicode-bidi: isolate` on chosen elements would still let an override reverse the text
    inside them. Our own templates and translations hold none. Inside CommonMiddleware, which
    then counts the Content-Length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            content = response.content
            cleaned = _BIDI_BYTES.sub(b"", content)
            if len(cleaned) != len(content):
                response.content = cleaned
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(cleaned))
        return response


class PrivatePagesMiddleware:
    """Cache-Control: no-store, private (and the rest of Django's never-cache headers) on every
    response to a signed-in person that does not set its own: pages, PDFs and files name
    people and cases, and neither a shared proxy nor the browser's disk may keep a copy after
    the person leaves the computer. Static files are served before this (WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# The session key of the last request's time; written at most once a minute, not on every
# request, so most requests do not write the session.
LAST_SEEN_KEY = "governance_last_seen"
LAST_SEEN_RESOLUTION = 60


class IdleSessionTimeoutMiddleware:
    """Signs out a person idle longer than settings.SESSION_IDLE_MINUTES, and says so on the
    login page: a computer left signed in at a counter does not stay open to the next person
    for the two weeks a session cookie lasts. The menu's to-do count is fetched once per page
    load, not polled, so an open tab does not keep itself signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        idle_seconds = settings.SESSION_IDLE_MINUTES * 60
        if idle_seconds and request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > idle_seconds:
                logout(request)
                # In the message cookie: logout() emptied the session.
                messages.info(
                    request,
                    _("您已閒置超過 %(minutes)s 分鐘，為保護資料已自動登出，請重新登入。")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif last_seen is None or not 0 <= now - last_seen < LAST_SEEN_RESOLUTION:
                mark_active(request)
        return self.get_response(request)


def mark_active(request):
    """The idle clock starts again now (a request, or signing in: governance.apps)."""
    request.session[LAST_SEEN_KEY] = time.time()
