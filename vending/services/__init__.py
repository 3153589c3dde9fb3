"""Every write of the vending app. Split by subdomain: machines (credentials), stock (refills, sales, counts,
losses and the ledger check), refill_requests (the daily check and the requests the rounds pick up), click_collect
(lockers holding grocery orders)."""

from .click_collect import (
    locker_code_renew,
    locker_reservation_cancel,
    locker_reservation_create,
    locker_reservations_expire,
    locker_reservations_release,
    locker_unlock,
)
from .machines import machine_authenticate_key, machine_key_rotate
from .refill_requests import refill_request_notify, refill_request_transition, refill_requests_generate
from .stock import (
    SaleResult,
    inventory_record,
    refill_record,
    removal_record,
    sale_accept,
    sale_record,
    vending_check_ledger,
)

__all__ = [
    "SaleResult",
    "inventory_record",
    "locker_code_renew",
    "locker_reservation_cancel",
    "locker_reservation_create",
    "locker_reservations_expire",
    "locker_reservations_release",
    "locker_unlock",
    "machine_authenticate_key",
    "machine_key_rotate",
    "refill_record",
    "refill_request_notify",
    "refill_request_transition",
    "refill_requests_generate",
    "removal_record",
    "sale_accept",
    "sale_record",
    "vending_check_ledger",
]
