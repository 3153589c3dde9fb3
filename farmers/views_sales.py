"""Sales and workshop statements in the farmers' space: what was sold of the producer's products per week or month
and per channel (a table, and the same rows as CSV through ecopole.core.csv_export), and the monthly workshop
statements the API produces (HTML here, the PDF of processing.services.billing)."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecopole.core.csv_export import csv_writer
from processing import selectors as processing_selectors
from processing.models import Statement
from processing.services.billing import statement_pdf

from .access import member_required
from .selectors import MONTH, WEEK, period_start, sales_by_period

PERIODS = {"semaine": WEEK, "mois": MONTH}
# How far back each view reads: 12 weeks, or 12 months.
SPANS = {WEEK: 12, MONTH: 12}


def _range(period: str, today: date) -> tuple[date, date]:
    first = period_start(today, period)
    if period == WEEK:
        return first - timedelta(weeks=SPANS[WEEK] - 1), today
    month = first
    for _step in range(SPANS[MONTH] - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    return month, today


def _channel_labels() -> dict[str, str]:
    return {"grocery": _("Grocery orders"), "cabas": _("Cabas"), "vending": _("Vending machine")}


def _sales(request: HttpRequest):
    period = PERIODS.get(request.GET.get("periode", ""), WEEK)
    start, end = _range(period, timezone.localdate())
    rows = sales_by_period(producer_id=request.user.producer_id, period=period, start=start, end=end)
    return period, start, end, rows


@member_required
@require_GET
def sales(request: HttpRequest) -> HttpResponse:
    period, start, end, rows = _sales(request)
    labels = _channel_labels()
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["period"] != row.period:
            groups.append({"period": row.period, "rows": [], "total": 0})
        groups[-1]["rows"].append({"row": row, "channel": labels[row.channel]})
        groups[-1]["total"] += row.amount or 0
    context = {
        "period": period,
        "param": "mois" if period == MONTH else "semaine",
        "start": start,
        "end": end,
        "groups": groups,
    }
    return render(request, "farmers/sales.html", context)


@member_required
@require_GET
def sales_csv(request: HttpRequest) -> HttpResponse:
    period, start, end, rows = _sales(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ventes-{"mois" if period == MONTH else "semaines"}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv"'
    )
    writer = csv_writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(["period", "channel", "product_id", "product", "unit", "quantity", "amount"])
    for row in rows:
        writer.writerow(
            [
                row.period.isoformat(),
                row.channel,
                row.product_id,
                row.product_name,
                row.unit,
                row.quantity,
                "" if row.amount is None else row.amount,
            ]
        )
    return response


def _own_statement(request: HttpRequest, pk: int) -> Statement:
    statement = (
        processing_selectors.statement_list(user=request.user)
        .filter(pk=pk, producer_id=request.user.producer_id)
        .first()
    )
    if statement is None:
        raise Http404
    return statement


@member_required
@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    statements = processing_selectors.statement_list(user=request.user).filter(producer_id=request.user.producer_id)
    return render(request, "farmers/statement_list.html", {"statements": statements[:60]})


@member_required
@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _own_statement(request, pk)
    return render(
        request, "farmers/statement_detail.html", {"statement": statement, "lines": statement.data.get("lines", [])}
    )


@member_required
@require_GET
def statement_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _own_statement(request, pk)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="releve-{statement.producer.slug}-{statement.month:%Y-%m}.pdf"'
    )
    return response
