"""The producer's products in the space: the list with their stock, and a product's page where the producer changes
its photo, description, price, season and availability (catalogue's services, as the API's PATCH and photo PUT), and
reads its stock receipts from the ledger (recording a receipt stays with the staff, as in the API: the ledger is
written only by catalogue's stock services)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalogue import selectors as catalogue_selectors
from catalogue.models import MovementReason, Product
from catalogue.services.photos import product_photo_set
from catalogue.services.products import product_update
from ecopole.core.exceptions import ApplicationError

from .access import member_required
from .forms import ProductForm
from .views_workshop import describe_fields

PRODUCT_ERROR_FIELDS = {"photo_too_large": "photo", "photo_invalid": "photo"}
STOCK_ENTRY_REASONS = [MovementReason.RECEIPT, MovementReason.PROCESSING_OUTPUT]


def _own_products(request: HttpRequest):
    return (
        catalogue_selectors.product_editable_by(request.user)
        .filter(producer_id=request.user.producer_id)
        .select_related("category", "stock")
    )


def _own_product(request: HttpRequest, pk: int) -> Product:
    product = _own_products(request).filter(pk=pk).first()
    if product is None:
        raise Http404
    return product


@member_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    products = _own_products(request).order_by("name", "pk")
    return render(request, "farmers/product_list.html", {"products": products})


@member_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = _own_product(request, pk)
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["photo"]:
                    product_photo_set(product=product, upload=data["photo"], actor=request.user)
                product_update(
                    product=product,
                    actor=request.user,
                    description=data["description"],
                    unit_price=data["unit_price"],
                    season_months=data["season_months"],
                    is_active=data["is_active"],
                )
            except ApplicationError as error:
                field = PRODUCT_ERROR_FIELDS.get(error.code)
                form.add_error(field if field in form.fields else None, str(error.detail))
            else:
                messages.success(request, _("%(name)s is saved.") % {"name": product.name})
                return redirect("farmers:product-edit", pk=product.pk)
    else:
        form = ProductForm(
            initial={
                "description": product.description,
                "unit_price": product.unit_price,
                "season_months": product.months_in_season,
                "is_active": product.is_active,
            }
        )
    describe_fields(form)
    entries = catalogue_selectors.stock_movement_list(user=request.user, product_id=product.pk).filter(
        reason__in=STOCK_ENTRY_REASONS
    )[:30]
    stock = getattr(product, "stock", None)
    context = {"product": product, "form": form, "entries": entries, "stock": stock.quantity if stock else 0}
    return render(request, "farmers/product_edit.html", context)
