import csv
import io

from rest_framework.renderers import BaseRenderer

PREPARATION_CSV_COLUMNS = ["date", "destination_type", "destination_id", "destination", "product", "name", "unit"]
PREPARATION_CSV_COLUMNS = [*PREPARATION_CSV_COLUMNS, "quantity", "orders"]


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    return f"'{text}" if str(text)[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class PreparationListCsvRenderer(BaseRenderer):
    """The preparation list as CSV: one row per destination and product, then the totals (destination_type
    `total`). Errors are never rendered here: the view answers them in JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(PREPARATION_CSV_COLUMNS)
        day = data["date"]
        for destination in data["destinations"]:
            for product in destination["products"]:
                writer.writerow(
                    [day, destination["type"], destination["id"], _cell(destination["name"]), *self._product(product)]
                )
        for product in data["products"]:
            writer.writerow([day, "total", "", "", *self._product(product)])
        return buffer.getvalue().encode(self.charset)

    @staticmethod
    def _product(product: dict) -> list:
        return [product["product"], _cell(product["name"]), product["unit"], product["quantity"], product["orders"]]
