"""Evidence and trail PDFs signed with the agency's key (governance.signing), checked as a reader
would: pyHanko validates the PAdES signature against a test CA made here (root, intermediate,
leaf, RSA), and the signed file is still PDF/A-2b (test_pdfa's assert_pdfa_2b) and still found
by its verification code. Without a configured key the documents are unsigned and say so."""

import datetime
import hashlib
import io
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from bench.samples import synthetic_evidence
from evidence import documents as evidence_documents
from governance import signing, verification
from governance.models import IssuedDocument
from governance.rocdate import TAIPEI
from proposals import documents as proposal_documents
from tests.governance.test_pdfa import assert_pdfa_2b
from tests.helpers import ROOT, flat, pdf_stream_text
from tests.support.proposal_http import Driver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
AGENCY = "國立臺灣圖書館"
SIGNED = f"本文件電子檔已由{AGENCY}以數位簽章簽署；紙本請以查驗碼查驗。"
UNSIGNED = "本文件未經數位簽章；請以查驗碼查驗。"
EVIDENCE_TITLE = "考績佐證資料 許志偉 115 年度（115年1月1日至115年12月31日）"
PASSWORD = "金鑰密碼-1234"
# The certificates' period holds the frozen NOW and the real clock alike.
VALID_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
VALID_TO = datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC)


# ---------------------------------------------------------------- a CA of our own


def name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TW"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, AGENCY),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def certificate(subject, key, issuer, issuer_key, *, ca, valid=(VALID_FROM, VALID_TO)):
    # CA: keyCertSign + cRLSign; the signer: digitalSignature + nonRepudiation (content commitment).
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key, password=None):
    encryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


class PKI:
    """Root CA → intermediate CA → the agency's signing certificate, written into a folder."""

    def __init__(self, folder):
        self.folder = folder
        root_key, intermediate_key, self.key = rsa_key(), rsa_key(), rsa_key()
        self.root = certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
        self.intermediate = certificate(
            "Test Issuing CA", intermediate_key, "Test Root CA", root_key, ca=True
        )
        self.intermediate_key = intermediate_key
        self.leaf = certificate(
            "文件簽章 Test Signer", self.key, "Test Issuing CA", intermediate_key, ca=False
        )
        (folder / "root.pem").write_bytes(pem(self.root))
        (folder / "chain.pem").write_bytes(pem(self.intermediate))
        (folder / "signer.pem").write_bytes(pem(self.leaf))
        (folder / "signer.key").write_bytes(key_pem(self.key, PASSWORD))

    def settings(self, **changes):
        return {
            "PDF_SIGNING_KEY": str(self.folder / "signer.key"),
            "PDF_SIGNING_CERT": str(self.folder / "signer.pem"),
            "PDF_SIGNING_CHAIN": str(self.folder / "chain.pem"),
            "PDF_SIGNING_KEY_PASSWORD": PASSWORD,
            **changes,
        }

    def leaf_for(self, key, **options):
        """Another certificate from the same issuing CA, for `key`."""
        return certificate("Other", key, "Test Issuing CA", self.intermediate_key, ca=False, **options)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return PKI(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def configured(pki):
    """Signing configured with the test PKI; the process's cached key forgotten before and after."""
    signing._load_signer.cache_clear()
    with override_settings(**pki.settings()):
        yield pki
    signing._load_signer.cache_clear()


@pytest.fixture
def not_configured():
    signing._load_signer.cache_clear()
    with override_settings(PDF_SIGNING_KEY="", PDF_SIGNING_CERT="", PDF_SIGNING_CHAIN=""):
        yield


# ---------------------------------------------------------------- the two documents


def evidence_pdf(person):
    evidence = synthetic_evidence(person("readers-staff1"), 5, generated_at=NOW)
    return evidence_documents.appraisal_evidence_pdf(evidence)


def trail_pdf(client, person):
    proposal = Driver(client, person).submit("planning-staff1")
    return proposal_documents.proposal_trail(proposal).content, f"案件軌跡 {proposal.case_number}"


def signature_status(content, pki):
    """pyHanko's validation of the document's one signature, trusting only the test root."""
    reader = PdfFileReader(io.BytesIO(content))
    [embedded] = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(pki.folder / "root.pem")], allow_fetching=False
    )
    return validate_pdf_signature(embedded, context)


def assert_signed_by_the_agency(content, pki):
    status = signature_status(content, pki)
    assert status.intact and status.valid and status.trusted and status.bottom_line, (
        status.pretty_print_details()
    )
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.sha256 == hashlib.sha256(pem_to_der(pki.leaf)).digest()
    # PAdES (ETSI.CAdES.detached), SHA-256, the signing certificate among the signed attributes.
    sig = PdfFileReader(io.BytesIO(content)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert status.md_algorithm == "sha256"
    signed_attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in signed_attrs
    # The intermediate travels in the signature, so a reader can build the path to the root.
    embedded = {c.chosen.sha256 for c in sig.signed_data["certificates"]}
    assert hashlib.sha256(pem_to_der(pki.intermediate)).digest() in embedded


def pem_to_der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def assert_incremental(content):
    """WeasyPrint's file is kept whole in front, the signature appended after its %%EOF."""
    end = content.index(b"%%EOF") + len(b"%%EOF")
    original = content[: end + 1]
    assert len(content) > len(original) + 1000
    first = PdfReader(io.BytesIO(original))
    assert "/AcroForm" not in first.trailer["/Root"]
    [embedded] = PdfFileReader(io.BytesIO(content)).embedded_signatures
    assert embedded.signed_revision == 1


# ---------------------------------------------------------------- signed


def test_the_evidence_pdf_is_signed_by_the_agency(configured, person):
    content = evidence_pdf(person)
    assert_signed_by_the_agency(content, configured)
    assert_incremental(content)
    text = flat(pdf_stream_text(content))
    assert flat(SIGNED) in text and flat(UNSIGNED) not in text


def test_the_trail_pdf_is_signed_by_the_agency(configured, client, person):
    content, _title = trail_pdf(client, person)
    assert_signed_by_the_agency(content, configured)
    assert_incremental(content)
    assert flat(SIGNED) in flat(pdf_stream_text(content))


def test_signed_documents_are_still_pdfa_2b(configured, client, person):
    """PDF 1.7 (no catalog /Version 2.0: the key is RSA), the XMP and /Info agreeing on the
    producer, the output intent and embedded fonts kept."""
    content = evidence_pdf(person)
    reader = assert_pdfa_2b(content, EVIDENCE_TITLE)
    assert reader.metadata.producer.startswith("WeasyPrint ") and "pyHanko" in reader.metadata.producer
    assert_invisible_printable_widget(reader)
    content, title = trail_pdf(client, person)
    assert_invisible_printable_widget(assert_pdfa_2b(content, title))


def assert_invisible_printable_widget(reader):
    """PDF/A-2 asks every annotation to be printable and not hidden, and to have an appearance
    unless its rectangle is empty: the signature's widget is a zero-size one flagged Print."""
    widgets = [annot.get_object() for page in reader.pages for annot in page.get("/Annots") or []]
    [widget] = widgets
    assert widget["/Subtype"] == "/Widget" and widget["/FT"] == "/Sig"
    flags = int(widget["/F"])
    assert flags & 4 and not flags & (1 | 2 | 32)  # Print; not Invisible, Hidden, NoView
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x1 == x2 and y1 == y2 or "/AP" in widget


def test_a_changed_byte_breaks_the_signature(configured, person):
    content = evidence_pdf(person)
    changed = bytearray(content)
    # A byte inside the first stream WeasyPrint wrote: in the signed range, not the signature.
    at = changed.index(b"stream", 1000) + 57
    assert at < bytes(changed).index(b"/ByteRange")
    changed[at] ^= 0x01
    status = signature_status(bytes(changed), configured)
    assert not status.intact and not status.bottom_line
    assert signature_status(content, configured).bottom_line  # the untouched file still holds


def test_the_recorded_fingerprint_is_of_the_signed_file_and_the_verify_page_finds_it(
    configured, person, login_as
):
    content = evidence_pdf(person)
    issued = IssuedDocument.objects.get(kind=IssuedDocument.Kind.APPRAISAL_EVIDENCE)
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    grouped = verification.grouped(issued.code)
    assert grouped in flat(pdf_stream_text(content))
    page = login_as("planning-staff1").get(f"/verify/{grouped}/").content.decode()
    assert "查驗相符：這是本系統產製的文件" in page


def test_the_key_is_read_once_per_process(configured, person, monkeypatch):
    first = signing.agency_signer()
    # Not parsed again for each signature either (pyHanko's SimpleSigner would: 0.1 s each).
    parsed = []
    parse = serialization.load_der_private_key
    monkeypatch.setattr(
        serialization, "load_der_private_key", lambda *a, **k: parsed.append(1) or parse(*a, **k)
    )
    evidence_pdf(person)
    assert_signed_by_the_agency(evidence_pdf(person), configured)
    assert signing.agency_signer() is first and not parsed
    assert signing._load_signer.cache_info().misses == 1


# ---------------------------------------------------------------- not signed


def test_without_a_key_documents_are_unsigned_and_say_so(not_configured, client, person):
    content = evidence_pdf(person)
    assert PdfFileReader(io.BytesIO(content)).embedded_signatures == []
    assert content.count(b"%%EOF") == 1
    text = flat(pdf_stream_text(content))
    assert flat(UNSIGNED) in text and "數位簽章簽署" not in text
    issued = IssuedDocument.objects.get(kind=IssuedDocument.Kind.APPRAISAL_EVIDENCE)
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    trail, _title = trail_pdf(client, person)
    assert flat(UNSIGNED) in flat(pdf_stream_text(trail))
    assert signing.sign_pdf(b"%PDF-1.7 not even a PDF") == b"%PDF-1.7 not even a PDF"
    assert signing._load_signer.cache_info().currsize == 0  # nothing loaded: pyHanko not needed


# ---------------------------------------------------------------- configured wrong: fails clearly


def write(folder, filename, data):
    path = folder / filename
    path.write_bytes(data)
    return str(path)


def test_a_broken_configuration_fails_before_the_document_and_at_the_check(pki, tmp_path, person):
    other_key = rsa_key()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    cases = {
        "missing key": (pki.settings(PDF_SIGNING_KEY=str(tmp_path / "none.key")), "PDF_SIGNING_KEY"),
        "wrong password": (pki.settings(PDF_SIGNING_KEY_PASSWORD="wrong"), "PDF_SIGNING_KEY_PASSWORD"),
        "not a certificate": (
            pki.settings(PDF_SIGNING_CERT=write(tmp_path, "bad.pem", b"not a certificate")),
            "PDF_SIGNING_CERT",
        ),
        "another key's certificate": (
            pki.settings(PDF_SIGNING_CERT=write(tmp_path, "other.pem", pem(pki.leaf_for(other_key)))),
            "is not the certificate of the key",
        ),
        "an ECDSA key": (
            pki.settings(
                PDF_SIGNING_KEY=write(tmp_path, "ec.key", key_pem(ec_key)),
                PDF_SIGNING_CERT=write(tmp_path, "ec.pem", pem(pki.leaf_for(ec_key))),
                PDF_SIGNING_KEY_PASSWORD="",
            ),
            "not an RSA key",
        ),
        "an expired certificate": (
            pki.settings(
                PDF_SIGNING_CERT=write(
                    tmp_path,
                    "expired.pem",
                    pem(
                        pki.leaf_for(
                            pki.key, valid=(VALID_FROM, datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC))
                        )
                    ),
                )
            ),
            "renew the agency's certificate",
        ),
    }
    for case, (changes, said) in cases.items():
        signing._load_signer.cache_clear()
        with override_settings(**changes):
            with pytest.raises(ImproperlyConfigured, match=said):
                evidence_pdf(person)
            [error] = signing.check_signing_configuration(None)
            assert said in error.msg and error.id == "governance.E010", case
    assert not IssuedDocument.objects.exists()  # nothing issued by a failed attempt
    signing._load_signer.cache_clear()


def test_startup_refuses_half_a_configuration_and_an_unreadable_key(pki, tmp_path):
    def check(**env):
        return subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env={"PATH": os.environ["PATH"], "DJANGO_DEBUG": "1", "DATA_DIR": str(tmp_path), **env},
            capture_output=True,
            text=True,
        )

    result = check(PDF_SIGNING_KEY=str(pki.folder / "signer.key"))
    assert result.returncode != 0 and "set together or not at all" in result.stderr
    result = check(
        PDF_SIGNING_KEY=str(tmp_path / "gone.key"), PDF_SIGNING_CERT=str(pki.folder / "signer.pem")
    )
    assert result.returncode != 0 and "governance.E010" in result.stderr and "gone.key" in result.stderr
