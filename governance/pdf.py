"""PDF documents: a Django template rendered by WeasyPrint, with a fetcher that cannot be abused.

Importing this module loads WeasyPrint (Pango, HarfBuzz: about a second), so pages
import it only when they make a document.

Documents print text people typed (titles, comments). Templates escape it, but the
fetcher is the second wall: whatever ends up in the HTML or CSS, WeasyPrint may only
read the project's own static files and small inline images. Every other URL
(file://, http(s)://, other data: URLs, paths outside the static files) is refused
with an error WeasyPrint treats as a failed fetch: the picture or stylesheet is left
out, the document still renders, and the refusal is recorded on the fetcher.

Every document is archival: PDF/A-2b (ISO 19005-2, level B) by default. WeasyPrint then
writes PDF 1.7 with an XMP packet naming the part and level (pdfaid:part 2, conformance B),
an sRGB output intent with the ICC profile it ships (sRGB2014.icc, no system file needed),
a document identifier, and every font embedded (subsets of Noto Sans CJK TC). Why 2b and
not 3b: our documents embed no files; what PDF/A-3 adds to PDF/A-2 is embedding files of any
format (PDF/A-2 embeds only PDF/A files), whose later reading nothing in the standard
guarantees. So 2b is the narrower promise for the same documents, and a signature is added to
it the same way (governance.signing: PAdES with an RSA key, as pyHanko with an ECDSA key raises
the catalog to PDF 2.0, which no PDF/A-2 file may be; and the signer keeps /Info /Producer
equal to the XMP's pdf:Producer). Level B (what the page looks like) and not A: A adds tagging.
The metadata is set here, not by each template: title (the template's <title>), author
(settings.AGENCY_NAME), language (zh-Hant), in the document information and the XMP alike.
"""

import base64
import logging
import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .text import strip_bidi

logger = logging.getLogger(__name__)

# Relative URLs in documents resolve against this base, so "/static/x.css" and "x.css"
# both become URLs on a host that exists nowhere (.invalid is reserved, RFC 2606); the
# fetcher answers them from the static files and never touches the network.
STATIC_HOST = "static.pdf.invalid"
STATIC_ORIGIN = f"https://{STATIC_HOST}"
DATA_IMAGE_MAX_BYTES = 64 * 1024
STATIC_FILE_MAX_BYTES = 10 * 1024 * 1024
# WeasyPrint's name of the archival variant every document is written in (module docstring).
PDF_VARIANT = "pdf/a-2b"
# BCP 47: Chinese in traditional characters (the catalog's /Lang).
DOCUMENT_LANGUAGE = "zh-Hant"

_DATA_IMAGE_TYPE = re.compile(r"image/[a-z0-9][a-z0-9.+-]*")


def _static_prefix():
    """The path part of STATIC_URL, as /static/."""
    path = urlsplit(settings.STATIC_URL or "/static/").path or "/static/"
    return "/" + path.strip("/") + "/"


def static_base_url():
    return STATIC_ORIGIN + _static_prefix()


class RefusedURL(ValueError):
    """The fetcher does not serve this URL. WeasyPrint logs it and renders without it."""


class SafeURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher serving only static files and small data:image URLs.

    `served` and `refused` record what was asked for, so callers and tests can see it:
    `refused` holds (url, reason) pairs.
    """

    def __init__(self, data_image_max_bytes=DATA_IMAGE_MAX_BYTES):
        # No protocol is handed to urllib: this class answers everything itself.
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.data_image_max_bytes = data_image_max_bytes
        self.served = []
        self.refused = []

    def fetch(self, url, headers=None):
        try:
            response = self._answer(str(url))
        except RefusedURL as refusal:
            self.refused.append((url, str(refusal)))
            logger.warning("PDF: refused to fetch %.200s (%s)", url, refusal)
            raise
        self.served.append(url)
        return response

    # urllib's OpenerDirector.open would reach the network; never let anything call it.
    def open(self, url, data=None, timeout=None):
        return self.fetch(getattr(url, "full_url", url))

    def __call__(self, url):
        return self.fetch(url)

    # ------------------------------------------------------------------ answers

    def _answer(self, url):
        if url[:5].lower() == "data:":
            return self._data_image(url)
        try:
            parts = urlsplit(url)
        except ValueError:
            raise RefusedURL("網址格式不正確") from None
        if parts.scheme.lower() == "https" and parts.netloc.lower() == STATIC_HOST:
            return self._static_file(url, parts.path)
        raise RefusedURL("只提供本系統的靜態檔案與小型內嵌圖片")

    def _data_image(self, url):
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise RefusedURL("data: URL 格式不正確")
        params = [p.strip().lower() for p in header.split(";")]
        media_type, is_base64 = params[0], "base64" in params[1:]
        if not _DATA_IMAGE_TYPE.fullmatch(media_type):
            raise RefusedURL(f"只接受 data:image/…，不接受 {media_type or '未標示類型'}")
        # Bound the work before decoding: base64 is 4/3 of the bytes, %XX three times.
        limit = self.data_image_max_bytes
        if len(payload) > (limit * 4 // 3 + 4 if is_base64 else limit * 3):
            raise RefusedURL(f"內嵌圖片超過 {limit // 1024} KB")
        try:
            raw = unquote_to_bytes(payload)
            data = base64.b64decode(b"".join(raw.split())) if is_base64 else raw
        except ValueError as error:
            raise RefusedURL(f"內嵌圖片無法解碼：{error}") from None
        if len(data) > limit:
            raise RefusedURL(f"內嵌圖片超過 {limit // 1024} KB")
        return URLFetcherResponse(url, data, {"Content-Type": media_type})

    def _static_file(self, url, path):
        prefix = _static_prefix()
        path = unquote(path)
        if not path.startswith(prefix):
            raise RefusedURL("路徑不在靜態檔案之內")
        name = path[len(prefix) :]
        segments = name.split("/")
        if (
            not name
            or "\x00" in name
            or "\\" in name
            or any(s in ("", ".", "..") for s in segments)
            or posixpath.normpath(name) != name
        ):
            raise RefusedURL("靜態檔案路徑不合法")
        found = finders.find(name)
        if not found:
            raise RefusedURL("找不到這個靜態檔案")
        file_path = Path(found)
        if not file_path.is_file() or file_path.stat().st_size > STATIC_FILE_MAX_BYTES:
            raise RefusedURL("靜態檔案不存在或過大")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers = {"Content-Type": content_type}
        if content_type.startswith("text/"):
            headers["Content-Type"] = f"{content_type}; charset=utf-8"
        return URLFetcherResponse(url, file_path.read_bytes(), headers)


def render_pdf_html(html, *, fetcher=None, variant=PDF_VARIANT):
    """PDF bytes of an HTML string, fetching only through a SafeURLFetcher.

    `variant` is WeasyPrint's pdf_variant (PDF/A-2b unless told; None for a plain PDF).
    Title, author and language are set on the document whatever the HTML says.
    """
    fetcher = fetcher if fetcher is not None else SafeURLFetcher()
    # Bidi controls in stored text (a title with U+202E, kept from before input was cleaned)
    # would print it back to front; no template of ours holds one, so all of them go.
    html = strip_bidi(html)
    source = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    document = source.render(pdf_variant=variant)
    set_metadata(document.metadata)
    return document.write_pdf(pdf_variant=variant)


def set_metadata(metadata):
    """The archive's metadata: the agency as the author, zh-Hant as the language, and a title
    always (the template's <title>, else the agency's name: no document is filed untitled)."""
    agency = settings.AGENCY_NAME
    metadata.title = (metadata.title or "").strip() or agency
    metadata.authors = [agency]
    metadata.lang = DOCUMENT_LANGUAGE


def render_pdf(template_name, context, *, fetcher=None):
    """Render a Django template to PDF bytes, PDF/A-2b (see the module's docstring).

    Pass a SafeURLFetcher to see what the document asked for (`served`, `refused`).
    A PDF is an official document: always in the agency's language, whatever the reader's.
    """
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return render_pdf_html(html, fetcher=fetcher)


def harfbuzz_subsetter_in_use():
    """True when WeasyPrint subsets fonts with HarfBuzz rather than fontTools.

    WeasyPrint 70 decides in weasyprint.pdf.fonts.Font.subset: HarfBuzz when
    libharfbuzz-subset could be loaded and HarfBuzz is 4.1.0 or newer, else a
    (much slower, for CJK fonts) fontTools fallback with a warning.
    """
    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
