"""What the registry's coverage test calls personal, and the reviewed exceptions (tests/core/test_personal_data_registry.py).

A project model with a foreign key or one-to-one to the user model, or a field whose name looks personal, must be
declared in the register (`ecopole.core.personal_data.personal_data_register`, from its app's `AppConfig.ready()`)
or be listed below with the reason it holds no one's personal data beyond what is declared elsewhere. Keep the
reasons honest: this list is what a reviewer reads.
"""

import re

PERSONAL_FIELD = re.compile(
    r"(^|_)(name|email|phone|mobile|address|street|postcode|latitude|longitude|note|notes|message|comment|iban|bic|"
    r"signature|photo|payload|birth|ip|reason|label|details)(_|$)"
)

STAFF_ACTOR = (
    "a staff member who acted (the audit trail of the association's work), never a customer; the account it points "
    "at is pseudonymised at erasure, and staff accounts' own export is their account row"
)
PLACE = "a place of the association or of a producer (an organisation), not a person"
CATALOGUE = "the association's catalogue or configuration text, written by staff, about no person"

# "app.Model" (the whole model reviewed) or "app.Model.field": why it is not (or need not be) in the register.
REVIEWED: dict[str, str] = {
    "core.OutboxMessage.payload": "ids of the rows to email (user_id, order_id): emptied by the retention rule "
    "core.outbox_payloads once delivered; no name or address is queued",
    "core.OutboxMessage.erase_payload_when_sent": "a flag, not data",
    "core.Closure.label": CATALOGUE,
    "core.RetentionRun.error": "a rule's exception text, about no person",
    "accounts.User_groups": "role membership of staff accounts",
    "accounts.User_user_permissions": "permissions given to staff accounts",
    "catalogue.Category": CATALOGUE,
    "catalogue.StockMovement": STAFF_ACTOR + "; its note is about stock",
    "catalogue.ProductImport": STAFF_ACTOR + "; a price-list file name",
    "baskets.BasketOffer": CATALOGUE,
    "baskets.BasketComposition": STAFF_ACTOR + "; its note describes the week's basket",
    "baskets.BasketRun": STAFF_ACTOR,
    "deliveries.PickupPoint": PLACE,
    "deliveries.DeliveryZone": CATALOGUE,
    "deliveries.Vehicle": STAFF_ACTOR + " (the usual driver)",
    "deliveries.Round": STAFF_ACTOR + " (the driver of the day)",
    "deliveries.RoundEvent": STAFF_ACTOR + "; notes are the driver's about the round (the stop's own failure note "
    "is declared)",
    "deliveries.PlanningRun": STAFF_ACTOR,
    "deliveries.PlanningJob": STAFF_ACTOR,
    "deliveries.BanAddress": "the public national address base (BAN), no person",
    "processing.Equipment": CATALOGUE,
    "processing.ClosedDay": CATALOGUE,
    "processing.BookingEvent": STAFF_ACTOR + " or the producer member; notes about the booking",
    "processing.Lot": STAFF_ACTOR,
    "processing.LotInput": "a lot's ingredients (product names)",
    "processing.BillingLine": "a producer's statement line (declared through the statement)",
    "processing.CalendarFeed": STAFF_ACTOR + " or the producer member who rotated the feed link",
    "vending.Machine": PLACE,
    "vending.Refill": STAFF_ACTOR,
    "vending.Sale": STAFF_ACTOR + " (who reviewed an anonymous sale at the machine)",
    "vending.Removal": STAFF_ACTOR,
    "vending.RefillRequestLine": CATALOGUE,
    "vending.RefillRequestEvent": STAFF_ACTOR,
    "vending.Anomaly": "a machine's anomaly (sales, counts), no person",
    # Tables merged on 2026-12-02 from the branches of issues 17, 18 and 19, reviewed (invoices, their lines, SEPA
    # mandates and direct debits are declared in invoicing/personal_data.py).
    "orders.CounterSale.seller": STAFF_ACTOR,
    "orders.CounterSaleLine.product_name": CATALOGUE,
    "processing.LotRecall.reason": "why a lot is recalled (food safety), about no person",
    "processing.LotRecall.requested_by": STAFF_ACTOR + " or the producer member who asked for the recall",
    "processing.LotRecall.confirmed_by": STAFF_ACTOR,
    "payments.VoucherPartner.name": "an organisation (a CCAS), not a person",
    "payments.Voucher.recorded_by": STAFF_ACTOR,
    "payments.JarReturn.recorded_by": STAFF_ACTOR,
    "payments.BalanceEntry.actor": STAFF_ACTOR,
}
