"""Is this PDF an unaltered signed edition of this system? The public verification page asks.

Two checks, both needed for "genuine":
- the file's SHA-256 is that of the signed document of a published edition (the bytes we
  published, exactly: a changed byte changes the hash);
- its signature is intact and chains to a trust root of this system (dip.signing).

A file signed with one of this system's keys whose signature no longer covers its bytes
unchanged was changed after signing: "altered". Anything else without a matching hash (no
signature, someone else's, a file we never published) is "unknown": not a document of ours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dip.models import Edition, EditionDocument
from dip.selectors import published_document_by_sha256, published_document_signed_with
from dip.signing import trust_roots, validate_pdf_signature

GENUINE = "genuine"
ALTERED = "altered"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class SignedLetter:
    """A signed document of this system that is not an edition's (a letter to one person, e.g.
    the atasan's answer to an objection), as another app's finder describes it: what it is,
    whose, when signed, and its bytes' hash. Never personal data: the verification page is
    public."""

    kind: str
    title: str
    body_name: str
    reference: str
    signed_at: datetime | None
    sha256: str
    size: int | None
    signer_subject: str = ""


# Finders registered at start-up by the apps above (dip never imports them): by the SHA-256 of
# a ready signed file, and by the verification code printed under its QR code.
_BY_SHA256: list[Callable[[str], SignedLetter | None]] = []
_BY_CODE: list[Callable[[str], SignedLetter | None]] = []


def register_letter_finder(
    *,
    by_sha256: Callable[[str], SignedLetter | None],
    by_code: Callable[[str], SignedLetter | None],
) -> None:
    if by_sha256 not in _BY_SHA256:
        _BY_SHA256.append(by_sha256)
    if by_code not in _BY_CODE:
        _BY_CODE.append(by_code)


def letter_by_sha256(sha256: str) -> SignedLetter | None:
    return next((found for find in _BY_SHA256 if (found := find(sha256)) is not None), None)


def letter_by_code(code: str) -> SignedLetter | None:
    code = code.strip()
    if not code:
        return None
    return next((found for find in _BY_CODE if (found := find(code)) is not None), None)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    sha256: str
    size: int
    document: EditionDocument | None = None
    signature: dict[str, Any] = field(default_factory=dict)
    letter: SignedLetter | None = None

    @property
    def genuine(self) -> bool:
        return self.outcome == GENUINE

    @property
    def edition(self) -> Edition | None:
        return self.document.edition if self.document is not None else None

    @property
    def signed_at(self) -> datetime | None:
        if self.letter is not None:
            return self.letter.signed_at
        edition = self.edition
        if edition is not None and edition.signed_at:
            return edition.signed_at
        return self.signature.get("signed_at")

    @property
    def signature_checked(self) -> bool:
        return bool(self.signature) and not self.signature.get("error")


def verify_pdf(data: bytes) -> Verdict:
    """Check the bytes of an uploaded PDF (the caller has checked the size and the %PDF- magic)."""
    sha256 = hashlib.sha256(data).hexdigest()
    document = published_document_by_sha256(sha256)
    signature = validate_pdf_signature(data, trust_roots())
    if document is not None:
        # The very bytes we published. The signature is reported beside it: it fails only if
        # the trust roots changed since, which does not make the copy any less ours.
        return Verdict(GENUINE, sha256, len(data), document, signature)
    letter = letter_by_sha256(sha256)
    if letter is not None:
        return Verdict(GENUINE, sha256, len(data), None, signature, letter)
    if _signed_by_us(signature) and not _unchanged(signature):
        # Signed with one of this system's keys, but changed (or added to) after signing.
        return Verdict(ALTERED, sha256, len(data), None, signature)
    # No signature, someone else's, or ours on bytes we never published: not one of ours.
    return Verdict(UNKNOWN, sha256, len(data), None, signature)


def _unchanged(signature: dict[str, Any]) -> bool:
    return bool(signature.get("intact")) and bool(signature.get("covers_whole_file"))


def _signed_by_us(signature: dict[str, Any]) -> bool:
    """The signature names a certificate of this system: one that chains to our trust roots,
    or (when the changed bytes stop the chain being checked) the certificate that signed one
    of our published documents."""
    signer = signature.get("signer")
    if not signer:
        return False
    return bool(signature.get("trusted")) or published_document_signed_with(signer)
