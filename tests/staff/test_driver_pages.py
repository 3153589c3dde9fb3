"""The driver's round on a phone (/livreur/): only the driver's own rounds; each stop with its address, navigation
links, the customer's phone, the window, what to hand over and notes; "Livré" with a proof (a name and a photo or a
signature) stored privately and shown to staff and to the customer; "Échec" with a reason. Each action run twice
records once."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliveries.models import RoundEvent, RoundEventKind, RoundStatus, StopStatus
from ecopole.core.models import OutboxMessage
from orders.models import OrderEvent, OrderStatus
from tests.clients import client_for
from tests.factories.accounts import StaffFactory
from tests.staff.helpers import driver_round_create, image_bytes, signature_data_url


def _web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _stop_url(name, stop):
    return reverse(f"driver:{name}", kwargs={"round_id": stop.round_id, "stop_id": stop.pk})


def _deliver(client, stop, **extra):
    data = {"received_by": "Mme Lefebvre", "signature": signature_data_url(), **extra}
    return client.post(_stop_url("stop-deliver", stop), data)


@pytest.fixture(autouse=True)
def proof_root(settings, tmp_path):
    settings.DELIVERY_PROOF_ROOT = tmp_path / "proofs"
    return settings.DELIVERY_PROOF_ROOT


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def my_round(db, driver, today):
    return driver_round_create(driver=driver, day=today)


@pytest.fixture
def other_driver(db):
    return StaffFactory(groups=["driver"])


def test_a_driver_sees_only_their_own_rounds_of_today_and_the_coming_days(driver, other_driver, today):
    mine = driver_round_create(driver=driver, day=today, stops=1)
    tomorrow = driver_round_create(driver=driver, day=today + timedelta(days=1), status=RoundStatus.PLANNED, stops=1)
    yesterday = driver_round_create(driver=driver, day=today - timedelta(days=1), stops=1)
    theirs = driver_round_create(driver=other_driver, day=today, stops=1)

    page = _web(driver).get(reverse("driver:rounds"))

    assert page.status_code == 200
    body = page.content.decode()
    for round_ in (mine, tomorrow):
        assert reverse("driver:round", kwargs={"round_id": round_.pk}) in body
    for round_ in (yesterday, theirs):
        assert reverse("driver:round", kwargs={"round_id": round_.pk}) not in body


def test_another_drivers_round_and_stop_are_404_and_stay_as_they_were(my_round, other_driver):
    stop = my_round.stops.first()
    client = _web(other_driver)

    assert client.get(reverse("driver:round", kwargs={"round_id": my_round.pk})).status_code == 404
    assert client.get(_stop_url("stop", stop)).status_code == 404
    assert _deliver(client, stop).status_code == 404
    assert client.post(_stop_url("stop-fail", stop), {"reason": "absent"}).status_code == 404
    assert client.post(reverse("driver:round-finish", kwargs={"round_id": my_round.pk})).status_code == 404

    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING and not stop.received_by


@pytest.mark.parametrize("role", ["customer", "preparer", "manager"])
def test_customers_preparers_and_managers_are_refused_the_drivers_pages(request, role, my_round):
    user = request.getfixturevalue(role)
    stop = my_round.stops.first()
    client = _web(user)

    for url in (reverse("driver:rounds"), reverse("driver:round", kwargs={"round_id": my_round.pk})):
        assert client.get(url).status_code == 403
    assert _deliver(client, stop).status_code == 403
    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING


def test_an_anonymous_visitor_is_sent_to_the_login_page(my_round):
    stop = my_round.stops.first()
    for response in (_web().get(reverse("driver:rounds")), _deliver(_web(), stop)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("account:login"))
    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING


def test_the_stop_page_has_navigation_links_the_phone_the_window_french_units_and_notes(driver, my_round):
    stop = my_round.stops.get(sequence=1)

    page = _web(driver).get(_stop_url("stop", stop))

    assert page.status_code == 200
    body = page.content.decode()
    assert 'href="geo:50.951300,1.858700?q=50.951300,1.858700"' in body
    assert "https://www.openstreetmap.org/?mlat=50.951300&amp;mlon=1.858700#map=18/50.951300/1.858700" in body
    assert 'href="tel:0612345678"' in body
    assert "09:00 à 11:00" in body
    assert "1,5 kg Pommes de terre" in body and "2 bocaux Confiture" in body
    assert "Digicode 1234" in body
    assert "12 rue des Jardins, 62100 Calais" in body


def test_delivered_with_a_signature_and_a_photo_stores_the_proof_privately(driver, my_round):
    stop = my_round.stops.get(sequence=1)
    order = stop.orders.get()
    photo = SimpleUploadedFile("IMG_0001.png", image_bytes("PNG"), content_type="image/png")

    response = _deliver(_web(driver), stop, photo=photo)

    assert response.status_code == 302
    assert response["Location"] == reverse("driver:round", kwargs={"round_id": my_round.pk}) + f"#arret-{stop.pk}"
    stop.refresh_from_db()
    order.refresh_from_db()
    assert stop.status == StopStatus.DELIVERED and stop.received_by == "Mme Lefebvre"
    assert order.status == OrderStatus.FULFILLED
    signature = Path(settings.DELIVERY_PROOF_ROOT) / stop.proof_signature.name
    photo_path = Path(settings.DELIVERY_PROOF_ROOT) / stop.proof_photo.name
    assert signature.read_bytes().startswith(b"\x89PNG") and photo_path.read_bytes().startswith(b"\xff\xd8")
    assert "IMG_0001" not in stop.proof_photo.name  # a random name, never the uploaded one
    media = Path(settings.MEDIA_ROOT).resolve()
    assert media not in signature.resolve().parents and media not in photo_path.resolve().parents
    page = _web(driver).get(reverse("driver:round", kwargs={"round_id": my_round.pk}))
    assert "reçu par Mme Lefebvre" in page.content.decode()


def test_the_same_delivered_post_twice_records_one_delivery_and_one_proof(driver, my_round):
    stop = my_round.stops.get(sequence=1)
    client = _web(driver)

    first = _deliver(client, stop)
    messages = OutboxMessage.objects.count()
    second = _deliver(client, stop, received_by="Quelqu'un d'autre")

    assert first.status_code == second.status_code == 302
    stop.refresh_from_db()
    assert stop.received_by == "Mme Lefebvre"
    events = RoundEvent.objects.filter(stop=stop, kind=RoundEventKind.STOP_STATUS, to_value=StopStatus.DELIVERED)
    assert events.count() == 1
    assert (
        OrderEvent.objects.filter(order__in=stop.orders.all(), kind="status", to_value=OrderStatus.FULFILLED).count()
        == 1
    )
    assert OutboxMessage.objects.count() == messages  # nothing (no email) written by the second post
    stored = [p for p in Path(settings.DELIVERY_PROOF_ROOT).rglob("*") if p.is_file()]
    assert [p.relative_to(settings.DELIVERY_PROOF_ROOT).as_posix() for p in stored] == [stop.proof_signature.name]
    assert "déjà enregistré" in client.get(second["Location"]).content.decode()


def test_failed_with_a_reason_twice_records_once_and_emails_the_customer_once(driver, my_round):
    stop = my_round.stops.get(sequence=2)
    client = _web(driver)
    data = {"reason": "absent", "note": "Personne, volets fermés"}

    first, second = client.post(_stop_url("stop-fail", stop), data), client.post(_stop_url("stop-fail", stop), data)

    assert first.status_code == second.status_code == 302
    stop.refresh_from_db()
    assert (stop.status, stop.failure_reason, stop.failure_note) == ("failed", "absent", "Personne, volets fermés")
    assert RoundEvent.objects.filter(stop=stop, to_value=StopStatus.FAILED).count() == 1
    assert OutboxMessage.objects.filter(key__startswith="order_delivery_failed:").count() == 1


def test_a_failure_needs_a_reason(driver, my_round):
    stop = my_round.stops.get(sequence=2)

    response = _web(driver).post(_stop_url("stop-fail", stop), {"reason": "", "note": ""})

    assert response.status_code == 400
    assert "Indiquez pourquoi la livraison a échoué." in response.content.decode()
    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"received_by": "", "signature": "ok"}, "Indiquez le nom de la personne qui a reçu la livraison."),
        ({"received_by": "Mme Lefebvre", "signature": ""}, "Une preuve de livraison demande le nom"),
        ({"received_by": "Mme Lefebvre", "signature": "data:image/png;base64,bm90IGFuIGltYWdl"}, "signature"),
        ({"received_by": "Mme Lefebvre", "photo": "text"}, "La photo n’est pas une image lisible"),
        ({"received_by": "Mme Lefebvre", "photo": "big"}, "La photo est trop grande"),
    ],
)
def test_an_incomplete_or_invalid_proof_is_refused_and_the_stop_stays_pending(
    driver, my_round, settings, data, message
):
    settings.DELIVERY_PROOF_MAX_BYTES = 2000
    stop = my_round.stops.get(sequence=1)
    data = dict(data)
    if data.get("signature") == "ok":
        data["signature"] = signature_data_url()
    if data.get("photo") == "text":
        data["photo"] = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    if data.get("photo") == "big":
        data["photo"] = SimpleUploadedFile("photo.png", image_bytes("PNG", (400, 400)) + b"\0" * 3000)

    response = _web(driver).post(_stop_url("stop-deliver", stop), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING and not stop.proof_signature and not stop.proof_photo


def test_a_stop_of_a_planned_round_cannot_be_recorded_until_the_round_starts(driver, today):
    round_ = driver_round_create(driver=driver, day=today, status=RoundStatus.PLANNED, stops=1)
    stop = round_.stops.get()
    client = _web(driver)
    assert "Démarrez la tournée" in client.get(_stop_url("stop", stop)).content.decode()

    response = _deliver(client, stop)
    assert response.status_code == 409
    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING and not stop.proof_signature

    assert client.post(reverse("driver:round-start", kwargs={"round_id": round_.pk})).status_code == 302
    assert _deliver(client, stop).status_code == 302
    stop.refresh_from_db()
    assert stop.status == StopStatus.DELIVERED
    assert client.post(reverse("driver:round-finish", kwargs={"round_id": round_.pk})).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.FINISHED


def test_the_proof_files_answer_the_orders_customer_and_the_staff_only(driver, other_driver, manager, my_round):
    stop = my_round.stops.get(sequence=1)
    _deliver(_web(driver), stop, photo=SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg"))
    stop.refresh_from_db()
    customer = stop.orders.get().customer
    other_customer = my_round.stops.get(sequence=2).orders.get().customer
    urls = {part: reverse("driver:proof", kwargs={"stop_id": stop.pk, "part": part}) for part in ("photo", "signature")}

    for user in (customer, driver, manager):
        signature = _web(user).get(urls["signature"])
        assert signature.status_code == 200 and signature["Content-Type"] == "image/png"
        assert signature["Cache-Control"] == "private, no-store"
        assert b"".join(signature.streaming_content).startswith(b"\x89PNG")
        assert _web(user).get(urls["photo"])["Content-Type"] == "image/jpeg"
    for user in (other_customer, other_driver):
        assert _web(user).get(urls["signature"]).status_code == 404
        assert _web(user).get(urls["photo"]).status_code == 404
    assert _web().get(urls["signature"]).status_code == 302  # to the login page
    # Nothing of the proof is under MEDIA_ROOT, which /media/ serves.
    assert _web(customer).get(f"/media/{stop.proof_signature.name}").status_code == 404
    assert _web(customer).get(f"/media/../proofs/{stop.proof_signature.name}").status_code in (400, 404)
    other_stop = my_round.stops.get(sequence=2)
    assert (
        _web(driver).get(reverse("driver:proof", kwargs={"stop_id": other_stop.pk, "part": "photo"})).status_code == 404
    )


def test_the_customer_sees_the_proof_on_their_order_page_and_in_the_api(driver, manager, my_round):
    stop = my_round.stops.get(sequence=1)
    _deliver(_web(driver), stop)
    order = stop.orders.get()
    signature_url = reverse("driver:proof", kwargs={"stop_id": stop.pk, "part": "signature"})

    page = _web(order.customer).get(reverse("account:order-detail", kwargs={"order_id": order.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Preuve de livraison" in body and "Reçu par Mme Lefebvre" in body and f'src="{signature_url}"' in body

    detail = client_for(order.customer).get(reverse("orders:detail", kwargs={"order_id": order.pk})).json()
    (proof,) = detail["delivery_proofs"]
    assert proof["received_by"] == "Mme Lefebvre" and proof["signature_url"] == signature_url
    assert proof["photo_url"] is None and proof["stop"] == stop.pk

    staff_round = client_for(manager).get(reverse("deliveries:round-detail", kwargs={"round_id": my_round.pk}))
    staff_stop = next(s for s in staff_round.json()["stops"] if s["id"] == stop.pk)
    assert staff_stop["proof"]["signature_url"] == signature_url
    assert next(s for s in staff_round.json()["stops"] if s["id"] != stop.pk)["proof"] is None


def test_the_admin_links_the_proof_through_the_authorised_view(driver, my_round, admin_client):
    stop = my_round.stops.get(sequence=1)
    _deliver(_web(driver), stop)

    page = admin_client.get(reverse("admin:deliveries_stop_change", args=[stop.pk]))

    assert page.status_code == 200
    assert reverse("driver:proof", kwargs={"stop_id": stop.pk, "part": "signature"}) in page.content.decode()


def test_the_api_records_a_proof_sent_as_multipart_once(driver, my_round):
    stop = my_round.stops.get(sequence=1)
    url = reverse("deliveries:stop-delivered", kwargs={"round_id": my_round.pk, "stop_id": stop.pk})
    client = client_for(driver)

    def post(name):
        signature = SimpleUploadedFile("s.png", image_bytes("PNG"), content_type="image/png")
        return client.post(url, {"received_by": name, "signature": signature}, format="multipart")

    first, second = post("M. Martin"), post("Quelqu'un d'autre")

    assert first.status_code == second.status_code == 200
    proof = second.json()["proof"]
    assert proof["received_by"] == "M. Martin" and proof["signature_url"].endswith(f"/{stop.pk}/signature/")
    stop.refresh_from_db()
    stored = [
        p.relative_to(settings.DELIVERY_PROOF_ROOT).as_posix() for p in Path(settings.DELIVERY_PROOF_ROOT).rglob("*.*")
    ]
    assert stored == [stop.proof_signature.name]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"received_by": "M. Martin"}, "proof_incomplete"),
        ({"received_by": "M. Martin", "photo": b"%PDF-1.4"}, "proof_invalid"),
    ],
)
def test_the_api_refuses_an_incomplete_or_invalid_proof(driver, my_round, data, code):
    stop = my_round.stops.get(sequence=1)
    url = reverse("deliveries:stop-delivered", kwargs={"round_id": my_round.pk, "stop_id": stop.pk})
    if "photo" in data:
        data = {**data, "photo": SimpleUploadedFile("p.jpg", data["photo"], content_type="image/jpeg")}

    response = client_for(driver).post(url, data, format="multipart")

    assert response.status_code == 400 and response.json()["code"] == code
    stop.refresh_from_db()
    assert stop.status == StopStatus.PENDING


def test_the_api_still_delivers_without_a_proof(driver, my_round):
    stop = my_round.stops.get(sequence=2)
    url = reverse("deliveries:stop-delivered", kwargs={"round_id": my_round.pk, "stop_id": stop.pk})

    response = client_for(driver).post(url, {}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "delivered"
    assert response.json()["proof"] is None


@pytest.mark.django_db(transaction=True)
def test_two_delivered_taps_at_once_record_one_delivery_and_one_proof(driver, my_round):
    stop = my_round.stops.get(sequence=1)
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def tap(name):
        try:
            client = _web(driver)
            data = {"received_by": name, "signature": signature_data_url()}
            barrier.wait()
            responses.append(client.post(_stop_url("stop-deliver", stop), data))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when the same stop is posted twice at the same moment (a tap repeated while the network hangs)
    threads = [threading.Thread(target=tap, args=(name,)) for name in ("Mme Lefebvre", "M. Lefebvre")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both are answered with the round, and one delivery with one proof is recorded
    assert errors == []
    assert [r.status_code for r in responses] == [302, 302]
    stop.refresh_from_db()
    assert stop.status == StopStatus.DELIVERED and stop.received_by in {"Mme Lefebvre", "M. Lefebvre"}
    assert RoundEvent.objects.filter(stop=stop, to_value=StopStatus.DELIVERED).count() == 1
    stored = [
        p.relative_to(settings.DELIVERY_PROOF_ROOT).as_posix() for p in Path(settings.DELIVERY_PROOF_ROOT).rglob("*.*")
    ]
    assert stored == [stop.proof_signature.name]
