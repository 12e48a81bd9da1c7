"""The API's request parsers (REST_FRAMEWORK DEFAULT_PARSER_CLASSES): DRF's, refusing with a
400 what would otherwise fail later as a 500.

- JSON nested deeper than MAX_DEPTH: Python's parser recurses, so `[[[[…]]]]` a few thousand
  levels deep raised RecursionError, which DRF does not catch. No payload of this API is
  nested more than a few levels.
- A NUL character in any string of a JSON or multipart body: PostgreSQL refuses it in text,
  so it would fail inside the query. (Paths, query strings and url-encoded bodies are checked
  for every request by ppid.middleware.RejectNulMiddleware.)
- A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE, refused before it is read (413, see
  ppid.api.exception_handler): DRF's parser reads the whole body whatever its size; Django
  checks the limit itself for form and multipart fields.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def nul_error() -> ParseError:
    return ParseError(_("A NUL character (code 0) is not accepted in any field."))


def _check_json(data: Any) -> None:
    """Walk the parsed document without recursion: refuse deep nesting and NUL in strings."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise nul_error()
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _depth_error()
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                value = value.values()
            pending.extend((child, depth + 1) for child in value)


def _depth_error() -> ParseError:
    return ParseError(
        _("The JSON is nested too deeply: at most %(depth)d levels are accepted.")
        % {"depth": MAX_DEPTH}
    )


def _refuse_oversized(parser_context: dict | None) -> None:
    request = (parser_context or {}).get("request")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request is None or limit is None:
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _refuse_oversized(parser_context)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _depth_error() from None
        _check_json(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        for key, values in result.data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise nul_error()
        return result
