"""Form helpers shared by the apps' forms."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ppid.models import Role

User = get_user_model()
logger = logging.getLogger(__name__)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# --- the honeypot of the public forms ----------------------------------------------------------
# One rule for every form the public sends without signing in (a request for information, an
# objection): a field hidden from people (off screen, aria-hidden, out of the tab order) that
# robots fill in. A form that arrives with it filled is refused like any other invalid form:
# HTTP 400, nothing stored, the form shown again with everything typed, the trap emptied, and a
# general error on top. Why not a fake "thank you" (what robots learn least from)? A request
# and an objection start legal time limits (Pasal 22 and 35 UU 14/2008): a person whose
# browser filled the hidden field by itself would believe they had filed, lose what they typed,
# and lose their time limit. So people come first: their text stays and a second send goes
# through. A robot learns only that the form was refused, in the same words as any invalid
# form with no field to blame; the trap is not named.

HONEYPOT_FIELD = "website"

# A flood from one address (ppid.throttling.public_form_wait) is answered by every public form
# alike: 429 with Retry-After, nothing stored, the form shown again as it was typed, and this.
FLOOD_REFUSED = _(
    "Too many forms were sent from your connection in a short time. Nothing was stored and "
    "what you typed is still below; please send it again later, or contact the PPID office."
)


class HoneypotInput(forms.TextInput):
    """The trap's input: out of the tab order and of autofill, and it never shows back what
    was posted (so that sending the form again goes through)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "tabindex": "-1", **(attrs or {})})

    def format_value(self, value: Any) -> None:
        return None


class HoneypotMixin:
    """Put it first among a public form's bases; the template shows the field with
    `includes/honeypot.html`."""

    honeypot_refused = _(
        "Your form was not sent and nothing was stored. Check what you typed (a browser that "
        "fills in forms by itself may have added something) and send it again."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"), required=False, widget=HoneypotInput
        )

    @property
    def honeypot_filled(self) -> bool:
        # The raw value: a trap that fails the field's own checks is still a trap.
        return self.is_bound and bool(str(self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.honeypot_filled:
            # No address, no content: the log counts robots, it does not keep what they sent.
            logger.info("Public form refused, its honeypot was filled: %s", type(self).__name__)
            self.add_error(None, ValidationError(self.honeypot_refused, code="honeypot"))
        return data


# --- sign-in ---------------------------------------------------------------------------------
# Django's own messages for a wrong sign-in, repeated here so that their Indonesian comes from
# our catalogue: Django's reads "Masukkan nama pengguna %(username)s ...", and %(username)s is
# already "nama pengguna", so people read "nama pengguna nama pengguna".


class UsernameLengthMixin:
    """Django's sign-in form gives the username a max_length without enforcing it, so a name
    of any length reached authenticate() and django-axes, whose store of failed attempts (255
    characters) failed on it with a 500. Longer than any username: a field error, no attempt
    counted, nothing stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct %(username)s and password. Note that both fields may be "
            "case-sensitive."
        ),
    }


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password for a staff account. Note "
            "that both fields may be case-sensitive."
        ),
    }


# --- people ----------------------------------------------------------------------------------


def role_choices(roles) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role if role in roles]


class OfficerForm(forms.Form):
    """A new officer and their first role in the body. With `invite`, no password: an e-mail
    with a one-time link lets them choose it."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; e.g. dinsos.operator2"),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    nip = forms.CharField(
        label=_("NIP"),
        max_length=32,
        required=False,
        help_text=_("18 digits; spaces are allowed."),
    )
    role = forms.ChoiceField(label=_("Role in this body"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, roles, invite: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.invite = invite
        self.fields["role"].choices = role_choices(roles)
        if invite:
            del self.fields["password1"]
            del self.fields["password2"]
            self.fields["email"].required = True
            self.fields["email"].help_text = _("The invitation with the link goes here.")

    def clean_nip(self) -> str:
        nip = " ".join(self.cleaned_data["nip"].split())
        if nip and (not nip.replace(" ", "").isdigit() or len(nip.replace(" ", "")) != 18):
            raise ValidationError(_("A NIP has 18 digits."))
        return nip

    def clean(self):
        data = super().clean()
        if self.invite:
            return data
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            probe = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        self.user = User.objects.filter(username=username).first()
        if self.user is None:
            raise ValidationError(_("There is no account with this username."))
        return username


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
