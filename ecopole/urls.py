from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ecopole.core.apis import ApiRootApi
from ecopole.core.health import health

admin.site.site_header = "Ecopôle alimentaire"
admin.site.site_title = "Ecopôle alimentaire"

api_v1 = [
    path("", ApiRootApi.as_view(), name="api-root"),
    path("auth/", include("accounts.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("orders/", include("orders.urls")),
    path("baskets/", include("orders.basket_urls")),
    path("deliveries/", include("deliveries.urls")),
    path("processing/", include("processing.urls")),
    path("vending/", include("vending.urls")),
]

urlpatterns = [
    path("health/", health, name="health"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
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
