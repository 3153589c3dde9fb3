"""The planning board's pages (/equipe/tournees/): managers only (preparers, drivers and customers get 403, an
anonymous visitor the login page); planning a date through the planning job; the rounds with their figures; moving
a stop, assigning a driver, locking, the sheets; the progress fragment htmx polls; a refused move says why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from deliveries.models import PlanningJob, Round, Stop
from deliveries.services.planning import round_plan
from tests.deliveries.helpers import FRIDAY, round_build
from tests.factories.accounts import StaffFactory, UserFactory

BOARD = reverse("staff:planning-board")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_web(manager) -> Client:
    return _client(manager)


def _urls(round_id: int = 1, stop_id: int = 1) -> list[tuple[str, str]]:
    return [
        ("get", BOARD),
        ("get", reverse("staff:planning-sheets") + f"?date={FRIDAY}"),
        ("get", reverse("staff:planning-progress") + f"?date={FRIDAY}"),
        ("post", reverse("staff:planning-start")),
        ("post", reverse("staff:planning-stop-move", args=[round_id, stop_id])),
        ("post", reverse("staff:planning-round-lock", args=[round_id])),
        ("post", reverse("staff:planning-round-driver", args=[round_id])),
    ]


def test_only_managers_reach_the_board(db, preparer, driver, customer, board_friday, frozen_thursday):
    round_plan(date=FRIDAY)
    round_ = Round.objects.filter(date=FRIDAY).first()
    stop = round_.stops.first()
    urls = _urls(round_.pk, stop.pk)
    for user in (preparer, driver, customer):
        client = _client(user)
        for method, url in urls:
            response = getattr(client, method)(url, {"date": FRIDAY.isoformat(), "locked": "1"})
            assert response.status_code == 403, (user, url)
    anonymous = Client()
    for method, url in urls:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/compte/"), url
    # nothing changed
    round_.refresh_from_db()
    assert not round_.is_locked and PlanningJob.objects.count() == 0


def test_the_manager_plans_a_date_and_sees_its_rounds(
    board_friday, manager_web, frozen_thursday, django_capture_on_commit_callbacks
):
    # when the manager plans Friday (the task runs eagerly in tests, after the request's commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_web.post(reverse("staff:planning-start"), {"date": FRIDAY.isoformat()})
    response = manager_web.get(response["Location"])

    # then the job is done and the board shows each round with its figures and stops in order
    assert response.status_code == 200
    assert PlanningJob.objects.get(date=FRIDAY).status == "done"
    page = response.content.decode()
    assert "La planification a démarré." in page
    assert "Dernière planification le" in page
    rounds = list(Round.objects.filter(date=FRIDAY).prefetch_related("stops"))
    assert rounds
    for round_ in rounds:
        assert f"Tournée {round_.vehicle.name}" in page
        assert f"/ {round_.vehicle.capacity_crates} caisses" in page
        for stop in round_.stops.all():
            assert stop.label in page
    assert 'id="planning-map-data"' in page
    assert "<script>" not in page  # no inline script (CSP)


def test_moving_a_stop_from_the_board(board_friday, manager_web, frozen_thursday):
    round_plan(date=FRIDAY)
    van_round = Round.objects.get(date=FRIDAY, vehicle=board_friday["van"])
    stop = van_round.stops.order_by("sequence").last()

    response = manager_web.post(
        reverse("staff:planning-stop-move", args=[van_round.pk, stop.pk]), {"round": van_round.pk, "position": "1"}
    )

    assert response.status_code == 302 and response["Location"].endswith(f"#tournee-{van_round.pk}")
    stop.refresh_from_db()
    assert stop.sequence == 1
    van_round.refresh_from_db()
    assert van_round.is_locked


def test_an_infeasible_move_is_refused_with_its_reason(board_friday, manager_web, frozen_thursday):
    orders = board_friday["orders"]
    van_round = round_build(vehicle=board_friday["van"], day=FRIDAY, orders=[*orders[:3], orders[-1]])
    bike_round = round_build(vehicle=board_friday["bike"], day=FRIDAY, orders=orders[3:4])
    marck = Stop.objects.get(source_key=f"order:{board_friday['orders'][-1].pk}")
    assert marck.round_id == van_round.pk  # the bike does not go to Marck

    response = manager_web.post(
        reverse("staff:planning-stop-move", args=[van_round.pk, marck.pk]),
        {"round": bike_round.pk, "position": "1"},
        follow=True,
    )

    assert "Ce déplacement est impossible : Vélo cargo ne dessert pas Marck." in response.content.decode()
    marck.refresh_from_db()
    assert marck.round_id == van_round.pk


def test_lock_driver_and_sheets(board_friday, manager_web, frozen_thursday):
    round_plan(date=FRIDAY)
    round_ = Round.objects.filter(date=FRIDAY).first()
    driver = StaffFactory(groups=["driver"], full_name="Sacha Martin")

    manager_web.post(reverse("staff:planning-round-driver", args=[round_.pk]), {"driver": str(driver.pk)})
    manager_web.post(reverse("staff:planning-round-lock", args=[round_.pk]), {"locked": "1"})

    round_.refresh_from_db()
    assert round_.driver_id == driver.pk and round_.is_locked
    sheets = manager_web.get(reverse("staff:planning-sheets"), {"date": FRIDAY.isoformat()}).content.decode()
    assert "Sacha Martin" in sheets and 'class="sheet"' in sheets
    # a customer is not a driver: refused with the service's reason, nothing changed
    response = manager_web.post(
        reverse("staff:planning-round-driver", args=[round_.pk]), {"driver": str(UserFactory().pk)}, follow=True
    )
    assert "chauffeur" in response.content.decode().lower()
    round_.refresh_from_db()
    assert round_.driver_id == driver.pk


def test_the_progress_fragment_polls_while_the_job_runs_then_reloads(board_friday, manager_web, frozen_thursday):
    job = PlanningJob.objects.create(date=FRIDAY, status="running")
    url = reverse("staff:planning-progress") + f"?date={FRIDAY.isoformat()}"

    # with htmx, while running: the fragment keeps polling; the page has a plain reload link
    fragment = manager_web.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    assert "Recharger la page" in fragment.content.decode()
    board = manager_web.get(BOARD, {"date": FRIDAY.isoformat()}).content.decode()
    assert "La planification est en cours" in board

    # once done: the whole page reloads; without htmx: back to the board
    PlanningJob.objects.filter(pk=job.pk).update(status="done")
    assert manager_web.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert manager_web.get(url).status_code == 302
