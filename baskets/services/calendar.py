"""Pure date rules of the cabas bio: ISO weeks, the every-two-weeks rhythm, distribution dates and their cutoffs.

Parity: weeks are counted from a fixed Monday (`EPOCH_MONDAY`), so that the rhythm of "every two weeks" survives
the end of an ISO year, whether it has 52 or 53 weeks (2026 has 53: 2026-W53 is followed by 2027-W01).
Cutoffs are those of the grocery (`deliveries.models.DeliveryDay.cutoff_at`, Europe/Paris, DST-safe).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from deliveries.models import DeliveryDay
from deliveries.services.places import delivery_rule_for
from ecopole.core.fields import WEEK_PATTERN

EPOCH_MONDAY = date(2000, 1, 3)
WEEK_RE = re.compile(WEEK_PATTERN)  # years 2000 to 2099, as every date of the API


def iso_week_parse(value: str) -> date:
    """ "2026-W49" → the Monday of that ISO week. Raises ValueError for anything else (2026-W54, 2025-W53…)."""
    match = WEEK_RE.match(str(value or ""))
    if not match:
        raise ValueError(value)
    return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


def iso_week_label(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_parity(day: date) -> int:
    """0 or 1: the parity of `day`'s ISO week counted from a fixed Monday."""
    return ((week_monday(day) - EPOCH_MONDAY).days // 7) % 2


def distribution_date(*, week_start: date, weekday: int) -> date:
    return week_start + timedelta(days=weekday)


def first_distribution_on_or_after(*, day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def is_due(*, frequency: str, start_date: date, anchor_week_parity: int, on: date) -> bool:
    """Whether a subscription's rhythm brings a basket on `on` (skips and pauses aside)."""
    from ..models import BasketFrequency

    if on < start_date:
        return False
    return frequency == BasketFrequency.WEEKLY or week_parity(on) == anchor_week_parity


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def place_cutoff(*, rules: list[DeliveryDay], on: date) -> datetime:
    """The cutoff of the distribution of `on` at a place whose active delivery days are `rules`; a place without a
    rule for that weekday (it was removed after subscribing) closes at the start of the distribution day."""
    rule = delivery_rule_for(rules=rules, delivery_date=on)
    return rule.cutoff_at(on) if rule is not None else _start_of_day(on)


def generation_cutoff(*, on: date, rules: Iterable[DeliveryDay] | None = None) -> datetime:
    """When the baskets of `on` can be generated: once the latest cutoff of every place delivering that weekday
    has passed, so that no subscriber can still change a basket that is already generated."""
    if rules is None:
        rules = DeliveryDay.objects.filter(is_active=True, weekday=on.weekday())
    cutoffs = [rule.cutoff_at(on) for rule in rules if rule.is_active and rule.weekday == on.weekday()]
    return max(cutoffs) if cutoffs else _start_of_day(on)
