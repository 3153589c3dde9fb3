"""CSV for the machine report: one row per line of each section, money and quantities as plain decimals."""

import io

from rest_framework.renderers import BaseRenderer

from ecopole.core.csv_export import csv_writer

REPORT_COLUMNS = [
    "section",
    "date",
    "product",
    "product_name",
    "vat_rate",
    "count",
    "quantity",
    "amount_incl_vat",
    "vat",
    "amount_excl_vat",
    "compartment",
]


class ReportCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        if not isinstance(data, dict) or "sales_by_day" not in data:  # an error body
            writer.writerow(["code", "detail"])
            if isinstance(data, dict):
                writer.writerow([data.get("code", ""), data.get("detail", "")])
            return buffer.getvalue().encode(self.charset)
        writer.writerow(REPORT_COLUMNS)

        def row(section, **values):
            writer.writerow([section, *(values.get(column, "") for column in REPORT_COLUMNS[1:])])

        for day in data["sales_by_day"]:
            row(
                "sales_by_day",
                date=day["date"],
                count=day["count"],
                quantity=day["quantity"],
                amount_incl_vat=day["amount_incl_vat"],
            )
        for line in data["sales_by_product"]:
            row(
                "sales_by_product",
                product=line["product"] or "",
                product_name=line["product_name"],
                count=line["count"],
                quantity=line["quantity"],
                amount_incl_vat=line["amount_incl_vat"],
            )
        for line in data["revenue"]["by_vat_rate"]:
            row(
                "revenue_by_vat_rate",
                vat_rate=line["vat_rate"],
                amount_incl_vat=line["amount_incl_vat"],
                vat=line["vat"],
                amount_excl_vat=line["amount_excl_vat"],
            )
        revenue = data["revenue"]
        row(
            "revenue_total",
            count=data["sales_count"],
            amount_incl_vat=revenue["amount_incl_vat"],
            vat=revenue["vat"],
            amount_excl_vat=revenue["amount_excl_vat"],
        )
        held = data.get("held_back") or {}
        row("held_back", count=held.get("count", 0), amount_incl_vat=held.get("amount_incl_vat", ""))
        for section in ("losses", "adjustments"):
            for line in data[section]:
                row(
                    section,
                    product=line["product"],
                    product_name=line["product_name"],
                    quantity=line["quantity"],
                    amount_incl_vat=line["value"],
                )
        for line in data["anomalies"]:
            row("anomalies", product_name=line["kind"], compartment=line.get("compartment", ""), count=line["count"])
        row("fill_rate_now", quantity=data["fill_rate_now"] if data["fill_rate_now"] is not None else "")
        return buffer.getvalue().encode(self.charset)
