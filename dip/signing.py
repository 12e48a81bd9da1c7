"""Cryptographic signatures on edition documents (PAdES, with pyhanko).

The rest of the project knows one small interface, `Signer`: PDF bytes in, signed PDF bytes and
the signing certificate's subject out. `Pkcs12Signer` signs with a key held in a PKCS#12 file;
a government signing service (BSrE's, for example) replaces it by implementing the same
`sign()` and being returned from `signer_for()`.

Configuration (environment → ppid/settings.py):

- `PPID_SIGNING_DIR`: one `<body-slug>.p12` per body (key, certificate and chain);
  `seed_demo` creates a demo CA (`ca.pem`, `ca-key.pem`) and every seeded body's file here.
- `PPID_SIGNING_PASSPHRASE`: the passphrase of those files (and of the demo CA key).
- `PPID_SIGNING_TRUST_ROOTS`: PEM files (comma-separated) that verification trusts; by
  default `<PPID_SIGNING_DIR>/ca.pem`, the demo CA.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature as pyhanko_validate
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ppid.models import Body

SIGNATURE_FIELD = "Signature1"
DEMO_ORGANISATION = "PPID Dokumentasi demo"
CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CA_YEARS = 10
SIGNER_YEARS = 5
# X.509 (RFC 5280, ub-common-name) limits a common name to 64 characters.
MAX_COMMON_NAME = 64
# id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


class SigningNotConfigured(ImproperlyConfigured):
    """No usable signing key for a body: a configuration error that retrying does not fix."""


class Signer(Protocol):
    """Signs a PDF. Returns the signed PDF and the subject of the certificate that signed it."""

    def sign(self, pdf: bytes, *, reason: str, location: str) -> tuple[bytes, str]: ...


class Pkcs12Signer:
    """PAdES baseline B signature with a key and chain from a PKCS#12 file."""

    def __init__(self, p12: bytes, passphrase: bytes | None):
        try:
            self._signer = signers.SimpleSigner.load_pkcs12_data(
                p12, other_certs=(), passphrase=passphrase
            )
        except ValueError as error:
            raise SigningNotConfigured(
                "The PKCS#12 signing key could not be opened (wrong PPID_SIGNING_PASSPHRASE, "
                "or not a PKCS#12 file)."
            ) from error

    @classmethod
    def from_file(cls, path: Path, passphrase: str) -> Pkcs12Signer:
        return cls(path.read_bytes(), passphrase.encode() if passphrase else None)

    @property
    def subject(self) -> str:
        return self._signer.signing_cert.subject.human_friendly

    def sign(self, pdf: bytes, *, reason: str, location: str) -> tuple[bytes, str]:
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        output = outside_event_loop(
            lambda: signers.PdfSigner(meta, signer=self._signer).sign_pdf(writer)
        )
        return output.getvalue(), self.subject


def outside_event_loop(fn: Callable[[], Any]) -> Any:
    """Run pyhanko's synchronous API (it calls asyncio.run) even where a loop is running.

    Under an async server or a test that drives a browser, this thread already has a running
    event loop and asyncio.run() refuses; a short-lived thread has none.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def signing_key_path(body: Body) -> Path:
    return Path(settings.PPID_SIGNING_DIR) / f"{body.slug}.p12"


def signer_for(body: Body) -> Signer:
    """The signer configured for the body: `<PPID_SIGNING_DIR>/<slug>.p12` for now."""
    path = signing_key_path(body)
    if not path.is_file():
        raise SigningNotConfigured(
            f"No signing key for “{body.slug}”: expected {path}. Put the body's PKCS#12 file "
            "there (passphrase in PPID_SIGNING_PASSPHRASE), or run `manage.py seed_demo` for "
            "demo keys."
        )
    return Pkcs12Signer.from_file(path, settings.PPID_SIGNING_PASSPHRASE)


# --- verification --------------------------------------------------------------------------


def trust_roots() -> list[bytes]:
    """The certificates verification trusts (PEM bytes): PPID_SIGNING_TRUST_ROOTS, else the
    demo CA in PPID_SIGNING_DIR. Missing files are skipped."""
    configured = getattr(settings, "PPID_SIGNING_TRUST_ROOTS", None) or [
        Path(settings.PPID_SIGNING_DIR) / CA_CERT_FILE
    ]
    return [Path(p).read_bytes() for p in configured if Path(p).is_file()]


def _asn1_certificates(roots: Iterable[Any]) -> list[asn1_x509.Certificate]:
    certificates = []
    for root in roots:
        if isinstance(root, asn1_x509.Certificate):
            certificates.append(root)
        elif isinstance(root, x509.Certificate):
            der = root.public_bytes(serialization.Encoding.DER)
            certificates.append(asn1_x509.Certificate.load(der))
        else:
            data = Path(root).read_bytes() if isinstance(root, (str, Path)) else bytes(root)
            if asn1_pem.detect(data):
                certificates += [
                    asn1_x509.Certificate.load(der) for _t, _h, der in asn1_pem.unarmor(data, True)
                ]
            else:
                certificates.append(asn1_x509.Certificate.load(data))
    return certificates


def validate_pdf_signature(pdf_bytes: bytes, trust_roots: Iterable[Any]) -> dict[str, Any]:
    """Check the last signature of a PDF against the given trust roots.

    `trust_roots`: certificates as PEM or DER bytes, file paths, or asn1crypto / cryptography
    certificate objects (see `trust_roots()` for the configured ones). Never raises on bad
    input; the answer is a dict with these keys (a stable interface, used by the public
    verification page):

    - `valid` (bool): the whole verdict: a signature is present, the signed bytes are unchanged
      (`intact`), the signature is mathematically correct, the signer's certificate chains to a
      trust root (`trusted`), and the signature covers the whole file (nothing appended).
    - `intact` (bool): the digest of the signed byte ranges matches the signed digest.
    - `trusted` (bool): the certificate chain ends in one of `trust_roots`.
    - `covers_whole_file` (bool): no bytes were added after the signature.
    - `signer` (str): the signing certificate's subject ("" when unknown).
    - `signed_at` (aware datetime | None): the signing time the signer declared.
    - `error` (str): why the check could not run, "" otherwise.
    """
    result: dict[str, Any] = {
        "valid": False,
        "intact": False,
        "trusted": False,
        "covers_whole_file": False,
        "signer": "",
        "signed_at": None,
        "error": "",
    }
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            result["error"] = "The PDF carries no signature."
            return result
        embedded = signatures[-1]
        context = ValidationContext(
            trust_roots=_asn1_certificates(trust_roots), allow_fetching=False
        )
        status = outside_event_loop(
            lambda: pyhanko_validate(embedded, signer_validation_context=context)
        )
    except Exception as error:  # a damaged or foreign file: not valid, and say why
        result["error"] = f"{type(error).__name__}: {error}"[:500]
        return result
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.update(
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        covers_whole_file=whole,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
        valid=bool(status.intact and status.valid and status.trusted and whole),
    )
    return result


# --- the demo PKI --------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only the owner can read, atomically (temp file, then rename)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _common_name(body: Body) -> str:
    for candidate in (body.name, body.short_name, body.slug):
        if candidate and len(candidate) <= MAX_COMMON_NAME:
            return candidate
    return body.name[:MAX_COMMON_NAME]


def _demo_ca(directory: Path, passphrase: bytes) -> tuple[x509.Certificate, Any]:
    cert_path, key_path = directory / CA_CERT_FILE, directory / CA_KEY_FILE
    if cert_path.is_file() and key_path.is_file():
        try:
            key = serialization.load_pem_private_key(key_path.read_bytes(), passphrase)
        except (TypeError, ValueError) as error:
            raise SigningNotConfigured(
                f"The demo CA key {key_path} cannot be opened with PPID_SIGNING_PASSPHRASE."
            ) from error
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    if cert_path.exists() or key_path.exists():
        raise SigningNotConfigured(
            f"{directory} holds only half of the demo CA ({CA_CERT_FILE}, {CA_KEY_FILE}); "
            "restore the other file or remove both."
        )
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, "PPID Dokumentasi Demo Root CA"),
        ]
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        ),
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _demo_signing_p12(
    body: Body, ca_cert: x509.Certificate, ca_key: Any, passphrase: bytes
) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(body)),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(
            min(now + dt.timedelta(days=365 * SIGNER_YEARS), ca_cert.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=body.slug.encode(),
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def demo_pki_create(directory: Path | str, bodies: Iterable[Body]) -> list[Path]:
    """A demo CA and one signing key per body in `directory`; existing files are kept.

    Creates `ca.pem` and `ca-key.pem` (10 years) once, then `<slug>.p12` for every body that
    has none: an RSA key with a certificate (CN = the body's name, O = "PPID Dokumentasi
    demo", key usage digitalSignature + nonRepudiation, extended key usage documentSigning)
    issued by that CA, encrypted with PPID_SIGNING_PASSPHRASE. Returns the files created.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    passphrase = settings.PPID_SIGNING_PASSPHRASE.encode()
    if not passphrase:
        raise SigningNotConfigured("PPID_SIGNING_PASSPHRASE is empty.")
    created: list[Path] = []
    missing = [b for b in bodies if not (directory / f"{b.slug}.p12").exists()]
    had_ca = (directory / CA_CERT_FILE).exists()
    if not missing and had_ca:
        return created
    ca_cert, ca_key = _demo_ca(directory, passphrase)
    if not had_ca:
        created += [directory / CA_CERT_FILE, directory / CA_KEY_FILE]
    for body in missing:
        path = directory / f"{body.slug}.p12"
        _write_private(path, _demo_signing_p12(body, ca_cert, ca_key, passphrase))
        created.append(path)
    return created
