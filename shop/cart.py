"""The customer's cart, kept in the session: {product id: quantity}. Nothing is reserved until the order is placed.

The session survives logging in (Django's `login` keeps the session data and only changes its key), so a cart
filled anonymously is still there after "Se connecter". Quantities are checked by the orders' own line rule
(`orders.services.grocery.line_quantity_check`), the products by the catalogue's visibility rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from catalogue.models import Product
from catalogue.selectors import product_list
from orders.services.grocery import line_quantity_check
from orders.services.pricing import DepositSummary, LineAmounts, deposit_summary, line_amounts

SESSION_KEY = "shop_cart"
# Lines a cart may hold: the session is a cookie-sized row, not a warehouse.
MAX_LINES = 50


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: Decimal

    @property
    def amounts(self) -> LineAmounts:
        """Priced as the order line will be (`orders.services.pricing.line_amounts`), at today's catalogue."""
        product = self.product
        return line_amounts(
            unit_price=product.unit_price, quantity=self.quantity, vat_rate=product.vat_rate, deposit=product.deposit
        )

    @property
    def estimated_total(self) -> Decimal:
        return self.amounts.line_total


def cart_deposit(lines: list[CartLine]) -> DepositSummary | None:
    """The jars' deposits the order of these lines will charge ("3 bocaux × 0,50 €"), None without any."""
    return deposit_summary((line.product.deposit, line.quantity, line.amounts.deposit_amount) for line in lines)


def _raw(session) -> dict[str, str]:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, dict) else {}


def cart_count(session) -> int:
    return len(_raw(session))


def parse_quantity(text: str) -> Decimal | None:
    try:
        quantity = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return quantity if quantity.is_finite() and quantity > 0 else None


def cart_set(session, *, product: Product, quantity: Decimal) -> None:
    """Set a line (raises the orders' `InvalidQuantity` for a quantity off the product's step or minimum)."""
    line_quantity_check(product=product, quantity=quantity)
    lines = _raw(session)
    if str(product.pk) not in lines and len(lines) >= MAX_LINES:
        raise ValueError("cart full")
    lines[str(product.pk)] = str(quantity.normalize())
    session[SESSION_KEY] = lines


def cart_add(session, *, product: Product, quantity: Decimal) -> Decimal:
    """Add `quantity` to the product's line; returns the line's new quantity."""
    current = Decimal(_raw(session).get(str(product.pk), "0"))
    cart_set(session, product=product, quantity=current + quantity)
    return current + quantity


def cart_remove(session, *, product_id: int) -> None:
    lines = _raw(session)
    lines.pop(str(product_id), None)
    session[SESSION_KEY] = lines


def cart_clear(session) -> None:
    session.pop(SESSION_KEY, None)


def cart_lines(session, *, user) -> list[CartLine]:
    """The cart's lines with their products as the catalogue shows them (one query); a product no longer on sale
    drops out of the cart."""
    lines = _raw(session)
    ids = [int(pk) for pk in lines if pk.isdigit()]
    products = product_list(user=user).filter(pk__in=ids)
    found = [CartLine(product=p, quantity=Decimal(lines[str(p.pk)])) for p in products]
    if len(found) != len(lines):
        session[SESSION_KEY] = {str(line.product.pk): str(line.quantity) for line in found}
    return found
