"""Cryptographic signatures on edition documents (PAdES, with pyhanko).

The rest of the project knows one small interface, `Signer`: PDF bytes in, signed PDF bytes and
the signing certificate's subject out. `Pkcs12Signer` signs with a key held in a PKCS#12 file;
a government signing service (BSrE's, for example) replaces it by implementing the same
`sign()` and being returned from `signer_for()`.

Configuration (environment → ppid/settings.py):

- `PPID_SIGNING_DIR`: one `<body-slug>.p12` per body (key, certificate and chain);
  `seed_demo` creates a demo CA (`ca.pem`, `ca-key.pem`) and every seeded body's file here
  (`dip/pki.py`, which also says what a signer certificate carries).
- `PPID_SIGNING_PASSPHRASE`: the passphrase of those files (and of the demo CA key).
- `PPID_SIGNING_TRUST_ROOTS`: PEM files (comma-separated) that verification trusts; by
  default `<PPID_SIGNING_DIR>/ca.pem`, the demo CA.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature as pyhanko_validate
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from dip.pki import CA_CERT_FILE, SigningNotConfigured, reissued_if_outdated
from ppid.models import Body

SIGNATURE_FIELD = "Signature1"


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
    """The signer configured for the body: `<PPID_SIGNING_DIR>/<slug>.p12` for now.

    A key whose certificate the demo CA issued without the usages viewers accept (as releases
    before this one did) gets a new certificate first: see `pki.reissued_if_outdated`.
    """
    path = signing_key_path(body)
    if not path.is_file():
        raise SigningNotConfigured(
            f"No signing key for “{body.slug}”: expected {path}. Put the body's PKCS#12 file "
            "there (passphrase in PPID_SIGNING_PASSPHRASE), or run `manage.py seed_demo` for "
            "demo keys."
        )
    passphrase = settings.PPID_SIGNING_PASSPHRASE.encode() or None
    return Pkcs12Signer(reissued_if_outdated(path, passphrase), passphrase)


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
