"""The floor of placing an order: one raw transaction on a psycopg connection doing the same locking, reads,
inserts and stock update as `order_place`, and nothing else.

Lock the 3 stock rows in product-id order (FOR UPDATE, with the product columns the lines copy), refuse when one is
short, insert the order, its 3 lines and its 3 reservation movements, decrement the 3 levels, commit. No Django,
no validation of dates or places, no event row, no email: the thinnest code that still cannot oversell.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


class Refused(Exception):
    """A product is short: the transaction is rolled back (the API answers 409 `insufficient_stock`)."""


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class OrderFloor:
    def __init__(self, connection, *, order_content_type_id: int):
        self.connection = connection
        self.ct = order_content_type_id

    def place(
        self, *, customer_id: int, lines: list[tuple[int, Decimal]], pickup_point_id: int, delivery_date, cutoff_at
    ):
        """Place one order; return its id, or raise `Refused`."""
        lines = sorted(lines)
        ids = [pid for pid, _ in lines]
        now = datetime.now(UTC)
        cursor = self.connection.cursor()
        try:
            cursor.execute(
                (
                    "SELECT s.product_id, s.quantity, p.name, p.unit, p.unit_price, p.vat_rate, p.sold_by_weight, p.deposit "
                    "FROM catalogue_stocklevel s JOIN catalogue_product p ON p.id = s.product_id "
                    "WHERE s.product_id IN (%s, %s, %s) ORDER BY s.product_id FOR UPDATE OF s"
                ),
                ids,
            )
            rows = {row[0]: row for row in cursor.fetchall()}
            priced = []
            for pid, quantity in lines:
                row = rows[pid]
                if Decimal(str(row[1])) < quantity:
                    raise Refused(pid)
                price, rate = Decimal(str(row[4])), Decimal(str(row[5]))
                total = _money(price * quantity)
                vat = _money(total - total / (1 + rate / 100))
                deposit = Decimal(str(row[7]))  # a jar's deposit, outside the VAT base
                priced.append((pid, quantity, row, price, rate, total, vat, deposit, _money(deposit * quantity)))
            subtotal = sum((p[5] for p in priced), Decimal("0.00"))
            deposit_total = sum((p[8] for p in priced), Decimal("0.00"))
            vat_total = sum((p[6] for p in priced), Decimal("0.00"))
            breakdown: dict[Decimal, list[Decimal]] = {}
            for p in priced:
                amounts = breakdown.setdefault(p[4], [Decimal(0), Decimal(0)])
                amounts[0] += p[5]
                amounts[1] += p[6]
            vat_json = json.dumps(
                [{"rate": str(r), "amount": str(a), "vat": str(v)} for r, (a, v) in sorted(breakdown.items())]
            )
            cursor.execute(
                (
                    "INSERT INTO orders_order (customer_id, status, fulfilment, pickup_point_id, delivery_address, "
                    "delivery_postcode, delivery_commune, delivery_date, cutoff_at, subtotal, delivery_fee, "
                    "vat_total, vat_breakdown, deposit_total, total, payment_status, payment_method, note, flag, "
                    "created_at, updated_at) "
                    "VALUES (%s, 'placed', 'pickup', %s, '', '', '', %s, %s, %s, 0, %s, %s, %s, %s, 'unpaid', '', '', '', "
                    "%s, %s) RETURNING id"
                ),
                (
                    [
                        customer_id,
                        pickup_point_id,
                        delivery_date,
                        cutoff_at,
                        subtotal,
                        vat_total,
                        vat_json,
                        deposit_total,
                        subtotal + deposit_total,
                        now,
                        now,
                    ]
                ),
            )
            order_id = cursor.fetchone()[0]
            cursor.execute(
                (
                    "INSERT INTO orders_orderline (order_id, product_id, product_name, unit, unit_price, vat_rate, "
                    "sold_by_weight, quantity, line_total, vat_amount, deposit, deposit_amount) VALUES "
                    + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(priced))
                ),
                (
                    [
                        v
                        for pid, qty, row, price, rate, total, vat, deposit, deposit_amount in priced
                        for v in (
                            order_id,
                            pid,
                            row[2],
                            row[3],
                            price,
                            rate,
                            row[6],
                            qty,
                            total,
                            vat,
                            deposit,
                            deposit_amount,
                        )
                    ]
                ),
            )
            cursor.executemany(
                ("UPDATE catalogue_stocklevel SET quantity = quantity - %s, updated_at = %s WHERE product_id = %s"),
                [[qty, now, pid] for pid, qty, *_ in priced],
            )
            cursor.execute(
                (
                    "INSERT INTO catalogue_stockmovement (product_id, quantity, reason, note, created_by_id, "
                    "created_at, source_type_id, source_id) VALUES "
                    + ", ".join(["(%s, %s, 'reservation', '', %s, %s, %s, %s)"] * len(priced))
                ),
                [v for pid, qty, *_ in priced for v in (pid, -qty, customer_id, now, self.ct, order_id)],
            )
        except BaseException:
            self.connection.rollback()
            raise
        self.connection.commit()
        return order_id
