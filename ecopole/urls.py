from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import admin_login
from ecopole.core.apis import ApiRootApi
from ecopole.core.health import health
from shop.account.views import email_confirm as email_confirm_page

admin.site.site_header = "Ecopôle alimentaire"
admin.site.site_title = "Ecopôle alimentaire"


def _if_docs_enabled(view):
    """The schema and the docs answer 404 when API_DOCS_ENABLED is off (read per request: tests can switch it)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.API_DOCS_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


api_v1 = [
    path("", ApiRootApi.as_view(), name="api-root"),
    # A customer's saved addresses live in deliveries (geocoding and zones), under the account's URL.
    path("auth/me/addresses/", include("deliveries.address_urls")),
    path("auth/", include("accounts.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("orders/", include("orders.urls")),
    path("baskets/", include("baskets.urls")),
    path("deliveries/", include("deliveries.urls")),
    path("processing/", include("processing.urls")),
    path("invoicing/", include("invoicing.urls")),
    path("vending/", include("vending.urls")),
    path("payments/", include("payments.urls")),
]

urlpatterns = [
    path("health/", health, name="health"),
    path("api/v1/", include(api_v1)),
    # The confirmation link of the emails (accounts.emails reverses this name): the shop's page, which also logs in
    # the browser that registered.
    path("compte/confirmer-email/", email_confirm_page, name="email-confirm-page"),
    path("compte/", include("shop.account.urls")),
    path("api/schema/", _if_docs_enabled(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves its settings script as a file: no inline script, so the CSP can forbid them.
    path("api/docs/", _if_docs_enabled(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="swagger-ui"),
    # Before the admin's own URLs: its login page behind the login rate and the per-account delay.
    path(f"{settings.ADMIN_URL}login/", admin_login, name="admin-login"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("producteurs/", include("farmers.urls")),  # before the shop: the farmers' space (issue 17)
    path("lots/", include("farmers.urls_lots")),
    path("equipe/", include("staff.urls")),
    path("livreur/", include("staff.urls_driver")),
    path("", include("shop.urls")),
]


def media(request, path):
    """Uploaded photos, served by Django only where SERVE_MEDIA is on (runserver, tests); MEDIA_ROOT read per request."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", media))

handler400 = "ecopole.core.exceptions.json_400"
handler403 = "ecopole.core.exceptions.json_403"
handler404 = "ecopole.core.exceptions.json_404"
handler500 = "ecopole.core.exceptions.json_500"
