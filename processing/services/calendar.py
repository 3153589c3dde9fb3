"""The workshop's opening calendar and slot grid.

Slots are generated per opening period (e.g. 08:00–12:00, 13:00–17:00): the first starts when the period opens, each
lasts the equipment's `slot_minutes`, and the next one starts after the cleaning buffer (exclusive equipment), so a
grid slot never collides with its neighbour's cleaning. A booking may span several consecutive slots of one period.
Closed days: the project's calendar (`ecopole.core.calendar`: the association's closures, and the French public
holidays unless PROCESSING_CLOSE_ON_PUBLIC_HOLIDAYS is off), plus the workshop's own `ClosedDay` table (maintenance).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ecopole.core.calendar import closures_between, easter_sunday, french_public_holidays

from ..models import ClosedDay, Equipment, OpeningHours

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    period: int  # index of the opening period in its day: a booking never spans two periods


def local_date(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


class WorkshopCalendar:
    """Opening hours and closed days loaded once (two queries) for a range of days."""

    def __init__(self, opening: dict[int, list[tuple[time, time]]], closed: dict[date, str], holidays: bool) -> None:
        self.opening = opening
        self.closed = dict(closed)
        self._holidays = holidays
        self._holiday_years: set[int] = set()

    @classmethod
    def load(cls, *, start: date, end: date) -> WorkshopCalendar:
        opening: dict[int, list[tuple[time, time]]] = defaultdict(list)
        for weekday, opens_at, closes_at in OpeningHours.objects.order_by("weekday", "opens_at").values_list(
            "weekday", "opens_at", "closes_at"
        ):
            opening[weekday].append((opens_at, closes_at))
        closed = dict(ClosedDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "reason"))
        # The association's closures (one query for the range): no workshop slot on a day the Ecopôle is closed.
        for day, label in closures_between(start, end, holidays=False).items():
            closed.setdefault(day, label)
        return cls(dict(opening), closed, bool(settings.PROCESSING_CLOSE_ON_PUBLIC_HOLIDAYS))

    def _add_holidays(self, year: int) -> None:
        if year in self._holiday_years:
            return
        self._holiday_years.add(year)
        for day, name in french_public_holidays(year).items():
            self.closed.setdefault(day, name)

    def closed_reason(self, day: date) -> str | None:
        if self._holidays:
            self._add_holidays(day.year)
        if day in self.closed:
            return self.closed[day] or str(_("closed"))
        if not self.opening.get(day.weekday()):
            return str(_("closed"))
        return None

    def slots(self, *, equipment: Equipment, day: date) -> list[Slot]:
        if self.closed_reason(day) is not None:
            return []
        length = timedelta(minutes=equipment.slot_minutes)
        step = length + (timedelta(0) if equipment.is_shared else equipment.buffer)
        result = []
        for period, (opens_at, closes_at) in enumerate(self.opening.get(day.weekday(), [])):
            start = datetime.combine(day, opens_at, tzinfo=PARIS)
            closes = datetime.combine(day, closes_at, tzinfo=PARIS)
            while start + length <= closes:
                result.append(Slot(start, start + length, period))
                start += step
        return result

    def is_on_grid(self, *, equipment: Equipment, starts_at: datetime, ends_at: datetime) -> bool:
        """True when [starts_at, ends_at) is one slot, or consecutive slots of one opening period."""
        day = local_date(starts_at)
        if local_date(ends_at) != day:
            return False
        slots = self.slots(equipment=equipment, day=day)
        first = next((s for s in slots if s.starts_at == starts_at), None)
        last = next((s for s in slots if s.ends_at == ends_at), None)
        return first is not None and last is not None and first.period == last.period and first.starts_at < last.ends_at


__all__ = [
    "Slot",
    "WorkshopCalendar",
    "day_start",
    "easter_sunday",
    "french_public_holidays",
    "local_date",
    "working_deadline",
]


def working_deadline(*, start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `start`: only the hours between OFFER_WORKING_DAY_START and
    OFFER_WORKING_DAY_END (Europe/Paris) of the OFFER_WORKING_DAYS count, so a deadline always falls in working
    hours (4 h from Friday 17:00 is Monday 11:00 with the defaults); closed days of the project's calendar do not
    count. With no working hours configured, plain hours.
    """
    days = {int(day) for day in settings.PROCESSING_OFFER_WORKING_DAYS}
    opens = time.fromisoformat(str(settings.PROCESSING_OFFER_WORKING_DAY_START))
    closes = time.fromisoformat(str(settings.PROCESSING_OFFER_WORKING_DAY_END))
    remaining = timedelta(hours=float(hours))
    if not days or opens >= closes:
        return start + remaining
    cursor = start.astimezone(PARIS)
    # The association's closures and the public holidays are not working days either (one query for two months).
    closed = closures_between(cursor.date(), cursor.date() + timedelta(days=62))
    for _day in range(3700):  # ten years of days: a bound, never reached with at least one working day a week
        day = cursor.date()
        day_opens = datetime.combine(day, opens, tzinfo=PARIS)
        day_closes = datetime.combine(day, closes, tzinfo=PARIS)
        if day.weekday() in days and day not in closed and cursor < day_closes:
            cursor = max(cursor, day_opens)
            available = day_closes - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), time.min, tzinfo=PARIS)
    return start + timedelta(hours=float(hours))  # pragma: no cover - unreachable bound
