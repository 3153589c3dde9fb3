from datetime import date

import pytest

from baskets.models import BasketFrequency
from baskets.services.calendar import is_due, iso_week_label, iso_week_parse, week_parity


def test_iso_2026_has_53_weeks_and_friday_of_w53_is_new_year_day():
    assert iso_week_parse("2026-W53") == date(2026, 12, 28)
    assert iso_week_label(date(2027, 1, 1)) == "2026-W53"
    assert iso_week_parse("2027-W01") == date(2027, 1, 4)


@pytest.mark.parametrize("value", ["2025-W53", "2026-W54", "2026-W00", "2026-49", "W49", "", "2026-W4"])
def test_invalid_weeks_are_refused(value):
    with pytest.raises(ValueError):
        iso_week_parse(value)


def test_every_two_weeks_keeps_its_rhythm_across_a_53_week_year():
    # given a fortnightly subscription whose first basket is Friday 18 December 2026 (2026-W51)
    start = date(2026, 12, 18)
    fridays = {
        "2026-W51": date(2026, 12, 18),
        "2026-W52": date(2026, 12, 25),
        "2026-W53": date(2027, 1, 1),
        "2027-W01": date(2027, 1, 8),
        "2027-W02": date(2027, 1, 15),
        "2027-W03": date(2027, 1, 22),
    }

    # when we ask which Fridays bring a basket
    due = {
        week
        for week, friday in fridays.items()
        if is_due(
            frequency=BasketFrequency.EVERY_TWO_WEEKS,
            start_date=start,
            anchor_week_parity=week_parity(start),
            on=friday,
        )
    }

    # then it is every other Friday, W53 included, not "odd ISO week numbers" (W53 and W01 are both odd)
    assert due == {"2026-W51", "2026-W53", "2027-W02"}


def test_weekly_is_due_every_week_from_the_start_only():
    start = date(2026, 12, 11)
    assert not is_due(frequency=BasketFrequency.WEEKLY, start_date=start, anchor_week_parity=0, on=date(2026, 12, 4))
    assert all(
        is_due(frequency=BasketFrequency.WEEKLY, start_date=start, anchor_week_parity=0, on=date(2026, 12, d))
        for d in (11, 18, 25)
    )
