"""Monthly statements (relevés) of the workshop's billing lines: JSON snapshot, CSV and PDF, emailed to producers.

A billing line belongs to the month of its `billed_on` date (the day it was created: completion, late cancellation,
no-show), so a month is closed once it is over and its statement, built on the 1st of the next month, is final.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.models import Producer
from ecopole.core.csv_export import csv_writer
from ecopole.core.emails import email_send
from ecopole.core.locking import lock_rows
from ecopole.core.money import money
from ecopole.core.outbox import outbox_enqueue
from invoicing.models import Invoice, Series
from invoicing.services.documents import invoice_document, invoice_filename
from invoicing.services.invoices import Buyer, LineData, invoice_issue, invoice_mark_emailed

from ..models import BillingKind, BillingLine, Statement
from .calendar import local_date


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(today: date) -> date:
    return month_start(month_start(today) - timedelta(days=1))


def statement_build(*, producer_id: int, month: date) -> tuple[Statement | None, bool]:
    """Build the producer's statement for `month` from its billing lines not yet on a statement.

    Idempotent: unique (producer, month); a second call returns the existing statement and False. Returns
    (None, False) when the producer has nothing billed that month. The lines are locked and attached to the
    statement in the same transaction; the email goes through the outbox (sent after commit, retried).
    """
    month = month_start(month)
    existing = Statement.objects.filter(producer_id=producer_id, month=month).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            lines = lock_rows(
                BillingLine.objects.filter(
                    producer_id=producer_id,
                    billed_on__gte=month,
                    billed_on__lt=next_month(month),
                    statement__isnull=True,
                )
            )
            if not lines:
                return None, False
            producer = Producer.objects.get(pk=producer_id)
            total = money(sum((line.amount for line in lines), Decimal("0")))
            statement = Statement.objects.create(
                producer=producer, month=month, total=total, data=_snapshot(producer, month, lines, total)
            )
            BillingLine.objects.filter(pk__in=[line.pk for line in lines]).update(statement=statement)
            statement_invoice_issue(statement=statement, producer=producer, lines=lines)
            outbox_enqueue(
                key=f"processing.statement:{statement.pk}",
                handler="processing.services.billing.statement_send",
                payload={"statement_id": statement.pk},
            )
    except IntegrityError:
        return Statement.objects.get(producer_id=producer_id, month=month), False
    return statement, True


def statement_invoice_issue(*, statement: Statement, producer: Producer, lines: list[BillingLine]):
    """The statement becomes the producer's invoice (series "P"), issued as a Factur-X e-invoice in the statement's
    transaction: invoicing receives plain lines (amounts VAT included at the workshop's rate) and the producer's
    legal identity (SIRET, VAT number, billing address)."""
    rate = settings.INVOICING_WORKSHOP_VAT_RATE
    invoice_lines = [
        LineData(
            description=f"{line.billed_on:%d/%m/%Y} – {line.description}",
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=rate,
            amount=line.amount,
        )
        for line in sorted(lines, key=lambda item: (item.billed_on, item.pk))
    ]
    buyer = Buyer(
        name=producer.name,
        address=producer.billing_address,
        postcode=producer.billing_postcode,
        city=producer.commune,
        siret=producer.siret,
        vat_number=producer.vat_number,
    )
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Workshop statement for %(month)s") % {"month": f"{statement.month:%m/%Y}"}
    return invoice_issue(
        series=Series.PRODUCER,
        source=f"statement:{statement.pk}",
        buyer=buyer,
        lines=invoice_lines,
        producer_id=producer.pk,
        e_invoice=True,
        note=note,
        send=False,  # attached to the statement's email (statement_send): one email a month
    )[0]


def _snapshot(producer: Producer, month: date, lines: list[BillingLine], total: Decimal) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "producer": {"id": producer.pk, "name": producer.name, "slug": producer.slug},
            "month": f"{month:%Y-%m}",
            "currency": "EUR",
            "lines": [
                {
                    "date": line.billed_on.isoformat(),
                    "booking": line.booking_id,
                    "kind": line.kind,
                    "kind_label": str(BillingKind(line.kind).label),
                    "description": line.description,
                    "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price),
                    "amount": str(line.amount),
                }
                for line in sorted(lines, key=lambda item: (item.billed_on, item.pk))
            ],
            "total": str(total),
        }


def statements_build_monthly(*, month: date | None = None) -> int:
    """Build every producer's statement for `month` (default: the month before today, Europe/Paris).

    Each producer in its own transaction; idempotent (a second run creates nothing). Returns how many were created.
    """
    month = month_start(month) if month else previous_month(local_date(timezone.now()))
    producer_ids = (
        BillingLine.objects.filter(billed_on__gte=month, billed_on__lt=next_month(month), statement__isnull=True)
        .values_list("producer_id", flat=True)
        .distinct()
    )
    return sum(1 for pid in sorted(set(producer_ids)) if statement_build(producer_id=pid, month=month)[1])


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["date", "booking", "kind", "description", "quantity", "unit_price", "amount"])
    for line in statement.data.get("lines", []):
        writer.writerow(
            [
                line["date"],
                line["booking"],
                line["kind"],
                line["description"],
                line["quantity"],
                line["unit_price"],
                line["amount"],
            ]
        )
    writer.writerow(["", "", "", "total", "", "", statement.data.get("total", str(statement.total))])
    return out.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    data = statement.data
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Workshop statement – %(producer)s – %(month)s") % {
            "producer": data["producer"]["name"],
            "month": data["month"],
        }
        doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=1.5 * cm, rightMargin=1.5 * cm)
        styles = getSampleStyleSheet()
        header = [_("Date"), _("Description"), _("Quantity"), _("Unit price (€)"), _("Amount (€)")]
        rows = [header] + [
            [
                line["date"],
                Paragraph(line["description"], styles["BodyText"]),
                line["quantity"],
                line["unit_price"],
                line["amount"],
            ]
            for line in data["lines"]
        ]
        rows.append(["", _("Total"), "", "", data["total"]])
        table = Table(rows, colWidths=[2.3 * cm, 9 * cm, 2 * cm, 2.4 * cm, 2.3 * cm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f6b3a")),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                    ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ]
            )
        )
        story = [
            Paragraph(_("Ecopôle alimentaire – légumerie-conserverie"), styles["Title"]),
            Paragraph(title, styles["Heading2"]),
            Spacer(1, 0.4 * cm),
            table,
        ]
        doc.build(story)
    return buffer.getvalue()


def statement_send(*, statement_id: int) -> bool:
    """Email the statement (PDF and CSV attached) to the producer's members, then mark it emailed.

    At least once: `emailed_at` is set only after the mail backend accepted the email (a worker dying in between
    leaves it unmarked and the outbox sends it again, with the same Message-ID). Returns False when already sent or
    without recipient.
    """
    statement = Statement.objects.select_related("producer").get(pk=statement_id)
    if statement.emailed_at is not None:
        return False
    recipients = list(
        User.objects.filter(producer_id=statement.producer_id, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        month = statement.data.get("month", f"{statement.month:%Y-%m}")
        message = EmailMessage(
            subject=_("Your workshop statement for %(month)s") % {"month": month},
            body=_(
                "Hello,\n\nPlease find attached the statement of your use of the légumerie-conserverie for "
                "%(month)s: %(total)s €.\n\nThe Ecopôle alimentaire team"
            )
            % {"month": month, "total": statement.total},
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
        slug = statement.producer.slug
        message.attach(f"releve-{slug}-{month}.pdf", statement_pdf(statement), "application/pdf")
        message.attach(f"releve-{slug}-{month}.csv", statement_csv(statement), "text/csv")
        invoice = Invoice.objects.filter(source=f"statement:{statement.pk}").first()
        if invoice is not None:  # the Factur-X e-invoice of the statement (statements before invoicing have none)
            message.attach(invoice_filename(invoice), invoice_document(invoice), "application/pdf")
    email_send(message)
    Statement.objects.filter(pk=statement_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if invoice is not None:
        invoice_mark_emailed(invoice_id=invoice.pk)
    return True
