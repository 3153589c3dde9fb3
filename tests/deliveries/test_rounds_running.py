"""Running rounds: lists with constant queries, drivers see only their rounds, delivered and failed flows (run
twice), a failed home delivery moved by the manager, hand reorder with recomputed times, lock, round sheet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliveries.models import Round, RoundEvent, RoundStatus, Stop, StopStatus
from deliveries.services.planning import round_plan
from ecopole.core.models import AuditEvent
from orders.models import Order, OrderEvent
from tests.clients import client_for
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY, PARIS
from tests.factories.accounts import StaffFactory
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import order_create


@pytest.fixture
def planned(db, depot, ardres, calais_zone, driver):
    """Friday planned on one van driven by `driver`: three home orders in Calais and two orders for Ardres."""
    van = VehicleFactory(name="Camion", default_driver=driver)
    homes = [
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg="4")
        for lat, lon in CALAIS_POINTS[:3]
    ]
    points = [order_create(day=FRIDAY, point=ardres, kg="5"), order_create(day=FRIDAY, point=ardres, kg="2", jars=2)]
    result = round_plan(date=FRIDAY, time_limit=0.2)
    (round_,) = result.rounds
    assert round_.vehicle == van and round_.driver == driver
    return {"round": round_, "homes": homes, "points": points}


def _url(name, **kwargs):
    return reverse(f"deliveries:{name}", kwargs=kwargs)


def _stop(round_, kind):
    return round_.stops.filter(kind=kind).order_by("sequence").first()


def test_staff_list_rounds_of_a_date_with_ordered_stops_and_handover(planned, preparer):
    response = client_for(preparer).get(_url("round-list"), {"date": FRIDAY.isoformat()})
    assert response.status_code == 200
    (body,) = response.json()["results"]
    assert [s["sequence"] for s in body["stops"]] == list(range(1, 5))  # 3 homes + one stop for Ardres
    ardres = next(s for s in body["stops"] if s["kind"] == "pickup_point")
    assert ardres["load_kg"] == "7.90" and ardres["load_crates"] == 2  # 5 + 2 kg + 2 jars × 0.45 kg
    assert sorted(ardres["orders"]) == sorted(o.pk for o in planned["points"])
    assert ardres["handover"][1]["items"][1] == {"name": "Confiture", "quantity": "2", "unit": "jar"}
    arrivals = [s["arrival_at"] for s in body["stops"]]
    assert arrivals == sorted(arrivals)


def test_round_lists_use_a_constant_number_of_queries(db, depot, calais_zone, manager_client):
    manager_client.get(_url("round-list"))  # warm up: the user's groups are read once per user object

    def queries_for(vehicles: int, day: date) -> tuple[int, int]:
        for _ in range(vehicles):
            VehicleFactory(weekdays=[day.weekday()], capacity_kg=12)
            for lat, lon in CALAIS_POINTS[:2]:
                order_create(day=day, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg="5")
        # How many rounds a 0.2 s search finds depends on the machine's load; the count of queries must not.
        rounds = len(round_plan(date=day, time_limit=0.2).rounds)
        with CaptureQueriesContext(connection) as context:
            response = manager_client.get(_url("round-list"), {"date": day.isoformat()})
        assert response.status_code == 200 and len(response.json()["results"]) == rounds
        return rounds, len(context.captured_queries)

    few_rounds, few_queries = queries_for(2, FRIDAY)
    many_rounds, many_queries = queries_for(6, FRIDAY + timedelta(days=7))
    assert many_rounds > few_rounds >= 1
    assert few_queries == many_queries


def test_a_driver_sees_only_their_rounds_of_today_and_the_coming_days(planned, driver, driver_client):
    other_driver = StaffFactory(groups=["driver"])
    other = client_for(other_driver)
    round_ = planned["round"]
    stop = _stop(round_, "home")
    with time_machine.travel(timezone.datetime(2026, 10, 23, 7, 30, tzinfo=PARIS), tick=False):
        # the round's driver sees it today
        mine = driver_client.get(_url("my-rounds")).json()["results"]
        assert [r["id"] for r in mine] == [round_.pk]
        # another driver sees nothing, and reaches nothing of it
        assert other.get(_url("my-rounds")).json()["results"] == []
        assert other.get(_url("round-detail", round_id=round_.pk)).status_code == 404
        assert other.get(_url("round-sheet", round_id=round_.pk)).status_code == 404
        assert other.post(_url("round-start", round_id=round_.pk)).status_code == 404
        delivered = other.post(_url("stop-delivered", round_id=round_.pk, stop_id=stop.pk))
        assert delivered.status_code == 404 and delivered.json()["code"] == "not_found"
        assert other.get(_url("round-list"), {"date": FRIDAY.isoformat()}).json()["results"] == []
    # and the days before (a coming round), but not once its day has passed
    with time_machine.travel(timezone.datetime(2026, 10, 20, 8, 0, tzinfo=PARIS), tick=False):
        assert [r["id"] for r in driver_client.get(_url("my-rounds")).json()["results"]] == [round_.pk]
        assert other.get(_url("my-rounds")).json()["results"] == []
    with time_machine.travel(timezone.datetime(2026, 10, 24, 8, 0, tzinfo=PARIS), tick=False):
        assert driver_client.get(_url("my-rounds")).json()["results"] == []
    # customers are refused
    assert Stop.objects.get(pk=stop.pk).status == StopStatus.PENDING


def test_customers_cannot_reach_rounds(planned, customer_client):
    assert customer_client.get(_url("round-list")).status_code == 403
    assert customer_client.get(_url("round-detail", round_id=planned["round"].pk)).status_code == 403


def test_delivering_stops_fulfils_home_orders_and_readies_point_orders_once(planned, driver_client):
    round_ = planned["round"]
    home, point = _stop(round_, "home"), _stop(round_, "pickup_point")
    # delivering before the start is refused
    early = driver_client.post(_url("stop-delivered", round_id=round_.pk, stop_id=home.pk))
    assert early.status_code == 409 and early.json()["code"] == "round_not_started"

    assert driver_client.post(_url("round-start", round_id=round_.pk)).json()["status"] == "started"
    for _ in range(2):  # run twice: the second call changes nothing
        response = driver_client.post(_url("stop-delivered", round_id=round_.pk, stop_id=home.pk))
        assert response.status_code == 200 and response.json()["status"] == "delivered"
        assert driver_client.post(_url("stop-delivered", round_id=round_.pk, stop_id=point.pk)).status_code == 200

    (home_order,) = home.orders.all()
    home_order.refresh_from_db()
    assert home_order.status == "fulfilled"
    assert list(OrderEvent.objects.filter(order=home_order, kind="status").values_list("to_value", flat=True)) == [
        "out_for_delivery",
        "fulfilled",
    ]
    assert set(Order.objects.filter(pk__in=[o.pk for o in planned["points"]]).values_list("status", flat=True)) == {
        "ready"
    }
    assert RoundEvent.objects.filter(round=round_, kind="stop_status").count() == 2
    assert AuditEvent.objects.filter(action="round.stop_delivered").count() == 2

    # a delivered stop cannot fail; the round cannot finish while stops are pending
    failed = driver_client.post(_url("stop-failed", round_id=round_.pk, stop_id=home.pk), {"reason": "absent"}, "json")
    assert failed.status_code == 409 and failed.json()["code"] == "invalid_transition"
    finish = driver_client.post(_url("round-finish", round_id=round_.pk))
    assert finish.status_code == 409 and finish.json()["code"] == "stops_pending"


def test_a_failed_home_delivery_is_moved_to_the_next_delivery_day_by_the_manager(
    planned, driver_client, manager_client
):
    round_ = planned["round"]
    home = _stop(round_, "home")
    (order,) = home.orders.all()
    for status in ("preparing", "out_for_delivery"):  # loaded into the van
        assert (
            manager_client.post(f"/api/v1/orders/{order.pk}/transition/", {"status": status}, "json").status_code == 200
        )
    driver_client.post(_url("round-start", round_id=round_.pk))
    bad = driver_client.post(_url("stop-failed", round_id=round_.pk, stop_id=home.pk), {"reason": "never"}, "json")
    assert bad.status_code == 400
    for _ in range(2):
        response = driver_client.post(
            _url("stop-failed", round_id=round_.pk, stop_id=home.pk),
            {"reason": "absent", "note": "Sonné 2 fois"},
            "json",
        )
        assert response.status_code == 200
        assert response.json()["status"] == "failed" and response.json()["failure_reason"] == "absent"
    assert driver_client.post(_url("stop-resolve", round_id=round_.pk, stop_id=home.pk), {}, "json").status_code == 403

    for _ in range(2):
        response = manager_client.post(
            _url("stop-resolve", round_id=round_.pk, stop_id=home.pk), {"action": "next_delivery_day"}, "json"
        )
        assert response.status_code == 200 and response.json()["resolution"] == "next_delivery_day"
    order.refresh_from_db()
    assert order.delivery_date == date(2026, 10, 27)  # the zone's next delivery day: Tuesday
    assert order.fulfilment == "home"
    other = manager_client.post(
        _url("stop-resolve", round_id=round_.pk, stop_id=home.pk), {"action": "pickup_point", "pickup_point": 1}, "json"
    )
    assert other.status_code == 409 and other.json()["code"] == "already_resolved"
    assert AuditEvent.objects.filter(action="order.reschedule", object_id=str(order.pk)).count() == 1
    # back at the depot: the order is being prepared again, with its history saying why
    assert order.status == "preparing"
    events = list(order.events.order_by("id").values_list("kind", "from_value", "to_value"))
    assert events[-2:] == [
        ("status", "out_for_delivery", "preparing"),
        ("rescheduled", "2026-10-23", "2026-10-27"),
    ]
    # and the next planning of Tuesday picks it up
    assert f"order:{order.pk}" in {
        s.source_key for r in round_plan(date=order.delivery_date, time_limit=0.2).rounds for s in r.stops.all()
    }


def test_a_failed_home_delivery_can_be_moved_to_a_pickup_point(planned, driver_client, manager_client, ardres):
    round_ = planned["round"]
    home = _stop(round_, "home")
    (order,) = home.orders.all()
    driver_client.post(_url("round-start", round_id=round_.pk))
    driver_client.post(_url("stop-failed", round_id=round_.pk, stop_id=home.pk), {"reason": "no_access"}, "json")
    response = manager_client.post(
        _url("stop-resolve", round_id=round_.pk, stop_id=home.pk),
        {"action": "pickup_point", "pickup_point": ardres.pk},
        "json",
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.fulfilment, order.pickup_point_id, order.delivery_zone_id) == ("pickup", ardres.pk, None)
    assert order.delivery_date == date(2026, 10, 27)
    assert order.status == "preparing"  # untouched: it had not left the depot
    assert order.events.filter(kind="rescheduled", to_value="2026-10-27", note__contains=ardres.name).count() == 1


def test_staff_reorder_stops_times_are_recomputed_and_the_round_locked(planned, manager_client, driver_client):
    round_ = planned["round"]
    before = {s.pk: s.arrival_at for s in round_.stops.all()}
    order = list(round_.stops.order_by("sequence").values_list("pk", flat=True))
    reversed_order = list(reversed(order))
    assert (
        driver_client.post(_url("round-reorder", round_id=round_.pk), {"stops": reversed_order}, "json").status_code
        == 403
    )
    wrong = manager_client.post(_url("round-reorder", round_id=round_.pk), {"stops": reversed_order[1:]}, "json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "stop_order_invalid"

    response = manager_client.post(
        _url("round-reorder", round_id=round_.pk),
        {"stops": reversed_order, "is_locked": False, "status": "finished"},
        "json",
    )
    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body["stops"]] == reversed_order
    assert body["is_locked"] is True and body["status"] == "planned"  # read-only fields sent are ignored
    after = {s["id"]: s["arrival_at"] for s in body["stops"]}
    assert after != {pk: value.isoformat() for pk, value in before.items()}
    assert [s["arrival_at"] for s in body["stops"]] == sorted(s["arrival_at"] for s in body["stops"])
    # the same order again changes nothing
    again = manager_client.post(_url("round-reorder", round_id=round_.pk), {"stops": reversed_order}, "json")
    assert again.json() == body
    assert RoundEvent.objects.filter(round=round_, kind="reordered").count() == 1
    # a locked round survives re-planning
    assert [r.pk for r in round_plan(date=FRIDAY, time_limit=0.2).kept] == [round_.pk]
    # unlock it
    unlocked = manager_client.post(_url("round-lock", round_id=round_.pk), {"locked": False}, "json")
    assert unlocked.json()["is_locked"] is False


def test_assign_a_driver(planned, manager_client, customer):
    round_ = planned["round"]
    other_driver = StaffFactory(groups=["driver"])
    response = manager_client.post(_url("round-driver", round_id=round_.pk), {"driver": other_driver.pk}, "json")
    assert response.status_code == 200 and response.json()["driver"]["id"] == other_driver.pk
    refused = manager_client.post(_url("round-driver", round_id=round_.pk), {"driver": customer.pk}, "json")
    assert refused.status_code == 400 and refused.json()["code"] == "driver_invalid"
    assert (
        manager_client.post(_url("round-driver", round_id=round_.pk), {"driver": None}, "json").json()["driver"] is None
    )


def test_round_sheet_as_html_and_pdf(planned, driver_client):
    round_ = planned["round"]
    html = driver_client.get(_url("round-sheet", round_id=round_.pk))
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    text = html.content.decode()
    assert "Point relais d&#x27;Ardres" in text and "Confiture" in text and "Signature" in text
    pdf = driver_client.get(_url("round-sheet", round_id=round_.pk), {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    missing = driver_client.get(_url("round-sheet", round_id=999999), {"format": "pdf"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_finishing_a_round(planned, driver_client, manager):
    round_ = planned["round"]
    driver_client.post(_url("round-start", round_id=round_.pk))
    for stop in round_.stops.all():
        driver_client.post(_url("stop-delivered", round_id=round_.pk, stop_id=stop.pk))
    for _ in range(2):
        response = driver_client.post(_url("round-finish", round_id=round_.pk))
        assert response.status_code == 200 and response.json()["status"] == "finished"
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.FINISHED
    assert RoundEvent.objects.filter(round=round_, kind="status").count() == 2


def test_a_round_cannot_start_before_its_date(planned, driver_client):
    round_ = planned["round"]
    # the day before: refused with a clear code, nothing changed
    with time_machine.travel(timezone.datetime(2026, 10, 22, 23, 30, tzinfo=PARIS), tick=False):
        response = driver_client.post(_url("round-start", round_id=round_.pk))
    assert response.status_code == 409 and response.json()["code"] == "round_not_due"
    assert (
        response.json()["detail"]
        == "Cette tournée est prévue le 23/10/2026 : elle ne peut pas partir avant ce jour-là."
    )
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.PLANNED
    assert not RoundEvent.objects.filter(round=round_, kind="status").exists()
    # on its day (Europe/Paris, just after midnight): it starts
    with time_machine.travel(timezone.datetime(2026, 10, 23, 0, 5, tzinfo=PARIS), tick=False):
        response = driver_client.post(_url("round-start", round_id=round_.pk))
    assert response.status_code == 200 and response.json()["status"] == "started"


def test_the_round_sheet_shows_phones_and_french_units(planned, driver_client):
    round_ = planned["round"]
    customer = planned["points"][1].customer
    customer.phone = "03 21 00 00 07"
    customer.save(update_fields=["phone"])
    # a stop planned before phones were stored in the hand-over list: the sheet looks the phone up
    for stop in round_.stops.all():
        stop.handover = [{k: v for k, v in h.items() if k != "phone"} for h in stop.handover]
        stop.save(update_fields=["handover"])

    html = driver_client.get(_url("round-sheet", round_id=round_.pk)).content.decode()

    assert "03 21 00 00 07" in html and 'href="tel:0321000007"' in html
    assert "2 bocaux Confiture" in html and "5 kg Pommes de terre" in html
    pdf = driver_client.get(_url("round-sheet", round_id=round_.pk), {"format": "pdf"})
    assert pdf.status_code == 200
    # the PDF's hand-over cells are built from the same context (ReportLab compresses the page streams)
    from django.utils import translation

    from deliveries.renderers import _handover_text, sheet_context

    with translation.override("fr"):
        cells = [_handover_text(stop["handover"]) for stop in sheet_context(round_)["stops"]]
    assert any("Tél. : 03 21 00 00 07" in cell and "2 bocaux Confiture" in cell for cell in cells), cells


def test_planning_stores_the_customers_phone_in_the_handover(db, depot, ardres):
    order = order_create(day=FRIDAY, point=ardres, kg="2")
    order.customer.phone = "06 12 34 56 78"
    order.customer.save(update_fields=["phone"])
    from deliveries.services.sources import stop_demands_for

    (demand,) = stop_demands_for(FRIDAY)
    assert demand.handover[0].phone == "06 12 34 56 78"
