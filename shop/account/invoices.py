"""The customer's invoices ("Mes factures"): the list and each invoice's PDF, on invoicing's selectors (the API's).
Only the customer's own invoices, staff included (their view of every invoice is the API and the admin): another's
is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ecopole.core.exceptions import NotFound
from invoicing import selectors as invoice_selectors
from invoicing.services.documents import invoice_document, invoice_filename

INVOICES_PER_PAGE = 20


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoices = invoice_selectors.invoice_list(user=request.user).filter(customer=request.user)
    page = Paginator(invoices, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "shop/account/invoice_list.html", {"page": page})


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    try:
        invoice = invoice_selectors.invoice_get(user=request.user, pk=invoice_id)
    except NotFound as error:
        raise Http404 from error
    if invoice.customer_id != request.user.pk:
        raise Http404
    response = HttpResponse(invoice_document(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response
