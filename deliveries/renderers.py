"""The printable round sheet: HTML for a phone and PDF (ReportLab) for paper, from the same context.

Stops come in map order (their sequence) with the arrival time, the address, the window, what to hand over and an
empty signature column. Errors are never rendered here: the view answers them in JSON.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from rest_framework.renderers import BaseRenderer

from ecopole.core.units import quantity_with_unit

from .models import Round, StopStatus
from .selectors import handovers_with_phones


def sheet_context(round_: Round) -> dict:
    stops = []
    all_stops = list(round_.stops.all())
    handovers = handovers_with_phones(all_stops)
    for stop in all_stops:
        arrival = timezone.localtime(stop.arrival_at)
        stops.append(
            {
                "sequence": stop.sequence,
                "label": stop.label,
                "address": stop.address,
                "postcode": stop.postcode,
                "commune": stop.commune,
                "window_start": stop.window_start,
                "window_end": stop.window_end,
                "arrival": arrival,
                "is_late": stop.window_end is not None and arrival.time() > stop.window_end,
                "load_kg": stop.load_kg,
                "load_crates": stop.load_crates,
                "handover": handovers[stop.pk],
                "status_label": StopStatus(stop.status).label,
            }
        )
    return {
        "round": round_,
        "driver_name": round_.driver.get_full_name() if round_.driver else "",
        "planned_start": timezone.localtime(round_.planned_start),
        "planned_end": timezone.localtime(round_.planned_end),
        "stops": stops,
    }


class RoundSheetHtmlRenderer(BaseRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return render_to_string("deliveries/round_sheet.html", data).encode(self.charset)


def _handover_text(handovers: list[dict]) -> str:
    parts = []
    for handover in handovers:
        head = f"#{handover['id']} " if handover.get("source") == "grocery" and handover.get("id") else ""
        phone = f" · {_('Phone')} : {handover['phone']}" if handover.get("phone") else ""
        items = ", ".join(
            f"{quantity_with_unit(i['quantity'], i['unit'])} {i['name']}" for i in handover.get("items", [])
        )
        parts.append(
            f"<b>{_escape(head + handover.get('customer', ''))}</b>{_escape(phone)}"
            + (f": {_escape(items)}" if items else "")
        )
    return "<br/>".join(parts)


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RoundSheetPdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

        round_ = data["round"]
        styles = getSampleStyleSheet()
        small = styles["BodyText"].clone("small", fontSize=8.5, leading=10.5)
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=landscape(A4),
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title=f"{_('Round sheet')} {round_.vehicle.name} {round_.date.isoformat()}",
        )
        date_text = formats.date_format(round_.date, "l j F Y")
        story = [
            Paragraph(_escape(f"{_('Round sheet')} — {round_.vehicle.name} — {date_text}"), styles["Title"]),
            Paragraph(
                _escape(
                    f"{_('Driver')} : {data['driver_name'] or '—'} · {_('Departure')} {data['planned_start']:%H:%M} · "
                    f"{_('Return')} {data['planned_end']:%H:%M} · {round_.distance_km} km · {round_.load_kg} kg · "
                    f"{round_.load_crates} {_('crates')}"
                ),
                styles["Normal"],
            ),
            Spacer(1, 5 * mm),
        ]
        header = ["#", _("Arrival"), _("Window"), _("Where"), _("To hand over"), _("Load"), _("Signature")]
        rows = [[Paragraph(f"<b>{_escape(h)}</b>", small) for h in header]]
        for stop in data["stops"]:
            window = (
                f"{stop['window_start']:%H:%M}–{stop['window_end']:%H:%M}"
                if stop["window_start"] and stop["window_end"]
                else "—"
            )
            where = f"<b>{_escape(stop['label'])}</b><br/>{_escape(stop['address'])}<br/>"
            where += _escape(f"{stop['postcode']} {stop['commune']}".strip())
            rows.append(
                [
                    str(stop["sequence"]),
                    f"{stop['arrival']:%H:%M}",
                    window,
                    Paragraph(where, small),
                    Paragraph(_handover_text(stop["handover"]), small),
                    Paragraph(f"{stop['load_kg']} kg<br/>{stop['load_crates']} {_escape(_('crates'))}", small),
                    "",
                ]
            )
        table = Table(
            rows,
            colWidths=[10 * mm, 18 * mm, 24 * mm, 62 * mm, 95 * mm, 20 * mm, 44 * mm],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f5e9")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#fafafa")]),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 14),
                ]
            )
        )
        story.append(table)
        with translation.override(translation.get_language()):
            document.build(story)
        return buffer.getvalue()
