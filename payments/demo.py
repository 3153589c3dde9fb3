"""The demo's payments: the partners whose food-aid vouchers the counter takes (idempotent, found by name)."""

from __future__ import annotations

from .models import VoucherPartner

PARTNERS = ["CCAS de Calais", "Secours populaire – Audruicq"]


def seed(*, stdout) -> None:
    for name in PARTNERS:
        VoucherPartner.objects.get_or_create(name=name)
