"""Server-rendered pages of accounts: the admin's login page, the email confirmation page.

The admin's login page is behind the same protections as the API's login.

Per client address: the `login` rate (THROTTLE_LOGIN), the very counter the API's token endpoint uses, on every
POST. Per account: the doubling delay of accounts/login_guard.py, which the authentication backend applies to every
`authenticate()`. Either answers 429 with a Retry-After. Chosen over django-axes so that the admin and the API share
one mechanism, one set of settings and one idea of the client's address (`TRUSTED_PROXIES`).
"""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ecopole.core.throttling import AddressRateThrottle

from . import services
from .errors import ConfirmationTokenExpired, InvalidConfirmationToken, LoginDelayed


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


@require_http_methods(["GET", "POST"])
def email_confirm_page(request):
    """The page the confirmation email links to. GET shows a button (mail scanners that follow links confirm
    nothing); its POST confirms, then redirects to the same page saying so (POST/redirect/GET)."""
    if request.method == "POST":
        try:
            services.email_confirm(token=request.POST.get("token", ""))
        except (InvalidConfirmationToken, ConfirmationTokenExpired) as exc:
            return TemplateResponse(request, "accounts/email_confirm.html", {"error": exc.detail}, status=400)
        return redirect(f"{reverse('email-confirm-page')}?done=1")
    return TemplateResponse(
        request,
        "accounts/email_confirm.html",
        {"token": request.GET.get("token", ""), "done": request.GET.get("done") == "1"},
    )
