import io

from rest_framework.renderers import BaseRenderer

from ecopole.core.csv_export import csv_writer

PREPARATION_CSV_COLUMNS = ["date", "destination_type", "destination_id", "destination", "product", "name", "unit"]
PREPARATION_CSV_COLUMNS = [*PREPARATION_CSV_COLUMNS, "quantity", "orders"]


class PreparationListCsvRenderer(BaseRenderer):
    """The preparation list as CSV: one row per destination and product, then the totals (destination_type
    `total`). Errors are never rendered here: the view answers them in JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(PREPARATION_CSV_COLUMNS)
        day = data["date"]
        for destination in data["destinations"]:
            for product in destination["products"]:
                writer.writerow(
                    [day, destination["type"], destination["id"], destination["name"], *self._product(product)]
                )
        for product in data["products"]:
            writer.writerow([day, "total", "", "", *self._product(product)])
        return buffer.getvalue().encode(self.charset)

    @staticmethod
    def _product(product: dict) -> list:
        return [product["product"], product["name"], product["unit"], product["quantity"], product["orders"]]
