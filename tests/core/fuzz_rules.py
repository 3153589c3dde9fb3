"""What a schema-valid request may still be refused for: the domain rules no OpenAPI schema can express.

schemathesis' `positive_data_acceptance` expects schema-valid data to be accepted. The project's fuzz runs let it
also accept 400, 409 and 422 (tests/core/test_api_fuzz.py; `schemathesis.toml` for `st run`), and this check takes
the relaxation back for everything but the refusals listed here, by code: a schema-valid request refused with any
other code, or with a `validation_error` on a field not listed, fails the run (the schema should have said so).

Registered as a schemathesis check when imported: by the fuzz tests, and by `st run` through
`SCHEMATHESIS_HOOKS=tests.core.fuzz_rules` (README, "Fuzzing the served API"). No Django import.
"""

from __future__ import annotations

import schemathesis

# Domain refusals of schema-valid data, by status and code: each depends on the database, the clock or another field.
DOMAIN_REFUSALS: dict[int, set[str]] = {
    400: {
        # accounts: a well-formed email with the wrong password, a confirmation token that is not ours or too old
        "invalid_credentials",
        "wrong_password",
        "invalid_confirmation_token",
        "confirmation_token_expired",
        # payments: Stripe's webhook is signed (no schema can say so)
        "webhook_signature_invalid",
        "webhook_payload_invalid",
        "product_has_no_deposit",
        # the calendar of closed days (public holidays, the association's closures)
        "closed_day",
        # catalogue: the producer's certificate, the CSV's content, a stock count below what is reserved
        "organic_certificate_required",
        "import_file_unreadable",
        "import_invalid",
        "invalid_stock_quantity",
        # orders: the product, the place, the day and the quantities offered today
        "below_minimum_order",
        "delivery_date_unavailable",
        "duplicate_product",
        "invalid_quantity",
        "not_variable_weight",
        "outside_delivery_zone",
        "coordinates_outside_zone",
        "pickup_point_unavailable",
        "product_unavailable",
        "unknown_locker",
        # baskets: the distribution calendar, cutoffs and the subscription's state
        "composition_empty",
        "cutoff_passed",
        "invalid_week",
        "no_distribution_in_period",
        "not_a_distribution_date",
        "nothing_to_change",
        "offer_unavailable",
        "pause_too_long",
        "place_not_served",
        "start_date_invalid",
        # baskets: a request for the solidarity price says something; a refusal says why; a grant runs from today
        "refusal_reason_required",
        "solidarity_request_empty",
        "valid_until_past",
        # deliveries: who may drive, which stops belong to the round; a proof of delivery needs a name and an image
        "driver_invalid",
        "stop_order_invalid",
        "proof_incomplete",
        "proof_invalid",
        "proof_too_large",
        # deliveries: a delivery window of the address's zone and date (orders), a window that ends past midnight
        "delivery_window_invalid",
        # processing: opening hours, notice, the producer's own products and equipment
        "invalid_range",
        "jars_required",
        "not_a_slot",
        "producer_required",
        "product_not_of_producer",
        "recall_reason_required",
        "too_far_ahead",
        "too_late_to_book",
        "unknown_equipment",
        "workshop_closed",
        # invoicing: a credit note of a credit note, an IBAN that fails its check digits, no mandate signed, a period
        "not_an_invoice",
        "invalid_iban",
        "no_active_mandate",
        "mandate_not_accepted",
        "period_invalid",
        # vending: a period whose end is before its start, a compartment that is not a locker
        "invalid_report_period",
        "not_a_locker",
    },
    # the current state of a row: stock, status, a slot taken, a name taken, a quota
    409: {
        "address_limit_reached",
        "already_resolved",
        "already_subscribed",
        "already_waiting",
        "cancellation_closed",
        "capacity_exceeded",
        "compartment_capacity_exceeded",
        "compartment_holds_another_product",
        "compartment_not_empty",
        "compartment_reserved",
        "composition_locked",
        "composition_not_published",
        "conflict",
        "cutoff_not_passed",
        "email_already_confirmed",
        "failed_stop_not_home",
        "import_already_applied",
        "insufficient_stock",
        "invoice_already_credited",
        "debit_already_returned",
        "invalid_transition",
        "modification_closed",
        "no_depot",
        "no_show_before_start",
        "not_a_failed_stop",
        "not_a_machine_order",
        "not_paused",
        "offer_expired",
        "order_already_in_locker",
        "order_not_being_prepared",
        "order_not_in_locker",
        "order_not_ready_for_locker",
        "pause_overlaps",
        "payment_not_allowed",
        "voucher_already_recorded",  # the same paper handed over twice
        "prepared_quantity_missing",
        "product_name_taken",
        "recall_already_requested",
        "removal_exceeds_quantity",
        "sale_not_flagged",
        "resolution_not_allowed",
        "round_locked",
        "stop_move_infeasible",
        "delivery_window_full",
        "delivery_window_capacity_below_taken",
        "round_not_due",
        "round_not_started",
        "slot_taken",
        "solidarity_request_decided",
        "stops_pending",
        "subscription_cancelled",
        "unpaid_quantity_exceeded",
        "unpaid_total_exceeded",
        "weekly_quota_exceeded",
        "wrong_fulfilment",
    },
    # the same Idempotency-Key sent earlier with another body; a typed address the geocoder cannot place
    422: {"idempotency_key_reused", "address_not_found", "address_ambiguous"},
}

# `validation_error` on these fields: rules between fields, or on values that JSON carries as strings.
SCHEMALESS_FIELD_RULES: dict[str, str] = {
    "end_date": "a pause ends after it starts",
    "ends_at": "a booking ends after it starts",
    "quantity": "a decimal's minimum (a string in JSON: OpenAPI's `minimum` does not apply)",
    "category": "a slug naming a category that does not exist (a lookup, like a 404)",
    "producer": "a slug naming a producer that does not exist (likewise)",
    "unit_price": "a decimal's minimum (0.01)",
    "value": "a food-aid voucher's value: 0.01 to 500 € (a decimal, a string in JSON)",
    "quantity_step": "a decimal's minimum",
    "minimum_quantity": "a decimal's minimum",
    "raw_quantity_kg": "a decimal's minimum",
    "latitude": "a decimal's range (-90 to 90; a string in JSON, so OpenAPI's minimum/maximum do not apply)",
    "longitude": "a decimal's range (-180 to 180; likewise)",
    "vat_rate": "5.5, 10 or 20 %",
    "lines": "each product at most once in an order",
    "pickup_point": "a failed delivery sent to a pickup point names the point (the `action` decides)",
    "payment_method": "a paid order says how it was paid (the `status` decides)",
    "point": "a pickup names its point (the fulfilment's `type` decides which fields it needs)",
    "window": "a delivery window goes with a home delivery only (the fulfilment's `type` decides)",
    "address": "a home delivery gives its address (likewise)",
    "password": "Django's password validators: too common, all digits, too close to the email",
    "destination": "the preparation list's destination names its type too (destination_type): both or neither",
    "photo": "a proof-of-delivery photo is a file, sent as multipart (a JSON body cannot carry it)",
    "signature": "a drawn signature is a PNG file, sent as multipart (likewise)",
}

RELAXED_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]


def _leaves(fields, prefix: str = "") -> list[str]:
    """Names of the fields in error, list indexes left out: {"lines": {"0": {"quantity": [...]}}} → ["quantity"]."""
    if isinstance(fields, dict):
        names = []
        for key, value in fields.items():
            names += _leaves(value, prefix if str(key).isdigit() else str(key))
        return names
    return [prefix]


@schemathesis.check
def only_listed_domain_refusals(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in DOMAIN_REFUSALS:
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"A {response.status_code} without the JSON error body") from None
    code = body.get("code")
    if code == "validation_error" and response.status_code == 400:
        unexplained = sorted(set(_leaves(body.get("fields") or {})) - set(SCHEMALESS_FIELD_RULES))
        if unexplained:
            raise AssertionError(f"Schema-valid data refused on {unexplained}: the schema should say why. {body}")
        return None
    if code not in DOMAIN_REFUSALS[response.status_code]:
        raise AssertionError(
            f"Schema-valid data refused with {response.status_code} `{code}`, not a listed domain refusal. {body}"
        )
    return None


@schemathesis.deserializer("text/csv")
def csv_as_text(ctx, response):
    """CSV exports are documented as a string (`text/csv`): checked as such rather than skipped."""
    return response.content.decode("utf-8")
