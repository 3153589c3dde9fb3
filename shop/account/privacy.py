"""The customer's personal data in the shop: what we hold (readable page and JSON download), the newsletter consent,
the erasure of the account; the privacy page and the newsletter's one-click unsubscribe link. Same services as the
API (`accounts.services`, `ecopole.core.personal_data`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services as account_services
from accounts.errors import InvalidConfirmationToken, WrongPassword
from ecopole.core.personal_data import personal_data_export, personal_data_export_json

from .forms import AccountDeleteForm


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the customer, one table per section of the register (the JSON download's content)."""
    export = personal_data_export(user=request.user)
    sections = [section for section in export["sections"] if section["rows"]]
    return render(request, "shop/account/my_data.html", {"export": export, "sections": sections})


@never_cache
@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        personal_data_export_json(user=request.user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ecopole-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@login_required
@require_POST
def newsletter_consent(request: HttpRequest) -> HttpResponse:
    if request.POST.get("subscribe") == "1":
        account_services.newsletter_subscribe(user=request.user)
        messages.success(request, _("You will receive the newsletter of the week's products."))
    else:
        account_services.newsletter_unsubscribe(user=request.user)
        messages.success(request, _("You will no longer receive the newsletter."))
    return redirect("account:my-data")


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                account_services.user_erase(user=request.user, password=form.cleaned_data["password"])
            except WrongPassword as error:
                form.add_error("password", error.detail)
            else:
                logout(request)
                return redirect("account:deleted")
        return render(request, "shop/account/delete.html", {"form": form}, status=400)
    return render(request, "shop/account/delete.html", {"form": form})


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/account/deleted.html")


def privacy(request: HttpRequest) -> HttpResponse:
    retention = settings.PERSONAL_DATA_RETENTION
    context = {
        "contact": settings.PRIVACY_CONTACT_EMAIL,
        "inactive_years": retention["inactive_account_warning_days"] // 365,
        "grace_days": retention["inactive_account_grace_days"],
        "proof_months": retention["proof_of_delivery_photos_days"] // 30,
        "invoices_years": retention["invoices_years"],
        "sent_emails_months": retention["sent_emails_days"] // 30,
    }
    return render(request, "shop/privacy.html", context)


@csrf_exempt  # the link of an email (RFC 8058 one-click POST from the mail client): the signed token is the proof
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a one-button form (a link preview must not unsubscribe); POST withdraws the consent."""
    if request.method == "POST":
        try:
            account_services.newsletter_unsubscribe_by_token(token=token)
        except InvalidConfirmationToken:
            return render(request, "shop/newsletter_unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "shop/newsletter_unsubscribe.html", {"done": True})
    return render(request, "shop/newsletter_unsubscribe.html", {"token": token})
