"""The subscriber's SEPA direct debit ("Prélèvement"): the active mandate and its signed text, signing a new one
(the IBAN checked by invoicing's service, the API's), withdrawing it, and the debits made under it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from invoicing.errors import InvalidIban
from invoicing.models import SepaMandate
from invoicing.services.sepa import (
    direct_debits_of,
    iban_masked,
    mandate_revoke,
    mandate_sign,
    mandate_text,
    mandate_text_shown,
)

from .forms import MandateForm


@login_required
@require_http_methods(["GET", "POST"])
def direct_debit(request: HttpRequest) -> HttpResponse:
    form = MandateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                mandate_sign(customer=request.user, account_holder=data["account_holder"], iban=data["iban"])
            except InvalidIban as error:
                form.add_error("iban", error.detail)
            else:
                messages.success(request, _("Your mandate is signed: your next cabas invoices will be debited."))
                return redirect("account:direct-debit")
        status = 400
    mandate = SepaMandate.objects.filter(customer=request.user, revoked_at__isnull=True).first()
    context = {
        "form": form,
        "mandate": mandate,
        "iban_shown": iban_masked(mandate.iban) if mandate else "",
        "text_shown": mandate_text_shown(mandate) if mandate else "",
        "debits": direct_debits_of(request.user),
        "wording": mandate_text(reference="…", account_holder="…", iban="…"),
    }
    return render(request, "shop/account/direct_debit.html", context, status=status)


@login_required
@require_POST
def direct_debit_revoke(request: HttpRequest) -> HttpResponse:
    if mandate_revoke(customer=request.user) is not None:
        messages.success(request, _("Your mandate is withdrawn: nothing more will be debited under it."))
    return redirect("account:direct-debit")
