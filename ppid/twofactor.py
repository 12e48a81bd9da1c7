"""Two-factor authentication: who needs it, enrolment, verification and recovery codes.

A second factor (TOTP in an authenticator app, with single-use recovery codes) is required,
when `PPID_REQUIRE_2FA` is on, from those who sign (the atasan, and whoever gives the final
approval where an SOP has no atasan) and from the PPID Utama; superusers too, since they can
grant themselves either. Who signs is read from the bodies' SOPs in force, which ppid cannot
import: the workflow app registers that check at start-up (`register_signer_check`).

A browser session is verified once per sign-in (django-otp keeps the device in the session);
an API token is verified when it was obtained with a code (`SecondFactorToken`). Signing is
refused without one (`check_signing_allowed`), whatever the page or the API says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO
from math import ceil

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from rest_framework.authtoken.models import Token

from ppid.models import Role, SecondFactorToken
from ppid.permissions import roles_anywhere
from ppid.signals import audit_event

SIGNATURE_ROLES = frozenset({Role.ATASAN, Role.PPID_UTAMA})
RECOVERY_DEVICE_NAME = "recovery"
APP_DEVICE_NAME = "app"
TOTP_DIGITS = 6
_REQUIRED_ATTR = "_ppid_second_factor_required"

_signer_checks: list[Callable[[AbstractBaseUser], bool]] = []
_waived: ContextVar[bool] = ContextVar("ppid_second_factor_waived", default=False)


class SecondFactorRequired(PermissionDenied):
    """Signing without a verified second factor (HTTP 403)."""

    message = gettext_lazy(
        "Signing needs a second factor: confirm this sign-in with the code from your "
        "authenticator app (or a recovery code) first."
    )

    def __init__(self, message: str | None = None):
        super().__init__(message or str(self.message))


# --- the policy ------------------------------------------------------------------------------


def register_signer_check(check: Callable[[AbstractBaseUser], bool]) -> None:
    """Add a predicate "this user signs for some body" (the workflow app's, from the SOPs)."""
    if check not in _signer_checks:
        _signer_checks.append(check)


def second_factor_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this user must confirm every sign-in with a second factor (kept per request)."""
    if not settings.PPID_REQUIRE_2FA or not user.is_authenticated or not user.is_active:
        return False
    cached = user.__dict__.get(_REQUIRED_ATTR)
    if cached is None:
        cached = (
            user.is_superuser
            or bool(roles_anywhere(user) & SIGNATURE_ROLES)
            or any(check(user) for check in _signer_checks)
        )
        user.__dict__[_REQUIRED_ATTR] = cached
    return cached


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """This request's user confirmed the sign-in with a second factor (set by django-otp's
    middleware for sessions, by ppid.api.TokenAuthentication for tokens)."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def check_signing_allowed(user: AbstractBaseUser) -> None:
    """Refuse a signature from an unverified user while PPID_REQUIRE_2FA is on."""
    if not settings.PPID_REQUIRE_2FA or _waived.get() or is_verified(user):
        return
    raise SecondFactorRequired()


@contextmanager
def second_factor_waived() -> Iterator[None]:
    """For management commands acting as the system (seed_demo signs the demo's editions):
    no request, so no second factor to ask for. Never used on a request path."""
    token = _waived.set(True)
    try:
        yield
    finally:
        _waived.reset(token)


# --- devices ---------------------------------------------------------------------------------


def app_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_device(user: AbstractBaseUser, key: str | None = None) -> TOTPDevice:
    """An authenticator being set up, not stored: its secret (`key`, hex) is kept in the
    session until a first code confirms it, so showing the set-up page writes nothing."""
    return TOTPDevice(user=user, name=APP_DEVICE_NAME, key=key or default_key(), confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no external service, no script)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2
    )
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def _clean_code(code: str) -> str:
    return "".join((code or "").split()).lower()


def _audit(*, actor, user: AbstractBaseUser, action: str, data: dict | None = None) -> None:
    audit_event.send(
        sender=Device, actor=actor, body=None, action=action, target=user, data=data or {}
    )


def _recovery_codes_replace(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.PPID_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_enrol(*, user: AbstractBaseUser, device: TOTPDevice, code: str) -> list[str]:
    """Store the authenticator once it shows a right code; it replaces any earlier one.
    Returns the new recovery codes (shown once). A wrong code stores nothing."""
    if device.pk is not None or device.user_id != user.pk:
        raise ValidationError({"code": [_("This enrolment is no longer valid; start again.")]})
    code = _clean_code(code)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
        raise ValidationError(
            {"code": [_("That code is not right. Enter the 6 digits your app shows now.")]}
        )
    # The code just used cannot be used again to confirm a sign-in.
    device.last_t, device.drift, device.confirmed = totp.t(), totp.drift, True
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.full_clean()
        device.save()
        codes = _recovery_codes_replace(user)
        _audit(actor=user, user=user, action="account.2fa_enrol")
    return codes


def second_factor_wait(user: AbstractBaseUser) -> int:
    """Seconds before the user's devices take another code: each wrong code doubles the wait
    (django-otp's throttling), which makes guessing six digits hopeless."""
    wait = 0
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    now = timezone.now()
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            wait = max(wait, ceil((info["locked_until"] - now).total_seconds()))
    return max(wait, 0)


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes: try again in %(n)d second.",
        "Too many wrong codes: try again in %(n)d seconds.",
        seconds,
    ) % {"n": seconds}


def second_factor_verify(*, user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts the code: the authenticator, or a recovery code (used up).
    Every attempt is audited; a device throttles repeated failures by itself."""
    code = _clean_code(code)
    device = None
    if code:
        # Six digits go to the app, anything else to the recovery codes, so that using a
        # recovery code does not count as a wrong app code (and the reverse).
        if code.isdigit() and len(code) == TOTP_DIGITS:
            candidates = [app_device(user)]
        else:
            candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
        for candidate in candidates:
            if candidate is not None and verify_token(user, candidate.persistent_id, code):
                device = candidate
                break
    if device is None:
        _audit(actor=user, user=user, action="account.2fa_failed")
    else:
        kind = "recovery_code" if isinstance(device, StaticDevice) else "app"
        data = {"device": kind}
        if kind == "recovery_code":
            data["codes_left"] = recovery_codes_left(user)
        _audit(actor=user, user=user, action="account.2fa_verify", data=data)
    return device


@transaction.atomic
def recovery_codes_create(*, user: AbstractBaseUser) -> list[str]:
    """New recovery codes for a user with an authenticator; the old ones stop working."""
    if not has_device(user):
        raise ValidationError(_("Set up an authenticator app first."))
    codes = _recovery_codes_replace(user)
    _audit(actor=user, user=user, action="account.2fa_recovery_codes")
    return codes


@transaction.atomic
def second_factor_reset(*, user: AbstractBaseUser, actor: AbstractBaseUser) -> None:
    """Remove the user's authenticator and recovery codes (a lost phone) and their API tokens;
    they enrol again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    _audit(actor=actor, user=user, action="account.2fa_reset")


def token_mark_verified(token: Token) -> SecondFactorToken:
    marker, _created = SecondFactorToken.objects.get_or_create(
        token=token, defaults={"verified_at": timezone.now()}
    )
    return marker
