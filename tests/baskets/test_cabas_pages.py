"""The cabas pages (/cabas/), rendered by Django's test client: what a visitor and a subscriber read, what each form
does to the database, the services' refusals shown next to their fields in French, and who may reach what.

The world of the cabas tests (tests/baskets/conftest.py): Monday 7 December 2026, 09:00 in Paris; baskets on
Friday 11 December, cutoff Wednesday 9 December at 12:00, at the Ilôt Jacquard antenna.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from baskets.models import (
    BasketPause,
    BasketSkip,
    BasketSubscription,
    SolidarityRequest,
    SolidarityRequestStatus,
    SubscriptionStatus,
)
from baskets.services.solidarity import solidarity_request_decide, solidarity_request_submit
from tests.baskets.constants import FRIDAY, NEXT_FRIDAY, PARIS

pytestmark = pytest.mark.django_db

CUTOFF_MESSAGE = "Les modifications du cabas du 11 décembre 2026 étaient possibles jusqu’au 9 décembre 2026 12:00."


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client


def _body(response) -> str:
    return response.content.decode()


def _error_of(body: str, field_id: str) -> str:
    """The error shown for a field, and check the field (or its group) points at it with aria-describedby."""
    match = re.search(rf'<p id="{field_id}-erreur" class="field-error">(.*?)</p>', body, re.S)
    assert match, f"no error for {field_id}"
    assert re.search(rf'aria-describedby="[^"]*{field_id}-erreur', body), f"{field_id} is not tied to its error"
    return match.group(1).replace("&#x27;", "'").replace("&quot;", '"')


def _subscribe(client, offer, point, **fields):
    data = {"offer": offer.pk, "frequency": "weekly", "fulfilment": "pickup", "pickup_point": point.pk}
    data.update(fields)
    return client.post(reverse("shop:cabas-subscribe"), data)


# --- The public page --------------------------------------------------------------------------------------------


def test_a_visitor_reads_the_offers_the_points_and_this_weeks_composition(client, composed, offers, ilot):
    response = client.get("/cabas/")
    body = _body(response)
    assert response.status_code == 200
    assert "Petit cabas" in body and "Moyen cabas" in body and "Grand cabas" in body
    assert "12,00 €" in body and "Tarif solidaire : 6,00 €" in body
    assert "Distribué le vendredi" in body
    # this week's composition of the small basket (published), and none yet for the others
    assert "Carottes" in body and "Poireaux" in body
    assert "La composition n’est pas encore publiée." in body
    # the pickup point with its day and its cutoff
    assert "Ilôt Jacquard (antenne de Calais)" in body
    assert "vendredi, modifications jusqu’au mercredi 12:00" in body
    # no form for a visitor: a link to log in, coming back here
    assert "Se connecter pour s’abonner" in body
    assert "next=/cabas/" in body
    assert 'action="/cabas/abonnement/"' not in body
    # the main menu links here
    assert '<a href="/cabas/" aria-current="page">Cabas</a>' in body


def test_a_draft_composition_is_not_shown(client, small, carrots, manager, ilot):
    from decimal import Decimal

    from baskets.services.compositions import CompositionLineRequest, composition_set
    from tests.baskets.constants import WEEK_START

    composition_set(
        offer_id=small.pk,
        week_start=WEEK_START,
        lines=[CompositionLineRequest(carrots.pk, Decimal("1"))],
        actor=manager,
    )
    body = _body(client.get("/cabas/"))
    assert "Carottes" not in body


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("post", "shop:cabas-subscribe", []),
        ("get", "shop:cabas-subscription", [1]),
        ("post", "shop:cabas-skip", [1]),
        ("post", "shop:cabas-pause", [1]),
        ("post", "shop:cabas-resume", [1]),
        ("post", "shop:cabas-change", [1]),
        ("get", "shop:cabas-cancel", [1]),
        ("post", "shop:cabas-cancel", [1]),
        ("get", "shop:cabas-solidarity", []),
        ("post", "shop:cabas-solidarity", []),
    ],
)
def test_actions_need_a_login_and_come_back_after(client, small, ilot, settings, method, name, args):
    settings.LOGIN_URL = "/compte/connexion/"
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    back = url if method == "get" else "/cabas/"
    assert response["Location"] == f"/compte/connexion/?next={back}"
    assert not BasketSubscription.objects.exists()


# --- Subscribing --------------------------------------------------------------------------------------------------


def test_a_customer_subscribes_at_a_pickup_point(logged_in, customer, composed, relay_point, mailoutbox):
    page = _body(logged_in.get("/cabas/"))
    assert "Vous n’avez pas encore d’abonnement au cabas." in page
    assert "vendredi 11 décembre 2026" in page  # a first basket to choose
    response = _subscribe(logged_in, composed, relay_point, frequency="every_two_weeks")
    subscription = BasketSubscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cabas/abonnements/{subscription.pk}/"
    assert (subscription.customer, subscription.pickup_point, subscription.start_date) == (
        customer,
        relay_point,
        FRIDAY,
    )
    assert subscription.frequency == "every_two_weeks"
    body = _body(logged_in.get(response["Location"]))
    assert "Vous êtes abonné·e : votre premier cabas est le vendredi 11 décembre 2026." in body
    assert "Mon abonnement Petit cabas" in body
    assert "Point relais d&#x27;Audruicq" in body
    assert "Dans le cabas : Carottes, Poireaux" in body
    assert "Sauter le cabas du vendredi 11 décembre 2026" in body
    # and the index lists it
    index = _body(logged_in.get("/cabas/"))
    assert "Gérer mon abonnement Petit cabas" in index


def test_a_chosen_first_basket_is_kept(logged_in, small, ilot):
    response = _subscribe(logged_in, small, ilot, start_date=NEXT_FRIDAY.isoformat())
    assert response.status_code == 302
    assert BasketSubscription.objects.get().start_date == NEXT_FRIDAY


def test_subscribing_twice_is_refused_next_to_the_offer(logged_in, small, ilot):
    assert _subscribe(logged_in, small, ilot).status_code == 302
    response = _subscribe(logged_in, small, ilot)
    assert response.status_code == 400
    assert _error_of(_body(response), "id_offer") == "Vous êtes déjà abonné·e à cette formule."
    assert BasketSubscription.objects.count() == 1


def test_a_first_basket_after_its_cutoff_is_refused_with_the_services_message(logged_in, small, ilot, basket_now):
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = _subscribe(logged_in, small, ilot, start_date=FRIDAY.isoformat())
    assert response.status_code == 400
    assert _error_of(_body(response), "id_start_date") == CUTOFF_MESSAGE
    assert not BasketSubscription.objects.exists()


def test_a_point_that_does_not_distribute_that_day_is_refused_next_to_the_point(logged_in, small, ilot):
    from tests.factories.deliveries import PickupPointFactory

    closed_point = PickupPointFactory(name="Sans distribution")
    response = _subscribe(logged_in, small, closed_point)
    assert response.status_code == 400
    assert "vendredi" in _error_of(_body(response), "id_pickup_point").lower()
    assert not BasketSubscription.objects.exists()


def test_home_delivery_needs_an_address_and_the_zones_minimum(logged_in, small, ilot, home_zone, ban_sample):
    response = _subscribe(logged_in, small, ilot, fulfilment="home", pickup_point="")
    body = _body(response)
    assert response.status_code == 400
    assert _error_of(body, "id_commune") == "Nécessaire pour une livraison à domicile."
    assert _error_of(body, "id_address") == "Nécessaire pour une livraison à domicile."
    # an address of the BAN extract: it is geocoded (no coordinates typed)
    home = {"fulfilment": "home", "address": "5 boulevard Jacquard", "postcode": "62100", "commune": "Calais"}
    response = _subscribe(logged_in, small, ilot, **home)
    assert response.status_code == 400
    assert "25,00" in _error_of(_body(response), "id_fulfilment")  # the zone's minimum, as for an order
    response = _subscribe(logged_in, small, ilot, **{**home, "commune": "Lille", "postcode": "59000"})
    assert response.status_code == 400
    assert "Lille" in _error_of(_body(response), "id_commune")
    assert not BasketSubscription.objects.exists()
    home_zone.minimum_order = 10
    home_zone.save()
    assert _subscribe(logged_in, small, ilot, **home).status_code == 302
    subscription = BasketSubscription.objects.get()
    assert (subscription.delivery_zone, subscription.delivery_address) == (home_zone, "5 boulevard Jacquard")
    assert subscription.delivery_latitude is not None


def test_a_form_that_does_not_parse_is_a_400_not_a_500(logged_in, small, ilot):
    response = logged_in.post("/cabas/abonnement/", {"offer": "abc", "frequency": "daily", "start_date": "x"})
    assert response.status_code == 400
    body = _body(response)
    assert "id_offer-erreur" in body and "id_frequency-erreur" in body and "id_start_date-erreur" in body


# --- Managing a subscription ------------------------------------------------------------------------------------


@pytest.fixture
def mine(customer, small, make_subscription):
    return make_subscription(small, customer=customer)


def test_skip_a_week_then_it_shows_skipped(logged_in, mine):
    response = logged_in.post(f"/cabas/abonnements/{mine.pk}/sauter/", {"date": FRIDAY.isoformat()})
    assert response.status_code == 302
    assert BasketSkip.objects.filter(subscription=mine, date=FRIDAY).exists()
    body = _body(logged_in.get(response["Location"]))
    assert "C’est noté : pas de cabas le vendredi 11 décembre 2026." in body
    assert "sauté (pas de cabas)" in body
    assert "Sauter le cabas du vendredi 11 décembre 2026" not in body
    assert "Sauter le cabas du vendredi 18 décembre 2026" in body


def test_skip_after_the_cutoff_is_refused_with_the_services_message(logged_in, mine, basket_now):
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = logged_in.post(f"/cabas/abonnements/{mine.pk}/sauter/", {"date": FRIDAY.isoformat()})
    assert response.status_code == 400
    body = _body(response)
    assert f'<p id="erreur-action" class="message message-error" role="alert">{CUTOFF_MESSAGE}</p>' in body
    assert not BasketSkip.objects.exists()


def test_skip_a_day_without_a_basket_or_without_a_date_is_refused(logged_in, mine):
    response = logged_in.post(f"/cabas/abonnements/{mine.pk}/sauter/", {"date": "2026-12-10"})
    assert response.status_code == 400
    assert "n’est pas une date de distribution" in _body(response)
    response = logged_in.post(f"/cabas/abonnements/{mine.pk}/sauter/", {"date": "demain"})
    assert response.status_code == 400
    assert "Choisissez une date à sauter." in _body(response)
    assert not BasketSkip.objects.exists()


def test_pause_then_resume(logged_in, mine):
    url = f"/cabas/abonnements/{mine.pk}/"
    response = logged_in.post(f"{url}pause/", {"pause-start_date": "2026-12-14", "pause-end_date": "2027-01-03"})
    assert response.status_code == 302
    assert BasketPause.objects.filter(subscription=mine).count() == 1
    body = _body(logged_in.get(url))
    assert "Votre abonnement est en pause du lundi 14 décembre 2026 au dimanche 3 janvier 2027." in body
    assert "en pause" in body
    response = logged_in.post(f"{url}reprendre/")
    assert response.status_code == 302
    assert not BasketPause.objects.exists()
    assert "Vos cabas reprennent." in _body(logged_in.get(url))


def test_pause_refusals_are_tied_to_their_fields(logged_in, mine, basket_now):
    url = f"/cabas/abonnements/{mine.pk}/pause/"
    response = logged_in.post(url, {"pause-start_date": "2026-12-14", "pause-end_date": "2027-12-31"})
    assert response.status_code == 400
    assert _error_of(_body(response), "id_pause-end_date") == "Une pause dure au plus 26 semaines."
    response = logged_in.post(url, {"pause-start_date": "2026-12-14", "pause-end_date": "2026-12-10"})
    assert response.status_code == 400
    assert _error_of(_body(response), "id_pause-end_date") == "La pause finit le jour où elle commence ou après."
    response = logged_in.post(url, {"pause-start_date": "", "pause-end_date": ""})
    assert response.status_code == 400
    assert _error_of(_body(response), "id_pause-start_date") == "Ce champ est obligatoire."
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = logged_in.post(url, {"pause-start_date": "2026-12-10", "pause-end_date": "2026-12-20"})
    assert response.status_code == 400
    assert _error_of(_body(response), "id_pause-start_date") == CUTOFF_MESSAGE
    assert not BasketPause.objects.exists()


def test_resume_without_a_pause_is_refused(logged_in, mine):
    response = logged_in.post(f"/cabas/abonnements/{mine.pk}/reprendre/")
    assert response.status_code == 400
    assert 'role="alert">Cet abonnement n’a pas de pause en cours ni prévue.' in _body(response)


def test_change_the_size_the_frequency_and_the_point(logged_in, mine, offers, relay_point):
    response = logged_in.post(
        f"/cabas/abonnements/{mine.pk}/modifier/",
        {
            "change-offer": offers["medium"].pk,
            "change-frequency": "every_two_weeks",
            "change-pickup_point": relay_point.pk,
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.offer, mine.frequency, mine.pickup_point) == (offers["medium"], "every_two_weeks", relay_point)
    assert "Votre abonnement est modifié à partir du prochain cabas." in _body(logged_in.get(response["Location"]))


def test_change_refusals(logged_in, mine, small, ilot, basket_now):
    url = f"/cabas/abonnements/{mine.pk}/modifier/"
    same = {"change-offer": small.pk, "change-frequency": "weekly", "change-pickup_point": ilot.pk}
    response = logged_in.post(url, same)
    assert response.status_code == 400
    assert "Indiquez une nouvelle formule, une nouvelle fréquence ou un nouveau lieu." in _body(response)
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = logged_in.post(url, {**same, "change-frequency": "every_two_weeks"})
    assert response.status_code == 400
    assert CUTOFF_MESSAGE in _body(response)
    mine.refresh_from_db()
    assert mine.frequency == "weekly"


def test_cancel_asks_for_a_confirmation_first(logged_in, mine):
    url = f"/cabas/abonnements/{mine.pk}/resilier/"
    body = _body(logged_in.get(url))
    assert "Oui, résilier mon abonnement" in body
    assert "plus de cabas à partir du vendredi 11 décembre 2026" in body
    mine.refresh_from_db()
    assert mine.status == SubscriptionStatus.ACTIVE  # the page alone changes nothing
    response = logged_in.post(url)
    assert response.status_code == 302 and response["Location"] == "/cabas/"
    mine.refresh_from_db()
    assert mine.status == SubscriptionStatus.CANCELLED
    assert "Votre abonnement au Petit cabas est résilié." in _body(logged_in.get("/cabas/"))
    # a cancelled subscription's page says so and offers no action
    body = _body(logged_in.get(f"/cabas/abonnements/{mine.pk}/"))
    assert "Cet abonnement est résilié." in body and "Sauter le cabas" not in body


def test_cancel_after_the_cutoff_is_refused(logged_in, mine, basket_now):
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = logged_in.post(f"/cabas/abonnements/{mine.pk}/resilier/")
    assert response.status_code == 400
    assert CUTOFF_MESSAGE in _body(response)
    mine.refresh_from_db()
    assert mine.status == SubscriptionStatus.ACTIVE


@pytest.mark.parametrize(
    ("method", "action", "data"),
    [
        ("get", "", {}),
        ("post", "sauter/", {"date": "2026-12-11"}),
        ("post", "pause/", {"pause-start_date": "2026-12-14", "pause-end_date": "2026-12-20"}),
        ("post", "reprendre/", {}),
        ("post", "modifier/", {"change-frequency": "every_two_weeks"}),
        ("get", "resilier/", {}),
        ("post", "resilier/", {}),
    ],
)
def test_another_customers_subscription_is_not_found(
    client, other_customer, customer, small, make_subscription, method, action, data
):
    theirs = make_subscription(small, customer=customer)
    client.force_login(other_customer)
    response = getattr(client, method)(f"/cabas/abonnements/{theirs.pk}/{action}", data)
    assert response.status_code == 404
    assert "Page introuvable" in _body(response) or "introuvable" in _body(response)
    theirs.refresh_from_db()
    assert theirs.status == SubscriptionStatus.ACTIVE and theirs.frequency == "weekly"
    assert not BasketSkip.objects.exists() and not BasketPause.objects.exists()


def test_even_a_manager_reaches_only_their_own_subscriptions_here(client, manager, customer, small, make_subscription):
    theirs = make_subscription(small, customer=customer)
    client.force_login(manager)
    assert client.get(f"/cabas/abonnements/{theirs.pk}/").status_code == 404


# --- The solidarity price -----------------------------------------------------------------------------------------


def test_ask_for_the_solidarity_price(logged_in, customer, small, ilot):
    body = _body(logged_in.get("/cabas/tarif-solidaire/"))
    assert "Demander le tarif solidaire" in body
    assert "aucun justificatif" in body  # why so little is asked
    assert 'aria-describedby="id_message-aide"' in body
    response = logged_in.post(
        "/cabas/tarif-solidaire/", {"situation": "low_income", "message": "Deux enfants, un seul salaire."}
    )
    assert response.status_code == 302
    request = SolidarityRequest.objects.get()
    assert (request.customer, request.situation, request.status) == (customer, "low_income", "pending")
    body = _body(logged_in.get("/cabas/tarif-solidaire/"))
    assert "Votre demande est envoyée. Nous vous répondons par e-mail." in body
    assert "est en cours d’examen" in body
    assert "Envoyer ma demande" not in body  # one pending request at a time
    # sent again (a reload, a second tab): still one request
    response = logged_in.post("/cabas/tarif-solidaire/", {"message": "Encore"})
    assert response.status_code == 302
    assert SolidarityRequest.objects.count() == 1
    assert "/cabas/" in body


def test_an_empty_or_too_long_request_is_refused_next_to_the_text(logged_in, small):
    response = logged_in.post("/cabas/tarif-solidaire/", {"situation": "", "message": "   "})
    assert response.status_code == 400
    assert (
        _error_of(_body(response), "id_message")
        == "Dites-nous votre situation en quelques mots, ou choisissez-la dans la liste."
    )
    response = logged_in.post("/cabas/tarif-solidaire/", {"message": "x" * 2001})
    assert response.status_code == 400
    assert "2000" in _error_of(_body(response), "id_message")
    response = logged_in.post("/cabas/tarif-solidaire/", {"situation": "millionaire", "message": "ok"})
    assert response.status_code == 400
    assert _error_of(_body(response), "id_situation")
    assert not SolidarityRequest.objects.exists()


def test_the_decision_shows_on_the_cabas_page(logged_in, customer, manager, small, ilot):
    request, _created = solidarity_request_submit(customer=customer, message="Au RSA")
    solidarity_request_decide(request_id=request.pk, grant=False, actor=manager, reason="Revenus trop élevés")
    body = _body(logged_in.get("/cabas/"))
    assert "Votre demande a été refusée le 7 décembre 2026 : Revenus trop élevés" in body
    request, _created = solidarity_request_submit(customer=customer, message="Situation changée")
    solidarity_request_decide(request_id=request.pk, grant=True, actor=manager, valid_until=date(2027, 6, 30))
    body = _body(logged_in.get("/cabas/"))
    assert "Vous bénéficiez du tarif solidaire jusqu’au 30 juin 2027." in body
    assert SolidarityRequest.objects.filter(status=SolidarityRequestStatus.GRANTED).count() == 1


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session and the language machinery
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_cabas_page_costs_one_more_query_per_subscription_at_most(
    client, customer, other_customer, offers, composed, make_subscription
):
    # given a customer with one subscription and another with three (a customer has one per offer at most)
    make_subscription(offers["small"], customer=customer)
    for offer in offers.values():
        make_subscription(offer, customer=other_customer)
    client.force_login(customer)
    one = _queries(client, "/cabas/")
    client.force_login(other_customer)
    three = _queries(client, "/cabas/")
    # then the two extra subscriptions cost only the calendar's closed days of their next dates (one query each)
    assert three - one <= 2, (one, three)
    client.logout()
    assert _queries(client, "/cabas/") <= 6  # a visitor: offers, points and their days, this week's compositions


def test_the_pages_read_in_english_too(logged_in, mine, settings):
    logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = _body(logged_in.get("/cabas/"))
    assert '<html lang="en">' in body
    assert "Organic baskets (cabas bio)" in body and "Manage my Petit cabas subscription" in body
    body = _body(logged_in.get(f"/cabas/abonnements/{mine.pk}/"))
    assert "Skip the basket of Friday 11 December 2026" in body
