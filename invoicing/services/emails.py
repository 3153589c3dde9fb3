"""Invoices by email, through the outbox: sent after the issuing transaction commits, marked after sending."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecopole.core.emails import email_send

from ..models import Invoice, InvoiceKind
from .documents import invoice_document, invoice_filename


def invoice_recipients(invoice: Invoice) -> list[str]:
    """The customer's address, or the active members of the producer for a producer's invoice."""
    if invoice.producer_id is not None:
        from accounts.models import User

        return list(
            User.objects.filter(producer_id=invoice.producer_id, is_active=True)
            .order_by("pk")
            .values_list("email", flat=True)
        )
    email = invoice.buyer.get("email") or (invoice.customer.email if invoice.customer_id else "")
    return [email] if email else []


def invoice_send(*, invoice_id: int) -> bool:
    """Email the invoice (its PDF, Factur-X for an e-invoice) to its buyer, then mark it emailed.

    At least once: `emailed_at` is written only after the mail backend accepted the email. Returns False when
    already sent or without recipient.
    """
    invoice = Invoice.objects.select_related("customer", "credited_invoice").get(pk=invoice_id)
    if invoice.emailed_at is not None:
        return False
    recipients = invoice_recipients(invoice)
    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            subject = _("Your credit note %(reference)s") % {"reference": invoice.reference}
        else:
            subject = _("Your invoice %(reference)s") % {"reference": invoice.reference}
        body = _(
            "Hello,\n\nPlease find attached document %(reference)s of %(date)s, for %(total)s € VAT included.\n\n"
            "The Ecopôle alimentaire team"
        ) % {
            "reference": invoice.reference,
            "date": invoice.issue_date.strftime("%d/%m/%Y"),
            "total": f"{invoice.total_incl_vat:.2f}".replace(".", ","),
        }
        message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
        message.attach(invoice_filename(invoice), invoice_document(invoice), "application/pdf")
    email_send(message)
    Invoice.objects.filter(pk=invoice_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True
