"""PDFs fetch nothing but the project's static files and small inline images.

Typed text is escaped, so hostile markup never reaches WeasyPrint as markup; and if a
template ever lets a URL through, the fetcher refuses it and the document still renders.
"""

import base64
import socket
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings

from governance import pdf, verification
from governance.models import IssuedDocument
from governance.pdf import RefusedURL, SafeURLFetcher
from proposals import documents as proposal_documents
from tests.helpers import pdf_text
from tests.support.proposal_http import Driver

FILE = '<img src="file:///etc/passwd">'
METADATA = '<img src="http://169.254.169.254/x">'
STYLESHEET = '<link rel=stylesheet href="http://10.0.0.1/a.css">'

# A 1×1 PNG.
SMALL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SMALL_PNG_URL = "data:image/png;base64," + base64.b64encode(SMALL_PNG).decode()
BIG_PNG_URL = "data:image/png;base64," + base64.b64encode(SMALL_PNG + b"\0" * (70 * 1024)).decode()
STATIC_SVG = "admin/img/icon-yes.svg"  # shipped by django.contrib.admin


@pytest.fixture
def no_network(monkeypatch):
    """Any socket or urllib opener use fails the test: nothing may be fetched for real."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network or urllib use during PDF rendering: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


# ---------------------------------------------------------------- the fetcher on its own

REFUSED = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://169.254.169.254/x",
    "http://10.0.0.1/a.css",
    "https://example.com/logo.png",
    "ftp://10.0.0.1/x",
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/css,body{background:url(file:///etc/passwd)}",
    "data:,plain",
    "data:image/png;base64",  # no comma
    BIG_PNG_URL,
    # The static host, but outside the static files or trying to climb out of them.
    pdf.STATIC_ORIGIN + "/etc/passwd",
    pdf.STATIC_ORIGIN + "/media/secret.pdf",
    pdf.static_base_url() + "../../etc/passwd",
    pdf.static_base_url() + "%2e%2e/%2e%2e/etc/passwd",
    pdf.static_base_url() + "admin/..%2f..%2f..%2fetc/passwd",
    pdf.static_base_url() + "does/not/exist.png",
    pdf.static_base_url(),
    # Look-alike hosts.
    "https://static.pdf.invalid@169.254.169.254"
    + pdf.static_base_url()[len(pdf.STATIC_ORIGIN) :]
    + STATIC_SVG,
    pdf.STATIC_ORIGIN + ":8443" + "/static/" + STATIC_SVG,
    "http://static.pdf.invalid/static/" + STATIC_SVG,
    "/etc/passwd",
    "etc/passwd",
]


@pytest.mark.parametrize("url", REFUSED)
def test_fetcher_refuses(url, no_network):
    fetcher = SafeURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher(url)
    assert [u for u, _reason in fetcher.refused] == [url]
    assert fetcher.served == []
    assert no_network == []


def test_fetcher_serves_static_files_and_small_data_images(no_network):
    fetcher = SafeURLFetcher()
    url = pdf.static_base_url() + STATIC_SVG
    response = fetcher(url)
    assert response.read() == Path(finders.find(STATIC_SVG)).read_bytes()
    assert response.content_type == "image/svg+xml"
    response = fetcher(SMALL_PNG_URL)
    assert response.read() == SMALL_PNG and response.content_type == "image/png"
    assert fetcher.served == [url, SMALL_PNG_URL] and fetcher.refused == []
    assert no_network == []


def test_refusals_are_failed_fetches_for_weasyprint():
    """WeasyPrint catches every exception of a fetcher except its fatal kind."""
    from weasyprint.urls import FatalURLFetchingError, URLFetchingError, fetch

    fetcher = SafeURLFetcher()
    assert not issubclass(RefusedURL, FatalURLFetchingError)
    with pytest.raises(URLFetchingError):
        with fetch(fetcher, "file:///etc/passwd"):
            pass


# ---------------------------------------------------------------- a hostile template through render_pdf

HOSTILE_TEMPLATE = """{% extends "pdf/base.html" %}
{% block head %}
<link rel="stylesheet" href="http://10.0.0.1/a.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>
@import url("http://10.0.0.1/imported.css");
@font-face { font-family: "Evil"; src: url("http://10.0.0.1/font.woff"); }
.bg { background-image: url("file:///etc/shadow"); }
</style>
{% endblock %}
{% block content %}
<h1 class="doc-title">惡意內容測試文件</h1>
<p class="bg">本段落的背景指向本機檔案。</p>
<img src="file:///etc/passwd" alt="密碼檔">
<img src="http://169.254.169.254/x" alt="雲端中繼資料">
<img src="../../../etc/hostname" alt="相對路徑">
<img src="data:text/html;base64,PHNjcmlwdD4=" alt="HTML">
<img src="{{ big }}" alt="過大圖片">
<object data="file:///etc/group">物件</object>
<img src="{{ small }}" alt="小圖">
<img src="/static/admin/img/icon-yes.svg" alt="靜態圖">
<p>內文仍然印出。</p>
{% endblock %}
"""


@pytest.fixture
def hostile_template():
    engine = settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", {"hostile.html": HOSTILE_TEMPLATE}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    templates = [{**engine, "APP_DIRS": False, "OPTIONS": {**engine["OPTIONS"], "loaders": loaders}}]
    with override_settings(TEMPLATES=templates):
        yield "hostile.html"


def test_unescaped_hostile_urls_are_refused_and_the_pdf_still_renders(hostile_template, no_network):
    fetcher = SafeURLFetcher()
    content = pdf.render_pdf(
        hostile_template,
        {"agency_name": "國立臺灣圖書館", "big": BIG_PNG_URL, "small": SMALL_PNG_URL},
        fetcher=fetcher,
    )
    refused = {url for url, _reason in fetcher.refused}
    for url in [
        "http://10.0.0.1/a.css",
        "file:///etc/passwd",
        "http://10.0.0.1/imported.css",
        "http://10.0.0.1/font.woff",
        "file:///etc/shadow",
        "http://169.254.169.254/x",
        pdf.STATIC_ORIGIN + "/etc/hostname",
        "data:text/html;base64,PHNjcmlwdD4=",
        BIG_PNG_URL,
        "file:///etc/group",
    ]:
        assert url in refused, url
    assert set(fetcher.served) == {SMALL_PNG_URL, pdf.static_base_url() + STATIC_SVG}
    assert no_network == []
    text = pdf_text(content)
    assert "惡意內容測試文件" in text and "內文仍然印出" in text


# ---------------------------------------------------------------- typed text is escaped


@pytest.mark.django_db
def test_hostile_title_and_comments_are_printed_as_text(client, person, org, no_network):
    drive = Driver(client, person)
    proposal = drive.submit(
        "planning-staff1", title=f"自助借書機 {FILE}", situation=f"{METADATA} {STYLESHEET}"
    )
    drive.first_review("planning-head", proposal, "returned", reasons=f"{METADATA}{STYLESHEET}")
    fetcher = SafeURLFetcher()
    document = proposal_documents.proposal_trail(proposal, fetcher=fetcher)
    # Escaped: WeasyPrint saw text, not elements, so it asked for nothing but the document's
    # own inline QR image (its verification code).
    code = IssuedDocument.objects.get().code
    assert fetcher.served == [verification.qr_data_url(verification.verification_url(code))]
    assert fetcher.refused == []
    assert no_network == []
    text = pdf_text(document.content)
    assert FILE in text
    assert METADATA.replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert STYLESHEET.replace(" ", "") in text.replace(" ", "").replace("\n", "")
