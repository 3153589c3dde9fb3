"""One calendar of closed days for the whole project: the French public holidays (computed, Easter-based ones
included, no network) and the association's closures (`Closure`, edited by staff in the admin).

Used by the grocery (delivery dates offered and accepted), the cabas bio (distribution dates: a closed date has no
basket) and the workshop (no slot on a closed day). Reads cost one query per range, never one per date:
`closures_between(start, end)` returns every closed day of the range with its reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status

from .exceptions import ApplicationError


class ClosedDay(ApplicationError):
    """Raised with `date` (the day asked for) and `reason` (the holiday or the closure's label)."""

    code = "closed_day"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = gettext_lazy("The Ecopôle is closed on {date} ({reason}): please choose another day.")


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    la = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * la) // 451
    month, day = divmod(h + la - 7 * m + 114, 31)
    return date(year, month, day + 1)


def french_public_holidays(year: int) -> dict[date, str]:
    """The eleven public holidays (jours fériés) of metropolitan France in `year`, with their names."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): _("New Year's Day"),
        easter + timedelta(days=1): _("Easter Monday"),
        date(year, 5, 1): _("Labour Day"),
        date(year, 5, 8): _("Victory in Europe Day"),
        easter + timedelta(days=39): _("Ascension Day"),
        easter + timedelta(days=50): _("Whit Monday"),
        date(year, 7, 14): _("Bastille Day"),
        date(year, 8, 15): _("Assumption Day"),
        date(year, 11, 1): _("All Saints' Day"),
        date(year, 11, 11): _("Armistice Day"),
        date(year, 12, 25): _("Christmas Day"),
    }


def public_holidays_between(start: date, end: date) -> dict[date, str]:
    days: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        days.update({day: name for day, name in french_public_holidays(year).items() if start <= day <= end})
    return days


def closures_between(start: date, end: date, *, holidays: bool = True) -> dict[date, str]:
    """Every closed day from `start` to `end` (both included) with its reason: the association's closures (one
    query) and, unless `holidays=False`, the public holidays. A closure on a holiday gives the closure's label."""
    from .models import Closure

    days = public_holidays_between(start, end) if holidays else {}
    if end < start:
        return days
    for first, last, label in Closure.objects.filter(start_date__lte=end, end_date__gte=start).values_list(
        "start_date", "end_date", "label"
    ):
        day = max(first, start)
        while day <= min(last, end):
            days[day] = label
            day += timedelta(days=1)
    return days


def is_closed(day: date) -> str | None:
    """The reason `day` is closed, or None when it is open. One query."""
    return closures_between(day, day).get(day)


def closed_day_check(day: date, *, closed: dict[date, str] | None = None) -> None:
    """Refuse a closed day with `closed_day` (400), naming the day and the reason. `closed`: a range already read."""
    reason = closed.get(day) if closed is not None else is_closed(day)
    if reason is not None:
        raise ClosedDay(date=day, reason=reason)
