from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from dip.api import ItemViewSet, PublicBodyList, PublicEditionView
from dip.models import EditionKind
from dip.views.public import home
from ppid.api import BodyList, TokenRevokeView
from workflow.api import EditionViewSet

router = DefaultRouter()
router.register("items", ItemViewSet, basename="item")
router.register("editions", EditionViewSet, basename="edition")

api_patterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="token-revoke"),
    path("bodies/", BodyList.as_view(), name="bodies"),
    path("public/bodies/", PublicBodyList.as_view(), name="public-bodies"),
    path(
        "public/bodies/<slug:slug>/dip/",
        PublicEditionView.as_view(kind=EditionKind.DIP),
        name="public-dip",
    ),
    path(
        "public/bodies/<slug:slug>/dik/",
        PublicEditionView.as_view(kind=EditionKind.DIK),
        name="public-dik",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("workflow.urls")),
    path("", include("dip.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
]

# A database outage answers 503 with Retry-After; any other error Django's plain 500 page.
handler500 = "ppid.errors.server_error"
