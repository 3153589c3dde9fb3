"""What vending tells its clients, as signals declared here (pretix's plugin signals): the orders app connects its
receivers in `OrdersConfig.ready()`, so vending never imports orders.

Both are sent with `send` (not `send_robust`) INSIDE the vending transaction that caused them, so a receiver's
writes commit or roll back with it, and a failing receiver fails the unlock or the expiry.

- `locker_collected(sender=LockerReservation, order_id=int, reservation=LockerReservation)`: the customer opened the
  locker with the right code (the reservation is no longer active).
- `locker_expired(sender=LockerReservation, order_id=int, reservation=LockerReservation)`: the code expired with the
  order still in the locker; the locker is free again.
"""

from django.dispatch import Signal

locker_collected = Signal()
locker_expired = Signal()
