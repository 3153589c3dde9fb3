"""A sale or an order being put together, kept in the staff member's session until it is recorded: {product id:
quantity as text}. Nothing here checks stock or prices: the service that records it does, all or nothing."""

from __future__ import annotations

from decimal import Decimal

from catalogue.selectors import product_list
from ecopole.core.money import line_total

MAX_LINES = 100


def draft_lines(session, name: str) -> dict[int, Decimal]:
    return {int(pid): Decimal(quantity) for pid, quantity in session.get(f"staff-{name}", {}).items()}


def draft_set(session, name: str, *, product_id: int, quantity: Decimal) -> bool:
    lines = dict(session.get(f"staff-{name}", {}))
    if str(product_id) not in lines and len(lines) >= MAX_LINES:
        return False
    lines[str(product_id)] = str(quantity)
    session[f"staff-{name}"] = lines
    return True


def draft_remove(session, name: str, *, product_id: int) -> None:
    lines = dict(session.get(f"staff-{name}", {}))
    lines.pop(str(product_id), None)
    session[f"staff-{name}"] = lines


def draft_clear(session, name: str) -> None:
    session.pop(f"staff-{name}", None)


def draft_rows(session, name: str, *, user) -> list[dict]:
    """The draft's lines with their products (name, unit, price, stock) and estimated amounts. One query."""
    lines = draft_lines(session, name)
    products = {product.pk: product for product in product_list(user=user).filter(pk__in=list(lines))}
    rows = []
    for pid, quantity in lines.items():
        product = products.get(pid)
        if product is not None:
            rows.append(
                {
                    "product": product,
                    "quantity": quantity,
                    "amount": line_total(unit_price=product.unit_price, quantity=quantity),
                }
            )
    return rows
