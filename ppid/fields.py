"""Model field helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models


def bounded_text(*args: Any, max_length: int, **kwargs: Any) -> models.TextField:
    """A TextField with a maximum length that holds everywhere.

    Django's TextField(max_length=...) only sets the form widget's maxlength; the validator
    makes full_clean() (every service) refuse longer text with a field error, and DRF's
    ModelSerializer turns the two into the field's max_length, which the OpenAPI document shows.
    """
    return models.TextField(
        *args, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs
    )


# Notes written beside a decision (a step, a consideration, a row flag's outcome).
NOTE_MAX_LENGTH = 2000


def note_check(note: str) -> None:
    """Refuse a note longer than NOTE_MAX_LENGTH with a field error on "note" (for the rows and
    audit data that services write without a model field of their own to validate it)."""
    try:
        MaxLengthValidator(NOTE_MAX_LENGTH)(note)
    except ValidationError as error:
        raise ValidationError({"note": error.messages}) from None
