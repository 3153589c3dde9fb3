"""The cabas bio tests' calendar: Monday 7 December 2026, 09:00 in Paris (ISO week 2026-W50); baskets are
distributed on Friday 11 December, cutoff Wednesday 9 December at 12:00. The fixtures are in tests/baskets/conftest.py.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
FRIDAY = date(2026, 12, 11)
NEXT_FRIDAY = date(2026, 12, 18)
WEEK = "2026-W50"
WEEK_START = date(2026, 12, 7)
CUTOFF = datetime(2026, 12, 9, 12, 0, tzinfo=PARIS)
BASE = "/api/v1/baskets"
