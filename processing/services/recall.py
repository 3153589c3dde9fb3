"""Recall of a lot (rappel de lot) in one action.

A producer member may request the recall of one of its lots; a manager recalls (or confirms the request). The
recall, in ONE transaction under the lot's row lock: the lot's stock is blocked in the ledger (what remains leaves
the stock, what a cancelled order gives back later is blocked at once), the apps that took jars of it withdraw what
they still hold (vending compartments flagged for removal at the next round), the report of who got how much and
when is stored, and one email per customer who received the lot is queued in the outbox (sent after commit, once:
the outbox key is the recall and the customer). Running it again changes nothing and emails no one.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalogue.models import StockLot
from catalogue.ports import LOT_HOLDERS, LotRecipient
from catalogue.selectors import stock_lot_outflows
from catalogue.services.stock import stock_lot_block
from ecopole.core.csv_export import csv_writer
from ecopole.core.locking import lock_one
from ecopole.core.outbox import outbox_enqueue

from ..errors import RecallAlreadyRequested, RecallReasonRequired
from ..models import Lot, LotRecall, RecallStatus

RECALL_EMAIL_HANDLER = "processing.services.notifications.recall_send_email"


def lot_recall_request(*, lot_id: int, user, reason: str) -> LotRecall:
    """A producer member asks a manager to recall one of its lots (the caller checked the lot is its producer's).
    Refused when a recall of the lot already exists (requested or done)."""
    reason = (reason or "").strip()
    if not reason:
        raise RecallReasonRequired()
    with transaction.atomic(durable=True):
        lot = lock_one(Lot.objects.all(), pk=lot_id)
        existing = LotRecall.objects.filter(lot=lot).first()
        if existing is not None:
            raise RecallAlreadyRequested(lot=lot.code, status=existing.status)
        return LotRecall.objects.create(
            lot=lot, status=RecallStatus.REQUESTED, reason=reason, requested_by=user, requested_at=timezone.now()
        )


def lot_recall(*, lot_id: int, user, reason: str = "") -> tuple[LotRecall, bool]:
    """A manager recalls a lot, or confirms the recall its producer requested (then `reason` may be empty and the
    request's reason is kept). Returns (recall, done now); a lot already recalled is returned as is (False)."""
    reason = (reason or "").strip()
    now = timezone.now()
    with transaction.atomic(durable=True):
        lot = lock_one(Lot.objects.all(), pk=lot_id)
        recall = LotRecall.objects.filter(lot=lot).first()
        if recall is not None and recall.status == RecallStatus.CONFIRMED:
            return recall, False
        if recall is None:
            if not reason:
                raise RecallReasonRequired()
            recall = LotRecall(lot=lot, reason=reason, requested_by=user, requested_at=now)
        elif reason:
            recall.reason = reason
        blocked = Decimal("0")
        recipients: list[LotRecipient] = []
        without_source = Decimal("0")
        if lot.product_id and StockLot.objects.filter(code=lot.code).exists():
            blocked = stock_lot_block(code=lot.code, user=user, note=f"recall {lot.code}")
            outflows, without_source = stock_lot_outflows(code=lot.code)
            for label, taken in sorted(outflows.items()):
                holder = LOT_HOLDERS.get(label)
                if holder is None:  # a source no app answers for: counted, not attributed
                    without_source += sum(taken.values(), Decimal("0"))
                    continue
                recipients += holder.recipients(lot_code=lot.code, product_id=lot.product_id, taken=taken)
                holder.lot_blocked(lot_code=lot.code, product_id=lot.product_id, source_ids=sorted(taken), user=user)
        recall.status = RecallStatus.CONFIRMED
        recall.confirmed_by = user
        recall.confirmed_at = now
        recall.blocked_quantity = blocked
        recall.report = _report(lot=lot, blocked=blocked, recipients=recipients, without_source=without_source)
        recall.save()
        for customer_id in sorted({r.customer_id for r in recipients if r.customer_id is not None}):
            outbox_enqueue(
                key=f"processing.recall:{recall.pk}:{customer_id}",
                handler=RECALL_EMAIL_HANDLER,
                payload={"recall_id": recall.pk, "user_id": customer_id},
            )
    return recall, True


def _report(*, lot: Lot, blocked: Decimal, recipients: list[LotRecipient], without_source: Decimal) -> dict:
    """Who got how much and when (JSON, stored with the recall): one row per order, basket or refill; the vending
    quantity cannot be tied to a person. `left_stock` = the rows' sum + `other`: what left the ledger for the lot."""
    people = User.objects.in_bulk({r.customer_id for r in recipients if r.customer_id is not None})
    rows = []
    by_channel: dict[str, Decimal] = defaultdict(Decimal)
    for recipient in sorted(recipients, key=lambda r: (r.channel, str(r.at), r.reference)):
        person = people.get(recipient.customer_id)
        rows.append(
            {
                "channel": recipient.channel,
                "reference": recipient.reference,
                "customer_id": recipient.customer_id,
                "customer_name": person.get_full_name() if person else "",
                "customer_email": person.email if person else "",
                "quantity": str(recipient.quantity),
                "at": recipient.at.isoformat() if recipient.at else "",
            }
        )
        by_channel[recipient.channel] += recipient.quantity
    left = sum(by_channel.values(), Decimal("0")) + without_source
    return {
        "lot": lot.code,
        "product": lot.product.name if lot.product else lot.description,
        "produced": str(lot.quantity),
        "blocked_in_stock": str(blocked),
        "left_stock": str(left),
        "by_channel": {channel: str(quantity) for channel, quantity in sorted(by_channel.items())},
        "vending_not_attributable": str(by_channel.get("vending", Decimal("0"))),
        "other": str(without_source),
        "customers": len({r.customer_id for r in recipients if r.customer_id is not None}),
        "rows": rows,
    }


def recall_report_csv(recall: LotRecall) -> str:
    """The report as CSV (French headers): one line per recipient, then the totals."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    report = recall.report or {}
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    with translation.override(settings.LANGUAGE_CODE):
        writer.writerow([_("Channel"), _("Reference"), _("Customer"), _("Email"), _("Quantity"), _("Date")])
        for row in report.get("rows", []):
            writer.writerow(
                [
                    row["channel"],
                    row["reference"],
                    row["customer_name"],
                    row["customer_email"],
                    row["quantity"],
                    row["at"],
                ]
            )
        writer.writerow(
            [_("Vending sales not tied to a person"), "", "", "", report.get("vending_not_attributable", "0"), ""]
        )
        writer.writerow([_("Other outflows (losses)"), "", "", "", report.get("other", "0"), ""])
        writer.writerow([_("Left the stock"), "", "", "", report.get("left_stock", "0"), ""])
        writer.writerow([_("Blocked in stock"), "", "", "", report.get("blocked_in_stock", "0"), ""])
    return out.getvalue()
