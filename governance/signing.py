"""Digital signatures on the documents the system issues (evidence and trail PDFs).

A printed document is checked by its verification code (governance.verification); a digital
copy can carry more: the agency's own signature, which any PDF reader checks without asking
this system. When the agency's key and certificate are configured (settings.PDF_SIGNING_KEY,
PDF_SIGNING_CERT, optionally PDF_SIGNING_CHAIN and PDF_SIGNING_KEY_PASSWORD: PEM files),
issue_pdf signs every document it issues here, in one place: sign_pdf. Without them documents
go out unsigned, and say so (signature_notice, printed beside the verification code).

The signature is PAdES baseline B-B (ETSI EN 319 142-1: a CAdES signature, SHA-256, the
signing certificate named in the signed attributes), written by pyHanko as an incremental
update: the bytes WeasyPrint wrote stay untouched in front, and the document stays PDF/A-2b
(governance.pdf) because
- the key must be RSA: with an ECDSA key pyHanko declares the ISO 32002 extension and raises
  the catalog to PDF 2.0, which no PDF/A-2 file may be;
- /Info /Producer and the XMP's pdf:Producer must stay equal: pyHanko appends itself to the
  first and overwrites the second, so the writer here (_archival_writer_class) writes the same value into both;
- the signature field is invisible (a zero-size widget, flagged to print), which PDF/A-2
  allows without an appearance stream.
No timestamp (B-T) is added: that needs an agency time-stamping service.

The key is read once per process (cached by the settings that name it). A configured key that
cannot be read, does not match its certificate, is not RSA, or whose certificate is out of its
validity period fails clearly: at startup through the system check below (run by migrate,
runserver and `manage.py check`), and at the first document anyway (ImproperlyConfigured).
pyHanko takes about a second to import, so it is loaded only when signing is configured.
"""

import datetime
import functools
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# The signature field's name in the PDF (a reader lists the signature under it).
FIELD_NAME = "AgencySignature"


def signing_configured():
    """Are the agency's key and certificate configured? (Cheap: reads two settings.)"""
    return bool(settings.PDF_SIGNING_KEY and settings.PDF_SIGNING_CERT)


@dataclass(frozen=True)
class AgencySigner:
    """The loaded key material: pyHanko's signer and the certificate's validity period."""

    signer: object  # a pyhanko.sign.signers.SimpleSigner (_signer_class)
    subject: str
    not_before: datetime.datetime
    not_after: datetime.datetime


def agency_signer():
    """The agency's signer, loaded once per process; None when signing is not configured."""
    if not signing_configured():
        return None
    return _load_signer(
        settings.PDF_SIGNING_KEY,
        settings.PDF_SIGNING_CERT,
        settings.PDF_SIGNING_CHAIN or "",
        settings.PDF_SIGNING_KEY_PASSWORD or "",
    )


def _read(setting, path):
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise ImproperlyConfigured(f"{setting}: cannot read {path}: {error.strerror or error}") from None


# Keyed by the settings' values: a change of settings (tests' override_settings) loads the new
# files; one entry is all a process needs. _load_signer.cache_clear() forgets it.
@functools.lru_cache(maxsize=1)
def _load_signer(key_path, cert_path, chain_path, password):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    with warnings.catch_warnings():
        # pyHanko 0.38 imports cryptography's DSA support, which warns on import (once per
        # process, on stderr); we sign with RSA only.
        warnings.filterwarnings("ignore", message="DSA is deprecated")
        from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        signer_class = _signer_class()

    key_data = _read("PDF_SIGNING_KEY", key_path)
    cert_data = _read("PDF_SIGNING_CERT", cert_path)
    chain_data = _read("PDF_SIGNING_CHAIN", chain_path) if chain_path else b""
    try:
        key = serialization.load_pem_private_key(key_data, password=password.encode() or None)
    except (ValueError, TypeError) as error:
        # Wrong or missing password, or not a PEM private key: cryptography says which.
        raise ImproperlyConfigured(
            f"PDF_SIGNING_KEY: {key_path} is not a PEM private key that PDF_SIGNING_KEY_PASSWORD "
            f"opens: {error}"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured(
            f"PDF_SIGNING_KEY: {key_path} is not an RSA key. Documents are PDF/A-2b, and pyHanko "
            "signs with other keys (ECDSA) by raising the file to PDF 2.0, which PDF/A-2 forbids."
        )
    try:
        certificate = x509.load_pem_x509_certificate(cert_data)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CERT: {cert_path} is not a PEM certificate: {error}"
        ) from None
    try:
        chain = x509.load_pem_x509_certificates(chain_data) if chain_data.strip() else []
    except ValueError as error:
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CHAIN: {chain_path} is not a PEM file of certificates: {error}"
        ) from None
    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(der, spki) != certificate.public_key().public_bytes(der, spki):
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CERT: {cert_path} is not the certificate of the key in {key_path}."
        )
    signer = signer_class(
        key,
        signing_cert=next(load_certs_from_pemder_data(certificate.public_bytes(der))),
        signing_key=load_private_key_from_pemder_data(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
            passphrase=None,
        ),
        # The intermediates go into the signature, so a reader can build the path to its root.
        cert_registry=SimpleCertificateStore.from_certs(
            [next(load_certs_from_pemder_data(c.public_bytes(der))) for c in chain]
        ),
    )
    loaded = AgencySigner(
        signer=signer,
        subject=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
    _check_validity(loaded)
    return loaded


def _check_validity(loaded, now=None):
    """A signature by a certificate out of its period is invalid: refuse to make one."""
    now = now or timezone.now()
    if not loaded.not_before <= now <= loaded.not_after:
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CERT ({loaded.subject}) is valid from {loaded.not_before:%Y-%m-%d %H:%M} "
            f"to {loaded.not_after:%Y-%m-%d %H:%M} UTC, not now: renew the agency's certificate."
        )


def signature_notice():
    """The line a document prints beside its verification code: signed by the agency, or not.

    In the agency's language, as the rest of the document. Loads the signer when configured,
    so a broken configuration fails before a document is rendered, not after."""
    signed = agency_signer() is not None
    with translation.override(settings.LANGUAGE_CODE):
        if signed:
            return _("本文件電子檔已由%(agency)s以數位簽章簽署；紙本請以查驗碼查驗。") % {
                "agency": settings.AGENCY_NAME
            }
        return _("本文件未經數位簽章；請以查驗碼查驗。")


def sign_pdf(content: bytes) -> bytes:
    """`content` signed by the agency (PAdES B-B, an incremental update), or `content` itself
    when signing is not configured."""
    loaded = agency_signer()
    if loaded is None:
        return content
    _check_validity(loaded)  # a process can outlive its certificate
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = _archival_writer_class()(io.BytesIO(content))
    output = signers.sign_pdf(writer, metadata, signer=loaded.signer)
    return output.getvalue()


@functools.cache
def _signer_class():
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class Signer(SimpleSigner):
        """pyHanko's SimpleSigner signing with the key as loaded once. SimpleSigner parses its
        DER key again for every signature, twice a document (the size estimate, then the
        signature), and cryptography checks an RSA key as it parses it: about 0.1 s each."""

        def __init__(self, private_key, **options):
            super().__init__(**options)
            self.private_key = private_key  # cryptography's RSAPrivateKey

        def sign_raw(self, data, digest_algorithm):
            from cryptography.hazmat.primitives.asymmetric import padding

            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism != "rsassa_pkcs1v15":  # pyHanko's default for RSA; anything else as it does
                return super().sign_raw(data, digest_algorithm)
            return self.private_key.sign(
                data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )

    return Signer


@functools.cache
def _archival_writer_class():
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata import model

    class Writer(IncrementalPdfFileWriter):
        """pyHanko's incremental writer keeping PDF/A's rule that /Info /Producer and the XMP's
        pdf:Producer agree: pyHanko writes "WeasyPrint 70.0; pyHanko 0.38.0" into the first and
        "pyHanko 0.38.0" into the second; both get the first. (pyHanko has no option for it, so
        this reaches into its metadata stream; the PDF/A tests of signed documents watch it.)"""

        def _update_meta(self):
            super()._update_meta()
            info = self.trailer["/Info"]
            stream = self.root["/Metadata"]  # rewritten by super(): a MetadataStream
            fields = {name: value for root in stream.xmp for name, value in root}
            fields[model.PDF_PRODUCER] = model.XmpValue(str(info["/Producer"]))
            stream._xmp = [model.XmpStructure(fields)]
            stream._reserialise()
            stream._encoded_data = None

    return Writer


@checks.register()
def check_signing_configuration(app_configs, **kwargs):
    """At startup (migrate, runserver, check): a configured key must load, not fail later on
    the first document someone asks for."""
    try:
        agency_signer()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="governance.E010")]
    return []
