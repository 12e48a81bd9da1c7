"""Pushing published editions to outside aggregators (e.g. the province's SIKEDIP).

A connector takes one published edition — its JSON document (body, edition, rows as signed)
and the signed PDF — and pushes it to one aggregator. `connector_for(aggregator)` picks the
connector; today there is one kind, an HTTP push, and that function is the seam for others.

The HTTP push
-------------
``POST <aggregator.url>`` with a JSON body (UTF-8)::

    {
      "body": "<body slug>",
      "edition": {"id", "kind", "year", "revision", "title", "signed_at", "published_at",
                  "verification_code", "verification_url", "html_url", "pdf_url",
                  "csv_url", "xlsx_url", "json_url",  # absolute, on PPID_PUBLIC_BASE_URL
                  "sha256"},                      # sha256 of the signed PDF, or null
      "rows": [ ... ],                            # the public DIP or DIK columns, as signed
      "pdf_base64": "<the signed PDF>" | null
    }

and these headers (names are case-insensitive, as ever in HTTP; urllib sends them capitalised,
e.g. ``X-ppid-signature``):

- ``Content-Type: application/json``
- ``X-PPID-Timestamp: <Unix time in seconds, an integer>``
- ``X-PPID-Signature: sha256=<hex>``, where ``<hex>`` is the lowercase hex HMAC-SHA256, keyed
  with the aggregator's shared secret (UTF-8), of ``<timestamp> + "." + <raw request body>``
  (the body exactly as received, before any JSON parsing).
- ``Idempotency-Key: <edition id>-<aggregator id>``: the same on every retry of the same
  edition to the same aggregator; a receiver that has seen it already should answer 2xx again.

To verify, an aggregator recomputes the HMAC over the timestamp header, a dot and the raw body,
compares it with the header in constant time, and refuses a timestamp more than a few minutes
away from its own clock (replays). In Python::

    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body,
                                    hashlib.sha256).hexdigest()
    ok = hmac.compare_digest(expected, request.headers["X-PPID-Signature"])
    ok = ok and abs(time.time() - int(timestamp)) <= 300

Answers: 2xx is sent. 408, 425, 429, 5xx and network errors (refused, reset, timeout) are transient
and retried with backoff. Any other answer (3xx — redirects are not followed, so a moved
endpoint is noticed —, 4xx) is a permanent failure, shown with its error until someone sends
the edition again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder

from dip.models import Aggregator, Edition
from dip.serializers import edition_public_data

TIMEOUT_SECONDS = 10
USER_AGENT = "PPID-Dokumentasi/1.0 (+publication push)"
SIGNATURE_HEADER = "X-PPID-Signature"
TIMESTAMP_HEADER = "X-PPID-Timestamp"
# Answers that say "try again later" rather than "this request is wrong".
TRANSIENT_STATUSES = frozenset({408, 425, 429})
_ERROR_BODY_CHARS = 300
_MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class PushResult:
    status_code: int | None  # the HTTP status, or None when no answer came (network error)
    ok: bool
    error: str = ""
    retryable: bool = False  # a failure that may pass on a later attempt


class Connector(Protocol):
    def push(self, edition: Edition, rows_payload: dict, pdf: bytes | None) -> PushResult:
        """Push the edition's JSON document (`edition_payload`) and its signed PDF, if any."""
        ...


def edition_payload(edition: Edition, *, sha256: str | None) -> dict[str, Any]:
    """The JSON document of a published edition: its header and the public columns of its rows
    exactly as signed, as every public channel gives them (`dip.serializers`)."""
    data = edition_public_data(edition)
    header = {**data["edition"], "sha256": sha256 or None}
    header.pop("body", None)
    return {"body": edition.body.slug, "edition": header, "rows": list(data["rows"])}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-PPID-Signature value for a request body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would turn a redirected POST into a body-less GET and report success.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _answer_excerpt(response) -> str:
    try:
        text = response.read(_MAX_ANSWER_BYTES).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
    text = " ".join(text.split())
    return text[:_ERROR_BODY_CHARS]


class HttpPushConnector:
    """POST the signed JSON document to the aggregator's URL (stdlib only)."""

    def __init__(self, aggregator: Aggregator, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.aggregator = aggregator
        self.timeout = timeout

    def request_for(
        self, edition: Edition, rows_payload: dict, pdf: bytes | None
    ) -> urllib.request.Request:
        document = {
            **rows_payload,
            "pdf_base64": base64.b64encode(pdf).decode("ascii") if pdf is not None else None,
        }
        body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.aggregator.secret, timestamp, body),
            "Idempotency-Key": f"{edition.pk}-{self.aggregator.pk}",
        }
        return urllib.request.Request(
            self.aggregator.url, data=body, headers=headers, method="POST"
        )

    def push(self, edition: Edition, rows_payload: dict, pdf: bytes | None) -> PushResult:
        if urlsplit(self.aggregator.url).scheme not in ("http", "https"):
            return PushResult(None, ok=False, error="The push URL must be http or https.")
        request = self.request_for(edition, rows_payload, pdf)
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                return PushResult(response.status, ok=True)
        except urllib.error.HTTPError as answer:
            code = answer.code
            excerpt = _answer_excerpt(answer)
            answer.close()
            if 300 <= code < 400:
                location = answer.headers.get("Location", "")
                error = f"HTTP {code}: redirected to {location or '?'}; not followed."
            else:
                error = f"HTTP {code} {answer.reason}" + (f": {excerpt}" if excerpt else "")
            retryable = code >= 500 or code in TRANSIENT_STATUSES
            return PushResult(code, ok=False, error=error, retryable=retryable)
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, bad answer
            reason = getattr(exc, "reason", None) or exc
            return PushResult(None, ok=False, error=f"Network error: {reason}", retryable=True)


def connector_for(aggregator: Aggregator) -> Connector:
    """The connector that talks to this aggregator (the seam for other kinds of push)."""
    return HttpPushConnector(aggregator)
