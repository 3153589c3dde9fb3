import io
from collections.abc import Iterable, Iterator

from rest_framework.renderers import BaseRenderer

from ecopole.core.csv_export import csv_writer

PREPARATION_CSV_COLUMNS = ["date", "destination_type", "destination_id", "destination", "product", "name", "unit"]
PREPARATION_CSV_COLUMNS = [*PREPARATION_CSV_COLUMNS, "quantity", "orders"]
PREPARATION_CSV_CHUNK = 500  # rows per chunk written to the socket


class PreparationListCsvRenderer(BaseRenderer):
    """The preparation list as CSV: one row per destination and product, then the totals (destination_type
    `total`). The view streams it (`stream`) so that a date with 20,000 orders is never held in memory as one body;
    `render` is the same bytes at once. Errors are never rendered here: the view answers them in JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"".join(self.stream(data["date"], data["rows"]))

    def stream(self, day, rows: Iterable[dict]) -> Iterator[bytes]:
        """The CSV in chunks of `PREPARATION_CSV_CHUNK` rows: the header first, then the rows (`preparation_row`
        dicts) as they come from the database."""
        buffer = io.StringIO()
        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(PREPARATION_CSV_COLUMNS)
        for index, row in enumerate(rows, start=1):
            writer.writerow([day, *(row[column] for column in PREPARATION_CSV_COLUMNS[1:])])
            if index % PREPARATION_CSV_CHUNK == 0:
                yield self._drain(buffer)
        yield self._drain(buffer)

    def _drain(self, buffer: io.StringIO) -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode(self.charset)
