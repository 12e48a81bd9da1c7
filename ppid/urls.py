from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dip.api import (
    AggregatorRowsView,
    ClassificationChangeViewSet,
    ImportViewSet,
    ItemViewSet,
    PublicBodyList,
    PublicDikView,
    PublicDipView,
)
from dip.views.public import home
from ppid.api import BodyList, ObtainToken, TokenRevokeView
from ppid.forms import LoginForm
from ppid.views import account, people, site
from workflow import seed_data
from workflow.api import (
    EditionViewSet,
    InformationRequestViewSet,
    ObjectionViewSet,
    PublicObjectionCreate,
    PublicRequestCreate,
    PublicRequestStatus,
    SertaMertaRequestViewSet,
)

router = DefaultRouter()
router.register("items", ItemViewSet, basename="item")
router.register(
    "classification-changes", ClassificationChangeViewSet, basename="classification-change"
)
router.register("imports", ImportViewSet, basename="import")
router.register("editions", EditionViewSet, basename="edition")
router.register("serta-merta", SertaMertaRequestViewSet, basename="serta-merta")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("requests", InformationRequestViewSet, basename="request")

api_patterns = [
    path("auth/token/", ObtainToken.as_view(), name="token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="token-revoke"),
    path("bodies/", BodyList.as_view(), name="bodies"),
    path("public/bodies/", PublicBodyList.as_view(), name="public-bodies"),
    path("public/bodies/<slug:slug>/dip/", PublicDipView.as_view(), name="public-dip"),
    path("public/bodies/<slug:slug>/dik/", PublicDikView.as_view(), name="public-dik"),
    path("aggregator/rows/", AggregatorRowsView.as_view(), name="aggregator-rows"),
    path(
        "public/requests/<str:tracking_code>/objections/",
        PublicObjectionCreate.as_view(),
        name="public-request-objections",
    ),
    path("public/requests/", PublicRequestCreate.as_view(), name="public-requests"),
    path(
        "public/requests/<str:tracking_code>/",
        PublicRequestStatus.as_view(),
        name="public-request",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]


class SignInView(auth_views.LoginView):
    """Django's sign-in page with our form (its wrong-login message reads right in
    Indonesian); in the demo (PPID_DEMO) it names the demo accounts that exist."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.PPID_DEMO:
            names = {username for username, _body, _role in seed_data.demo_accounts()}
            existing = set(
                get_user_model()
                .objects.filter(username__in=names, is_active=True)
                .values_list("username", flat=True)
            )
            context["demo_accounts"] = [
                row for row in seed_data.demo_accounts() if row[0] in existing
            ]
            context["demo_password"] = settings.PPID_DEMO_PASSWORD
        return context


LOGIN_VIEW = SignInView.as_view()

BODY_PEOPLE = "pengguna/badan/<slug:slug>/"
OFFICER = f"{BODY_PEOPLE}akun/<int:user_id>/"

account_patterns = [
    # The officer's own sign-in security.
    path("akun/keamanan/", account.security, name="security"),
    path("akun/2fa/daftar/", account.enrol, name="2fa_enrol"),
    path("akun/2fa/verifikasi/", account.verify, name="2fa_verify"),
    path("akun/2fa/kode-pemulihan/", account.recovery_codes, name="2fa_codes"),
    path("akun/sandi/<uidb64>/<token>/", account.PasswordSetView.as_view(), name="password_set"),
    # People management (PPID Utama; a body's PPID for its operators).
    path("pengguna/", people.people, name="people"),
    path(BODY_PEOPLE, people.body_people, name="body_people"),
    path(f"{BODY_PEOPLE}tambah/", people.officer_create, name="officer_create"),
    path(f"{BODY_PEOPLE}undang/", people.officer_invite, name="officer_invite"),
    path(f"{BODY_PEOPLE}beri-peran/", people.role_grant, name="role_grant"),
    path(f"{OFFICER}cabut/<slug:role>/", people.role_revoke, name="role_revoke"),
    path(f"{OFFICER}nonaktifkan/", people.account_deactivate, name="deactivate"),
    path(f"{OFFICER}aktifkan/", people.account_reactivate, name="reactivate"),
    path(f"{OFFICER}undang-ulang/", people.invitation_resend, name="invitation_resend"),
    path(f"{OFFICER}setel-ulang-2fa/", people.second_factor_reset, name="2fa_reset"),
]

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", site.favicon, name="favicon"),
    path("masuk/", LOGIN_VIEW, name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include((account_patterns, "accounts"))),
    path("", include("workflow.urls")),
    path("", include("dip.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
]

# A database outage answers 503 with Retry-After; any other error the project's 500 page.
handler500 = "ppid.errors.server_error"
# Under /api/ JSON, whatever the path: a 404, and a request Django refuses before any view
# (413 for a body over the size limit); elsewhere the pages.
handler404 = "ppid.errors.page_not_found"
handler400 = "ppid.errors.request_refused"
