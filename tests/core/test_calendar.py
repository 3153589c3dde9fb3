"""The project's one calendar of closed days: French public holidays (computed) and the association's closures."""

from datetime import date

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ecopole.core.calendar import (
    ClosedDay,
    closed_day_check,
    closures_between,
    easter_sunday,
    french_public_holidays,
    is_closed,
)
from ecopole.core.models import Closure


def test_the_french_public_holidays_including_the_easter_based_ones():
    assert [easter_sunday(y) for y in (2026, 2027, 2038)] == [date(2026, 4, 5), date(2027, 3, 28), date(2038, 4, 25)]
    with translation.override("fr"):
        holidays = french_public_holidays(2026)
    assert len(holidays) == 11
    assert holidays[date(2026, 4, 6)] == "Lundi de Pâques"
    assert holidays[date(2026, 5, 14)] == "Ascension"
    assert holidays[date(2026, 5, 25)] == "Lundi de Pentecôte"
    assert holidays[date(2026, 12, 25)] == "Noël"
    assert {date(2026, 1, 1), date(2026, 5, 1), date(2026, 5, 8), date(2026, 7, 14), date(2026, 8, 15)} < set(holidays)
    assert {date(2026, 11, 1), date(2026, 11, 11)} < set(holidays)


@pytest.mark.django_db
def test_closures_and_holidays_of_a_range_in_one_query():
    # given "fermé du 24 au 26 décembre" and a one-day closure
    Closure.objects.create(start_date=date(2026, 12, 24), end_date=date(2026, 12, 26), label="Congés de Noël")
    Closure.objects.create(start_date=date(2027, 2, 1), end_date=date(2027, 2, 1), label="Inventaire")

    with translation.override("fr"), CaptureQueriesContext(connection) as ctx:
        closed = closures_between(date(2026, 12, 20), date(2027, 1, 10))

    assert len(ctx.captured_queries) == 1
    assert closed == {
        date(2026, 12, 24): "Congés de Noël",
        date(2026, 12, 25): "Congés de Noël",  # the closure's label wins over the holiday's
        date(2026, 12, 26): "Congés de Noël",
        date(2027, 1, 1): "Jour de l'an",
    }
    assert is_closed(date(2027, 2, 1)) == "Inventaire" and is_closed(date(2027, 2, 2)) is None


@pytest.mark.django_db
def test_a_closed_day_is_refused_with_its_code_the_day_and_the_reason():
    with translation.override("fr"), pytest.raises(ClosedDay) as refused:
        closed_day_check(date(2026, 12, 25))
    assert refused.value.code == "closed_day" and refused.value.status_code == 400
    with translation.override("fr"):
        assert refused.value.detail == "L'Ecopôle est fermé le 25 décembre 2026 (Noël) : choisissez un autre jour."
    closed_day_check(date(2026, 12, 24))  # open: nothing raised


@pytest.mark.django_db
def test_a_closure_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        Closure.objects.create(start_date=date(2026, 12, 26), end_date=date(2026, 12, 24), label="À l'envers")
