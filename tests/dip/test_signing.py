"""Signatures that ordinary viewers accept: what the signer certificate carries, a DIP signed by
the real pipeline as poppler's pdfsig (the engine of Evince and Okular) and pyhanko see it, and
keys issued the old way (documentSigning only) upgraded in place.

pdfsig reads trust from an NSS database, as Evince and Okular do; each test builds its own with
certutil (Debian poppler-utils and libnss3-tools; without them these tests are skipped, and
fail under CI)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as pyhanko_validate
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from dip import pki, signing
from dip import services as dip_services
from dip.models import Edition, Stage
from ppid.models import Body
from tests.helpers import edition_at
from tests.servers import require_program

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
VALID = "Signature is Valid."
TRUSTED = "Certificate is Trusted."


# --- helpers -------------------------------------------------------------------------------


def signed_dip(title: str = "Uji penampil") -> bytes:
    """The signed PDF of a new DIP edition of Dinsos, built by the real pipeline."""
    edition: Edition = edition_at(DINSOS, Stage.PUBLICATION, title=title)
    document = dip_services.edition_document_build(edition_id=edition.pk)
    with document.file.open("rb") as handle:
        return handle.read()


def nss_database(directory: Path, *trusted_cas: Path) -> str:
    """A fresh NSS database trusting the given CAs for signatures (the S/MIME trust flag, which
    Firefox's import dialog calls "identify email users"); returns pdfsig's -nssdir value."""
    certutil = require_program("certutil")
    directory.mkdir()
    database = f"sql:{directory}"
    subprocess.run([certutil, "-N", "-d", database, "--empty-password"], check=True, timeout=60)
    for number, ca in enumerate(trusted_cas):
        subprocess.run(
            [certutil, "-A", "-d", database, "-n", f"ca-{number}", "-t", ",C,", "-i", str(ca)],
            check=True,
            timeout=60,
        )
    return database


def pdfsig(pdf: bytes, nssdir: str, folder: Path) -> dict[str, str]:
    """pdfsig's report of the first signature as {"Signature Validation": ..., ...}."""
    program = require_program("pdfsig")
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        [program, "-nssdir", nssdir, str(path)], capture_output=True, text=True, timeout=60
    )
    report = dict(re.findall(r"^\s+- ([^:\n]+): (.*)$", run.stdout, re.MULTILINE))
    assert report, f"pdfsig found no signature: {run.stdout}{run.stderr}"
    return report


def demo_ca() -> Path:
    return Path(settings.PPID_SIGNING_DIR) / pki.CA_CERT_FILE


def flip_byte_in_signed_range(pdf: bytes) -> bytes:
    start, length = map(int, re.search(rb"/ByteRange \[\s*(\d+) (\d+)", pdf).groups())
    assert start == 0
    tampered = bytearray(pdf)
    tampered[length // 2] ^= 0x01
    return bytes(tampered)


def signer_certificate(pdf: bytes) -> x509.Certificate:
    embedded = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    return x509.load_der_x509_certificate(embedded.signer_cert.dump())


def stored_certificate(path: Path) -> x509.Certificate:
    passphrase = settings.PPID_SIGNING_PASSPHRASE.encode()
    return pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)[1]


def old_style_p12(
    key, *, issuer: x509.Name | None, issuer_key, chain: list[x509.Certificate]
) -> bytes:
    """A PKCS#12 file as releases before this one wrote it: extended key usage documentSigning
    only, the profile NSS refuses. No issuer: self-signed."""
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dinsos P3A Kapuas Hulu")])
    usage = dict.fromkeys(
        ("key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign"),
        False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                encipher_only=False,
                decipher_only=False,
                **usage,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([pki.DOCUMENT_SIGNING]), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    assert not pki.signer_certificate_accepted(cert)
    return pkcs12.serialize_key_and_certificates(
        name=DINSOS.encode(),
        key=key,
        cert=cert,
        cas=chain,
        encryption_algorithm=serialization.BestAvailableEncryption(
            settings.PPID_SIGNING_PASSPHRASE.encode()
        ),
    )


@pytest.fixture
def old_keys(seeded, settings, signing_dir, tmp_path) -> Path:
    """A signing folder with the demo CA and Dinsos's key under a certificate issued the old way
    by that CA; PPID_SIGNING_DIR points at it. Returns the key file."""
    folder = tmp_path / "keys"
    folder.mkdir()
    for name in (pki.CA_CERT_FILE, pki.CA_KEY_FILE):
        shutil.copy2(signing_dir / name, folder / name)
    passphrase = settings.PPID_SIGNING_PASSPHRASE.encode()
    key, _cert, _chain = pkcs12.load_key_and_certificates(
        (signing_dir / f"{DINSOS}.p12").read_bytes(), passphrase
    )
    ca_cert = x509.load_pem_x509_certificate((folder / pki.CA_CERT_FILE).read_bytes())
    ca_key = serialization.load_pem_private_key((folder / pki.CA_KEY_FILE).read_bytes(), passphrase)
    path = folder / f"{DINSOS}.p12"
    path.write_bytes(old_style_p12(key, issuer=ca_cert.subject, issuer_key=ca_key, chain=[ca_cert]))
    settings.PPID_SIGNING_DIR = folder
    return path


# --- what the certificate carries ----------------------------------------------------------


def test_the_signer_certificate_carries_the_usages_viewers_accept(seeded):
    cert = stored_certificate(signing.signing_key_path(Body.objects.get(slug=DINSOS)))

    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(purposes) == [ExtendedKeyUsageOID.EMAIL_PROTECTION, pki.DOCUMENT_SIGNING]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert pki.signer_certificate_accepted(cert)


# --- pdfsig (poppler/NSS) ------------------------------------------------------------------


def test_pdfsig_says_valid_and_trusted_exactly_when_the_demo_ca_is_trusted(seeded, tmp_path):
    pdf = signed_dip()

    trusting = pdfsig(pdf, nss_database(tmp_path / "trusting", demo_ca()), tmp_path)
    empty = pdfsig(pdf, nss_database(tmp_path / "empty"), tmp_path)

    assert trusting["Signature Validation"] == VALID
    assert trusting["Certificate Validation"] == TRUSTED
    assert trusting["Signer Certificate Common Name"] == "Dinsos P3A Kapuas Hulu"
    assert trusting["Signature Type"] == "ETSI.CAdES.detached"
    assert empty["Signature Validation"] == VALID
    assert empty["Certificate Validation"] == "Certificate issuer isn't Trusted."


def test_pdfsig_and_pyhanko_detect_one_changed_byte(seeded, tmp_path):
    tampered = flip_byte_in_signed_range(signed_dip())

    report = pdfsig(tampered, nss_database(tmp_path / "nss", demo_ca()), tmp_path)
    result = signing.validate_pdf_signature(tampered, [demo_ca()])

    assert report["Signature Validation"] == "Digest Mismatch."
    assert result["intact"] is False and result["valid"] is False


# --- pyhanko -------------------------------------------------------------------------------


POLICIES = {
    "pyhanko's default": None,  # nonRepudiation, any extended key usage
    "both key usages, emailProtection": KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"},
        match_all_key_usages=True,
        extd_key_usage={"email_protection"},
    ),
    "documentSigning": KeyUsageConstraints(
        key_usage={"non_repudiation"},
        extd_key_usage={pki.DOCUMENT_SIGNING.dotted_string},  # asn1crypto has no name for it
    ),
}


def test_pyhanko_validates_the_signature_as_intact_and_trusted(seeded):
    pdf = signed_dip()
    embedded = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    ca = x509.load_pem_x509_certificate(demo_ca().read_bytes())
    root = asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)

    for name, policy in POLICIES.items():
        status = signing.outside_event_loop(
            lambda policy=policy: pyhanko_validate(
                embedded, signer_validation_context=context, key_usage_settings=policy
            )
        )
        assert status.intact and status.valid and status.trusted, name
        assert status.bottom_line, name
    assert signing.validate_pdf_signature(pdf, [demo_ca()])["valid"] is True


# --- keys issued the old way ---------------------------------------------------------------


def test_a_key_issued_the_old_way_gets_a_new_certificate_from_the_same_ca(old_keys, caplog):
    before = stored_certificate(old_keys)
    ca_cert = x509.load_pem_x509_certificate(demo_ca().read_bytes())

    with caplog.at_level(logging.INFO, logger="dip.pki"):
        pdf = signed_dip()

    after = stored_certificate(old_keys)
    assert pki.signer_certificate_accepted(after)
    assert after.public_key() == before.public_key()
    assert after.subject == before.subject
    after.verify_directly_issued_by(ca_cert)
    assert after.serial_number != before.serial_number
    assert old_keys.stat().st_mode & 0o077 == 0
    assert "Re-issued the signing certificate" in caplog.text
    # The document carries the new certificate, and the demo CA still vouches for it.
    assert signer_certificate(pdf) == after
    assert signing.validate_pdf_signature(pdf, signing.trust_roots())["valid"] is True
    # Once is enough: the next signature leaves the file as it is.
    stored = old_keys.read_bytes()
    signing.signer_for(Body.objects.get(slug=DINSOS))
    assert old_keys.read_bytes() == stored


def test_pdfsig_trusts_a_document_signed_after_the_upgrade(old_keys, tmp_path):
    report = pdfsig(signed_dip(), nss_database(tmp_path / "nss", demo_ca()), tmp_path)

    assert report["Signature Validation"] == VALID
    assert report["Certificate Validation"] == TRUSTED


@pytest.mark.parametrize("case", ["issued elsewhere", "no CA key"])
def test_a_certificate_that_cannot_be_reissued_here_is_left_alone(old_keys, case, caplog):
    if case == "issued elsewhere":  # a self-signed key: another CA's certificate stands for it
        key, _cert, _chain = pkcs12.load_key_and_certificates(
            old_keys.read_bytes(), settings.PPID_SIGNING_PASSPHRASE.encode()
        )
        old_keys.write_bytes(old_style_p12(key, issuer=None, issuer_key=key, chain=[]))
    else:
        (old_keys.parent / pki.CA_KEY_FILE).unlink()
    stored = old_keys.read_bytes()

    with caplog.at_level(logging.WARNING, logger="dip.pki"):
        signer = signing.signer_for(Body.objects.get(slug=DINSOS))

    assert old_keys.read_bytes() == stored
    assert "cannot be re-issued here" in caplog.text
    assert "Dinsos P3A Kapuas Hulu" in signer.subject
