"""Signing keys and their certificates: the profile every signer certificate follows, the demo
PKI (`seed_demo`'s CA and one key per body) and the in-place upgrade of keys issued before.

The files live in `PPID_SIGNING_DIR`: `ca.pem` and `ca-key.pem` (the demo CA, its key encrypted
with `PPID_SIGNING_PASSPHRASE`) and one `<body-slug>.p12` per body (key, certificate, chain).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ppid.models import Body

logger = logging.getLogger(__name__)

DEMO_ORGANISATION = "PPID Dokumentasi demo"
CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CA_YEARS = 10
SIGNER_YEARS = 5
# X.509 (RFC 5280, ub-common-name) limits a common name to 64 characters.
MAX_COMMON_NAME = 64
# id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
# What a signer certificate carries so that Adobe Reader, poppler/NSS (pdfsig, Evince, Okular)
# and pyhanko all accept it for a PAdES signature. Key usage: digitalSignature +
# nonRepudiation (pyhanko's default policy wants nonRepudiation; the others take either).
# Extended key usage: NSS checks a PDF signer as an "e-mail signer", so once a certificate names
# any purpose, emailProtection must be among them; documentSigning alone (or anyExtendedKeyUsage)
# is refused ("certificate type not approved for application"; pdfsig 22.12 says "Unknown issue
# with Certificate or corrupted data"). Adobe Reader accepts emailProtection as well.
# documentSigning stays beside it for validators that look for the purpose made for documents.
SIGNER_EXTENDED_KEY_USAGES = (ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING)


class SigningNotConfigured(ImproperlyConfigured):
    """No usable signing key for a body: a configuration error that retrying does not fix."""


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


def signer_certificate_accepted(cert: x509.Certificate) -> bool:
    """Whether viewers accept the certificate for a document signature: key usage
    digitalSignature and nonRepudiation, and no extended key usage or one naming
    emailProtection (see SIGNER_EXTENDED_KEY_USAGES)."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    if not (usage.digital_signature and usage.content_commitment):
        return False
    try:
        purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return ExtendedKeyUsageOID.EMAIL_PROTECTION in purposes


def _signer_certificate(
    subject: x509.Name, public: Any, ca_cert: x509.Certificate, ca_key: Any
) -> x509.Certificate:
    """A signer certificate for `public`, issued by the CA, with the usages viewers accept."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return (
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
        .add_extension(x509.ExtendedKeyUsage(list(SIGNER_EXTENDED_KEY_USAGES)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _pkcs12(
    name: str,
    key: Any,
    cert: x509.Certificate,
    ca_cert: x509.Certificate,
    passphrase: bytes | None,
) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        name=name.encode(), key=key, cert=cert, cas=[ca_cert], encryption_algorithm=encryption
    )


def _demo_signing_p12(
    body: Body, ca_cert: x509.Certificate, ca_key: Any, passphrase: bytes
) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(body)),
        ]
    )
    cert = _signer_certificate(subject, key.public_key(), ca_cert, ca_key)
    return _pkcs12(body.slug, key, cert, ca_cert, passphrase)


def reissued_if_outdated(path: Path, passphrase: bytes | None) -> bytes:
    """The PKCS#12 file's bytes, after giving its key a new certificate from the demo CA when
    the stored one lacks the usages viewers accept (`signer_certificate_accepted`).

    Keys issued before poppler/NSS compatibility carried only the documentSigning purpose, so
    an upgrade fixes them in place: same key, same subject, same CA, a new serial and validity.
    A certificate the demo CA did not issue (a real CA's, BSrE's) is never touched, nor is one
    whose CA key is absent; those are signed with as they are, with a warning in the log. Two
    workers doing this at once each write a valid file for the same key (atomic renames).
    """
    data = path.read_bytes()
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        return data  # Pkcs12Signer explains what is wrong with the file
    if cert is None or key is None or signer_certificate_accepted(cert):
        return data
    directory = path.parent
    ca_cert_path, ca_key_path = directory / CA_CERT_FILE, directory / CA_KEY_FILE
    try:
        ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
        cert.verify_directly_issued_by(ca_cert)
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), passphrase)
    except (OSError, ValueError, TypeError, InvalidSignature) as error:
        logger.warning(
            "The certificate in %s lacks the key usages PDF viewers accept for a signature "
            "(digitalSignature + nonRepudiation, extended key usage emailProtection) and "
            "cannot be re-issued here (%s: %s); viewers such as Evince and Okular will not "
            "trust its signatures. Ask its CA for a new certificate.",
            path,
            type(error).__name__,
            error,
        )
        return data
    renewed = _signer_certificate(cert.subject, key.public_key(), ca_cert, ca_key)
    data = _pkcs12(path.stem, key, renewed, ca_cert, passphrase)
    _write_private(path, data)
    logger.info(
        "Re-issued the signing certificate in %s with the key usages PDF viewers accept "
        "(serial %x, was %x).",
        path,
        renewed.serial_number,
        cert.serial_number,
    )
    return data


def demo_pki_create(directory: Path | str, bodies: Iterable[Body]) -> list[Path]:
    """A demo CA and one signing key per body in `directory`; existing files are kept.

    Creates `ca.pem` and `ca-key.pem` (10 years) once, then `<slug>.p12` for every body that
    has none: an RSA key with a certificate (CN = the body's name, O = "PPID Dokumentasi
    demo", key usage digitalSignature + nonRepudiation, extended key usage emailProtection +
    documentSigning) issued by that CA, encrypted with PPID_SIGNING_PASSPHRASE. Returns the
    files created.
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
