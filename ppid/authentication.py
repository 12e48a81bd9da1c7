"""API token authentication that knows about the second factor.

Its own module because DRF imports the classes named in DEFAULT_AUTHENTICATION_CLASSES while
`rest_framework.views` loads, which ppid/api.py imports: keeping this one free of views avoids
the circle.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, telling the services whether the token was obtained with a
    second factor (`user.is_verified()`, as django-otp does for browser sessions)."""

    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user", "second_factor").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        verified = hasattr(token, "second_factor")
        user.is_verified = lambda: verified
        return (user, token)
