"""The face vending shows to the apps above or beside it (the orders app's click and collect): the services,
selectors, signals and choices they may use. The import-linter contracts (pyproject.toml) let orders import this
module and nothing else of vending; vending imports no client at all.

Vending keeps a foreign key to `orders.Order` (`LockerReservation.order`): a database reference (integrity, PROTECT
on delete, the orders app's `locker_reservations` prefetch), declared as the string "orders.Order", with no Python
import of the orders app.
"""

from .models import LockerState
from .selectors import (
    locker_get,
    locker_reservation_active_for_order,
    locker_reservation_active_get,
    locker_reservations_newest_first,
    machine_for_pickup_point,
    machine_takes_orders,
)
from .services import locker_code_renew, locker_reservation_create, locker_reservations_release
from .signals import locker_collected, locker_expired

__all__ = [
    "LockerState",
    "locker_code_renew",
    "locker_collected",
    "locker_expired",
    "locker_get",
    "locker_reservation_active_for_order",
    "locker_reservation_active_get",
    "locker_reservation_create",
    "locker_reservations_newest_first",
    "locker_reservations_release",
    "machine_for_pickup_point",
    "machine_takes_orders",
]
