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


@dataclass(frozen=True)
class OtherDocument:
    """A signed PDF of this system that is not an edition's (a request's written notice, an
    atasan's answer to an objection), as the verification page describes it: no personal data."""

    kind: str
    title: str
    body_name: str
    signed_at: datetime | None
    sha256: str
    size: int


# Lookups registered at start-up by the apps that own other signed PDFs (dip never imports
# them): each takes a SHA-256 and returns the ready document with these bytes, or None.
OTHER_DOCUMENT_LOOKUPS: list[Callable[[str], OtherDocument | None]] = []
# The same by the verification code printed under a document's QR code (`/verifikasi/<code>/`).
OTHER_DOCUMENT_CODE_LOOKUPS: list[Callable[[str], OtherDocument | None]] = []


def other_document_by_code(code: str) -> OtherDocument | None:
    """The other signed document whose QR code carries `code`, or None."""
    code = code.strip()
    if not code:
        return None
    return next(
        (found for lookup in OTHER_DOCUMENT_CODE_LOOKUPS if (found := lookup(code)) is not None),
        None,
    )


GENUINE = "genuine"
ALTERED = "altered"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verdict:
    outcome: str
    sha256: str
    size: int
    document: EditionDocument | None = None
    signature: dict[str, Any] = field(default_factory=dict)
    other: OtherDocument | None = None

    @property
    def genuine(self) -> bool:
        return self.outcome == GENUINE

    @property
    def edition(self) -> Edition | None:
        return self.document.edition if self.document is not None else None

    @property
    def signed_at(self) -> datetime | None:
        edition = self.edition
        if edition is not None and edition.signed_at:
            return edition.signed_at
        if self.other is not None and self.other.signed_at:
            return self.other.signed_at
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
    for lookup in OTHER_DOCUMENT_LOOKUPS:
        other = lookup(sha256)
        if other is not None:
            return Verdict(GENUINE, sha256, len(data), None, signature, other)
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
