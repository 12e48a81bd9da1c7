"""The error answers of the JSON API, documented once for every operation of the OpenAPI schema.

drf-spectacular describes each view's success answer; what can go wrong is the same across the
API and follows from a few facts about the operation, so one postprocessing hook
(`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`) adds it everywhere instead of each view
repeating it:

- 400 on every operation: a query string, a path or a body the API refuses, with one message
  list per field (`ValidationErrors`) or a single `detail` (a body that is not JSON);
- 401 and 403 on operations that need a credential (no token, or a role that may not act);
- 404 on operations with a path parameter (not there, or not yours) and on paginated lists (a
  page past the end);
- 409 on state-changing operations on an existing object: "already processed", the object is
  no longer in the state the caller saw (`ppid.exceptions.Conflict`, `ppid.api`);
- 413 on operations with a request body over `DATA_UPLOAD_MAX_MEMORY_SIZE`;
- 415 on operations with a request body sent in a media type the operation does not read
  (DRF's `UnsupportedMediaType`: no parser for the `Content-Type`, or none given at all), e.g.
  a raw body without a `Content-Type` to a multipart upload;
- 429 on every operation (rate limits, sign-in lockout), with `Retry-After`;
- 503 on every operation while the database cannot be reached (`ppid.errors`), with
  `Retry-After`.

An answer a view declares itself (`@extend_schema(responses={...})`) is kept as it is.
"""

from __future__ import annotations

from typing import Any

UNSAFE_METHODS = {"post", "put", "patch", "delete"}
HTTP_METHODS = {"get", "head", "options", *UNSAFE_METHODS}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


MESSAGES = {"type": "array", "items": {"type": "string"}}
COMPONENTS: dict[str, dict[str, Any]] = {
    "ErrorDetail": {
        "type": "object",
        "description": "What went wrong, in the caller's language.",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "A stable word for programs."},
        },
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": (
            "One list of messages per field that was refused, by the field's name; "
            "`non_field_errors` for the request as a whole. A list or map field (e.g. `items`) "
            "may give its messages per position instead."
        ),
        "additionalProperties": {
            "anyOf": [
                MESSAGES,
                {"type": "object", "additionalProperties": MESSAGES},
            ]
        },
        "example": {"classification": ["“AAA” is not one of: setiap_saat, berkala."]},
    },
    "AlreadyProcessed": {
        "type": "object",
        "description": (
            "The object is no longer in the state the caller saw: someone else (or a double "
            "click) processed it first. Reload it and decide again."
        ),
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string", "enum": ["already_processed"]},
            "state": {"type": "string", "description": "The state it is in now."},
        },
        "required": ["detail", "code", "state"],
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}


def _answer(description: str, schema: dict, headers: dict | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def error_answers(method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The error answers an operation can give, by status code (see the module's docstring)."""
    parameters = operation.get("parameters", [])
    in_path = any(p.get("in") == "path" for p in parameters)
    paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
    needs_credential = {} not in operation.get("security", [{}])
    answers = {
        "400": _answer(
            "The request was refused: a message per field, or a `detail` for a body that "
            "cannot be read.",
            {"anyOf": [_ref("FieldErrors"), _ref("ErrorDetail")]},
        )
    }
    if needs_credential:
        answers["401"] = _answer(
            "No credential, or one that is not valid (unknown or revoked token).",
            _ref("ErrorDetail"),
            {"WWW-Authenticate": {"schema": {"type": "string"}}},
        )
        answers["403"] = _answer(
            "The caller's roles do not allow this action on this object.", _ref("ErrorDetail")
        )
    if in_path or paginated:
        answers["404"] = _answer(
            "Not found, or not visible to the caller (or a page past the last one).",
            _ref("ErrorDetail"),
        )
    if needs_credential and in_path and method in UNSAFE_METHODS:
        answers["409"] = _answer("Already processed.", _ref("AlreadyProcessed"))
    if "requestBody" in operation:
        answers["413"] = _answer("The request body is too large.", _ref("ErrorDetail"))
        answers["415"] = _answer(
            "The request body's media type (`Content-Type`) is not one this operation reads.",
            _ref("ErrorDetail"),
        )
    answers["429"] = _answer(
        "Too many requests (rate limit, or sign-in locked out for a while).",
        _ref("ErrorDetail"),
        RETRY_AFTER,
    )
    answers["503"] = _answer(
        "The database cannot be reached for a moment.", _ref("ErrorDetail"), RETRY_AFTER
    )
    return answers


def document_error_answers(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation gets its error answers."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, answer in error_answers(method, operation).items():
                responses.setdefault(code, answer)
    return result
