"""Sign-in security pages: the second factor (enrol, verify, recovery codes), the account's
security page, and the invitation link that sets a first password."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from ppid import services, twofactor
from ppid.forms import SecondFactorCodeForm, add_service_errors

CODES_SESSION_KEY = "ppid_recovery_codes"
CODES_NEXT_KEY = "ppid_recovery_codes_next"
ENROL_KEY_SESSION_KEY = "ppid_totp_enrolment_key"


def _to(name: str, next_url: str):
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workflow:tasks")


@login_required
def security(request):
    """The officer's own sign-in security: second factor status, recovery codes left."""
    user = request.user
    return render(
        request,
        "ppid/account_security.html",
        {
            "has_device": twofactor.has_device(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "required": twofactor.second_factor_required(user),
            "verified": twofactor.is_verified(user),
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def enrol(request):
    """Set up an authenticator app: the QR code and the secret, then confirm with a code.
    Re-enrolling (a new phone) needs the current second factor first."""
    user = request.user
    if twofactor.has_device(user) and not twofactor.is_verified(user):
        return _to("accounts:2fa_verify", request.get_full_path())
    device = twofactor.enrolment_device(user, request.session.get(ENROL_KEY_SESSION_KEY))
    request.session[ENROL_KEY_SESSION_KEY] = device.key
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.second_factor_enrol(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[ENROL_KEY_SESSION_KEY]
            request.session.cycle_key()
            otp_login(request, device)
            request.session[CODES_SESSION_KEY] = codes
            request.session[CODES_NEXT_KEY] = _next_url(request)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("accounts:2fa_codes")
    return render(
        request,
        "ppid/2fa_enrol.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_base32(device),
            "next": _next_url(request),
            "required": twofactor.second_factor_required(user),
        },
    )


def _verify_code(form: SecondFactorCodeForm, user):
    """The device that accepts the form's code, or None with the reason at the field."""
    wait = twofactor.second_factor_wait(user)
    if wait:
        form.add_error("code", twofactor.wait_message(wait))
        return None
    device = twofactor.second_factor_verify(user=user, code=form.cleaned_data["code"])
    if device is None:
        form.add_error(
            "code",
            _(
                "That code is not right. Enter the 6 digits your app shows now, or an unused "
                "recovery code."
            ),
        )
    return device


@never_cache
@login_required
@sensitive_post_parameters("code")
def verify(request):
    """Confirm this sign-in with the app's code or a recovery code (used up)."""
    user = request.user
    if not twofactor.has_device(user):
        return _to("accounts:2fa_enrol", _next_url(request))
    if twofactor.is_verified(user):
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify_code(form, user)
        if device is not None:
            request.session.cycle_key()
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(n)d left. Make new ones on your "
                        "account's security page."
                    )
                    % {"n": twofactor.recovery_codes_left(user)},
                )
            return redirect(_next_url(request))
    return render(request, "ppid/2fa_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def recovery_codes(request):
    """The recovery codes, shown once after they are made; POST makes new ones."""
    user = request.user
    if request.method == "POST":
        if not twofactor.is_verified(user):
            return _to("accounts:2fa_verify", reverse("accounts:security"))
        try:
            request.session[CODES_SESSION_KEY] = twofactor.recovery_codes_create(user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:security")
        request.session[CODES_NEXT_KEY] = reverse("accounts:security")
        return redirect("accounts:2fa_codes")
    codes = request.session.pop(CODES_SESSION_KEY, None)
    next_url = request.session.pop(CODES_NEXT_KEY, None) or reverse("accounts:security")
    return render(
        request,
        "ppid/2fa_codes.html",
        {
            "codes": codes,
            "next": next_url,
            "codes_left": twofactor.recovery_codes_left(user),
            "has_device": twofactor.has_device(user),
        },
    )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The invitation link: choose a first password (Django's one-time reset token)."""

    template_name = "ppid/password_set.html"
    reset_url_token = "atur-sandi"
    post_reset_login = False
    success_url = reverse_lazy("login")
    title = gettext_lazy("Choose your password")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_set_audit(user=form.user)
        messages.success(self.request, _("Your password is set. Sign in with it now."))
        return response
