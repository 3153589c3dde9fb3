"""Server-rendered pages of accounts: the admin's login page (the customers' pages, email confirmation included, are
the shop's: shop/account/).

The admin's login page is behind the same protections as the API's login.

Per client address: the `login` rate (THROTTLE_LOGIN), the very counter the API's token endpoint uses, on every
POST. Per account: the doubling delay of accounts/login_guard.py, which the authentication backend applies to every
`authenticate()`. Either answers 429 with a Retry-After. Chosen over django-axes so that the admin and the API share
one mechanism, one set of settings and one idea of the client's address (`TRUSTED_PROXIES`).
"""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse

from ecopole.core.throttling import AddressRateThrottle

from .errors import LoginDelayed


def admin_login(request, **kwargs):
    if request.method == "POST":
        throttle = AddressRateThrottle("login")
        if not throttle.allow_request(request, None):
            return _blocked(request, throttle.wait())
    try:
        return admin.site.login(request, **kwargs)
    except LoginDelayed as exc:
        return _blocked(request, exc.extra["retry_after"])


def _blocked(request, wait) -> TemplateResponse:
    retry_after = max(1, int(wait or 1))
    response = TemplateResponse(
        request,
        "accounts/admin_login_blocked.html",
        {**admin.site.each_context(request), "retry_after": retry_after, "title": ""},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
