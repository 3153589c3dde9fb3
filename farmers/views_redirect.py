"""The public producer pages moved from /producteurs/<slug>/ to /nos-producteurs/<slug>/ when /producteurs/ became
the farmers' space: old links (printed flyers, search engines) follow a permanent redirect."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def old_producer_page(request: HttpRequest, slug: str) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(reverse("shop:producer-detail", kwargs={"slug": slug}))
