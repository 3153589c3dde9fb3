"""The vending machine as a holder of lots (`catalogue.ports`): a refill took jars of a lot into a compartment; the
machine's sales cannot be tied to a person, and a recall flags the compartments for removal at the next round."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from catalogue.ports import LotRecipient

from .models import Compartment, Refill


class RefillLotHolder:
    def recipients(self, *, lot_code: str, product_id: int, taken: dict[int, Decimal]) -> list[LotRecipient]:
        refills = Refill.objects.filter(pk__in=taken).select_related("compartment__machine").order_by("pk")
        return [
            LotRecipient(
                channel="vending",
                reference=f"{refill.compartment.machine.name} {refill.compartment.code}",
                customer_id=None,
                quantity=taken[refill.pk],
                at=refill.created_at,
            )
            for refill in refills
        ]

    def lot_blocked(self, *, lot_code: str, product_id: int, source_ids: list[int], user) -> None:
        """Flag the compartments still holding the product after a refill of the lot: the next refill request
        removes all of it (`refill_requests._lines_for`), the removal clears the flag."""
        compartments = Refill.objects.filter(pk__in=source_ids).values("compartment_id")
        Compartment.objects.filter(pk__in=compartments, product_id=product_id, quantity__gt=0).update(
            recall_flagged_at=timezone.now()
        )
