"""The lot pages under /lots/: the public page of a lot (no login: what anyone holding a jar may know), and the
printable labels of a lot (the lot's producer members and the workshop staff only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from processing.labels import lot_labels_pdf
from processing.selectors import lot_list, lot_public_get


@require_GET
def lot_public(request: HttpRequest, code: str) -> HttpResponse:
    try:
        lot = lot_public_get(code=code)
    except Http404:
        return render(request, "lots/not_found.html", status=404)
    return render(request, "lots/lot_detail.html", {"lot": lot})


@require_GET
@login_required
def lot_labels(request: HttpRequest, code: str) -> HttpResponse:
    """The A4 sheet of labels (PDF). Another producer's lot, or a customer asking, is a 404 like an unknown lot:
    whether the lot exists is not disclosed by the refusal."""
    if not lot_list(user=request.user).filter(code=code).exists():
        return render(request, "lots/not_found.html", status=404)
    response = HttpResponse(lot_labels_pdf(lot_public_get(code=code)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="etiquettes-{code}.pdf"'
    return response
