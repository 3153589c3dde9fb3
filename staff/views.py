"""Helpers shared by the staff pages: rendering with the staff menu's context, reading a date and a quantity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.shortcuts import render
from django.utils import timezone

from ecopole.core.permissions import DRIVER, has_group

MAX_QUANTITY = Decimal("9999")


def staff_render(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**context, "is_driver": has_group(request.user, DRIVER)}, status=status)


def parse_day(text: str | None) -> date:
    """The date of `?date=YYYY-MM-DD`, today (Europe/Paris) when absent or unreadable."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return timezone.localdate()
    return day if date(2000, 1, 1) <= day <= date(2099, 12, 31) else timezone.localdate()


MAX_MONEY = Decimal("100000")


def parse_money(text: str | None) -> Decimal | None:
    """An amount in euros as typed ("10,50" or "10.50", at most 2 decimals, positive), or None when it is not one."""
    try:
        amount = Decimal(str(text or "").strip().replace(",", ".").replace("€", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def parse_quantity(text: str | None, *, allow_zero: bool = False) -> Decimal | None:
    """A quantity as typed ("1,25" or "1.25", at most 3 decimals), or None when it is not one."""
    try:
        quantity = Decimal(str(text or "").strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not quantity.is_finite() or quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
        return None
    if quantity < 0 or (quantity == 0 and not allow_zero):
        return None
    return quantity
