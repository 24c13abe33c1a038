"""Where to go back to after a form: a `next` address given by the browser, checked."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, value, fallback):
    """`value` when it is a path on this site, else `fallback` (a URL or a URL name, as
    redirect() takes). A path: one leading "/" and no scheme or host, so "//evil.example/",
    "/\\evil.example" (a browser reads "\\" as "/"), "https://evil.example/" and "javascript:"
    all fall back. Django's check comes on top, and refuses control characters and spaces,
    which browsers strip (a "/\\t/evil.example" would become "//evil.example")."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and value[1:2] not in ("/", "\\")
        and value.isprintable()
        and " " not in value
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return fallback
