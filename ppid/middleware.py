import time
from urllib.parse import urlencode

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from ppid import twofactor
from ppid.errors import bad_request

LAST_SEEN_KEY = "ppid_last_seen"


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Indonesian unless the user picked another language with the switch.

    Many officers' browsers say "en-US" without anyone having chosen it, so for pages the
    browser's Accept-Language is ignored and only the language cookie counts. The API keeps
    Django's negotiation, so integrators may ask for English with Accept-Language.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Views anyone may open, signed in or not, without a second factor and without refreshing the
# session: the public website (cookie-free, cached), the sign-in page, the public API.
PUBLIC_VIEWS = frozenset(
    {
        "home",
        "favicon",
        "login",
        "set_language",
        "dip:verify",
        "dip:verify_code",
        "dip:language",
        "api:token",
        "api:schema",
        "api:docs",
    }
)
PUBLIC_PREFIXES = ("dip:public_", "api:public-")
# Internal views a signed-in officer may open before the second factor: the second-factor
# pages themselves, signing out, and the invitation link.
BEFORE_SECOND_FACTOR = frozenset(
    {
        "logout",
        "accounts:2fa_enrol",
        "accounts:2fa_verify",
        "accounts:2fa_codes",
        "accounts:password_set",
    }
)
# How often (seconds) a working officer's session is saved to push its expiry forward.
SESSION_REFRESH_SECONDS = 60


def is_public_view(view_name: str) -> bool:
    return view_name in PUBLIC_VIEWS or view_name.startswith(PUBLIC_PREFIXES)


class AccountSecurityMiddleware:
    """After django-otp's middleware, for signed-in officers on internal pages:

    - keeps the session alive while they work (it expires SESSION_COOKIE_AGE after the last
      internal request; public pages never touch it, so they never set a cookie);
    - sends those who need a second factor (ppid.twofactor) to enrol or to enter their code
      before any internal page; the API answers 403 for such a session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if is_public_view(view_name) or not request.user.is_authenticated:
            return None
        self._refresh(request)
        if view_name in BEFORE_SECOND_FACTOR:
            return None
        if twofactor.is_verified(request.user) or not twofactor.second_factor_required(
            request.user
        ):
            return None
        if view_name.startswith("api:"):
            return JsonResponse(
                {"detail": str(twofactor.SecondFactorRequired.message), "code": "otp_required"},
                status=403,
            )
        target = (
            "accounts:2fa_verify" if twofactor.has_device(request.user) else "accounts:2fa_enrol"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _refresh(request) -> None:
        now = int(time.time())
        if now - request.session.get(LAST_SEEN_KEY, 0) >= SESSION_REFRESH_SECONDS:
            request.session[LAST_SEEN_KEY] = now


PRIVATE_CACHE_CONTROL = "private, no-store"


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on officers' pages and on API answers to an
    authenticated caller (token or session), so that neither a shared cache nor the browser
    keeps what only they may read. The public website (the same for everyone, signed in or
    not) keeps the caching its views set, and so does the public API, which authenticates
    nobody; a view that already forbids storing (the admin's never_cache) is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        # DRF's token authentication sets the user on the Django request too.
        user = getattr(request, "user", None)
        signed_in_api = view_name.startswith("api:") and bool(user and user.is_authenticated)
        if is_public_view(view_name) and not signed_in_api:
            return response
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


NUL_MESSAGE = gettext_lazy(
    "The address or the form contains a NUL character (code 0), which no field accepts. "
    "Remove it and try again."
)
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class RejectNulMiddleware:
    """Answers 400 to a request whose path, query string or form body holds a NUL byte.

    PostgreSQL refuses NUL in text, so such a value would fail deep inside a query as a 500.
    No address and no form field of this app takes one, so it is refused here, once, for every
    view. JSON and multipart bodies of the API are checked by its parsers (ppid/parsers.py);
    the fields of a multipart page form refuse NUL themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return bad_request(request, str(NUL_MESSAGE))
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            return True
        if request.content_type == FORM_CONTENT_TYPE:
            # Bounded by DATA_UPLOAD_MAX_MEMORY_SIZE, and kept for request.POST afterwards.
            return b"%00" in request.body or b"\x00" in request.body
        return False


def sorted_policy(policy: str) -> str:
    """A Content-Security-Policy with its directives in alphabetical order (the order of
    directives carries no meaning; the names are unique)."""
    return "; ".join(sorted(part.strip() for part in policy.split(";") if part.strip()))


class SortedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy's directives in a fixed order: django-csp 4.0
    builds them from a set of names, so each worker process (its own string hash seed) wrote
    them in its own order, and the same page's header bytes differed from one process to
    the next (the page cache stores those bytes). A header the view set itself is kept as is."""

    def process_response(self, request, response):
        own = [h for h in (CSP_HEADER, CSP_HEADER_REPORT_ONLY) if h not in response]
        response = super().process_response(request, response)
        for header in own:
            if header in response:
                response[header] = sorted_policy(response[header])
        return response
