"""The saved addresses' pages (`/compte/adresses/`): the same services as the API, errors next to their field, the
no-JavaScript choice of an address, the htmx suggestions, and nobody else's addresses."""

import pytest
from django.urls import reverse

from deliveries.models import BanAddress, SavedAddress
from deliveries.services.addresses import saved_address_create
from tests.factories.deliveries import DeliveryZoneFactory

pytestmark = pytest.mark.django_db

LIST = "/compte/adresses/"
ADD = "/compte/adresses/ajouter/"


@pytest.fixture
def zones(ban_sample):
    DeliveryZoneFactory(name="Calais et littoral", communes=["Calais", "Marck", "Oye-Plage"])
    DeliveryZoneFactory(name="Audruicq", communes=["Audruicq", "Vieille-Église"])


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client


def test_url_names():
    assert reverse("account:addresses") == LIST
    assert reverse("account:address-create") == ADD
    assert reverse("account:address-suggestions") == "/compte/adresses/suggestions/"


def test_the_pages_need_a_login(client, customer, zones):
    theirs = saved_address_create(
        customer=customer, label="Maison", street="4 rue de vic", postcode="", commune="Calais"
    )
    for response in (
        client.get(LIST),
        client.get(ADD),
        client.post(ADD, {"label": "x", "street": "4 rue de vic", "commune": "Calais"}),
        client.post(f"/compte/adresses/{theirs.pk}/supprimer/"),
    ):
        assert response.status_code == 302
        assert "next=" in response["Location"]
    assert SavedAddress.objects.count() == 1


def test_add_an_address_posts_and_redirects(logged_in, customer, zones):
    response = logged_in.post(
        ADD, {"label": "Maison", "street": "4 rue de l'eglise", "postcode": "", "commune": "vieille eglise"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    saved = SavedAddress.objects.get(customer=customer)
    assert (
        saved.commune == "Vieille-Église" and saved.latitude == BanAddress.objects.get(id="62849_0010_00004").latitude
    )
    page = logged_in.get(LIST).content.decode()
    assert "L&#x27;adresse « Maison » est enregistrée." in page
    assert "4 rue de l&#x27;eglise" in page and "62162 Vieille-Église" in page


def test_an_address_not_found_shows_the_message_by_the_street_and_the_choices(logged_in, zones):
    response = logged_in.post(ADD, {"label": "Maison", "street": "4 rue de l eglisse", "commune": "Calais"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="address-street-hint address-street-error"' in page
    assert '<p id="address-street-error" class="field-error">Adresse introuvable' in page
    assert not SavedAddress.objects.exists()


def test_a_choice_without_javascript_posts_the_chosen_address(logged_in, customer, zones):
    # the customer typed an address the geocoder cannot place; the page offers what it may mean
    response = logged_in.post(ADD, {"label": "Maison", "street": "rue de l'eglise", "commune": "Calais"})
    assert response.status_code == 400
    assert "Vouliez-vous dire" in response.content.decode()
    assert 'name="pick" value="Rue de l&#x27;Église|62215|Oye-Plage"' in response.content.decode()
    # when they choose it, the form posts again with that address
    response = logged_in.post(
        ADD,
        {
            "label": "Maison",
            "street": "rue de l'eglise",
            "commune": "Calais",
            "pick": "Rue de l'Église|62215|Oye-Plage",
        },
    )
    assert response.status_code == 302
    assert SavedAddress.objects.get(customer=customer).commune == "Oye-Plage"


def test_outside_the_zones_is_said_next_to_the_commune(logged_in, zones):
    response = logged_in.post(ADD, {"label": "Travail", "street": "2 Grande Rue", "commune": "Boulogne-sur-Mer"})
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p id="address-commune-error" class="field-error">Nous ne livrons pas encore à Boulogne-sur-Mer : '
        "choisissez un point de retrait.</p>"
    ) in page


def test_the_geocoder_down_is_said_at_the_top(logged_in, zones, fake_ban):
    fake_ban.status = 503
    response = logged_in.post(ADD, {"label": "Travail", "street": "2 rue royale", "commune": "Calais"})
    assert response.status_code == 400
    assert "Le service d&#x27;adresses ne répond pas" in response.content.decode()


def test_edit_and_delete_own_addresses(logged_in, customer, zones):
    address = saved_address_create(
        customer=customer, label="Maison", street="4 rue de vic", postcode="", commune="Calais"
    )
    edit = f"/compte/adresses/{address.pk}/modifier/"
    assert 'value="4 rue de vic"' in logged_in.get(edit).content.decode()
    response = logged_in.post(edit, {"label": "Chez nous", "street": "4 rue de vic", "commune": "Calais"})
    assert response.status_code == 302
    assert SavedAddress.objects.get().label == "Chez nous"
    assert logged_in.post(f"/compte/adresses/{address.pk}/supprimer/").status_code == 302
    assert not SavedAddress.objects.exists()


def test_another_customers_address_is_a_404_page(logged_in, other_customer, zones):
    theirs = saved_address_create(
        customer=other_customer, label="Secret", street="4 rue de vic", postcode="", commune="Calais"
    )
    assert "Secret" not in logged_in.get(LIST).content.decode()
    assert logged_in.get(f"/compte/adresses/{theirs.pk}/modifier/").status_code == 404
    response = logged_in.post(
        f"/compte/adresses/{theirs.pk}/modifier/", {"label": "x", "street": "1", "commune": "Calais"}
    )
    assert response.status_code == 404
    assert logged_in.post(f"/compte/adresses/{theirs.pk}/supprimer/").status_code == 404
    assert logged_in.get(f"/compte/adresses/{theirs.pk}/supprimer/").status_code == 405
    assert SavedAddress.objects.get().label == "Secret"


def test_suggestions_fragment(client, zones):
    response = client.get("/compte/adresses/suggestions/", {"street": "4 rue de l'eglise", "commune": "vieille"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "4 Rue de l&#x27;Église 62162 Vieille-Église" in page
    assert 'hx-target="#address-fields"' in page
    assert (
        "Aucune adresse trouvée"
        in client.get("/compte/adresses/suggestions/", {"street": "zzzz yyyy"}).content.decode()
    )
    assert client.get("/compte/adresses/suggestions/", {"street": "ab"}).content.decode().strip() == ""


def test_the_fields_filled_by_a_suggestion(client):
    response = client.get(
        "/compte/adresses/champs/", {"street": "4 Rue de Vic", "postcode": "62100", "commune": "Calais"}
    )
    page = response.content.decode()
    assert 'id="address-fields"' in page and 'value="4 Rue de Vic"' in page and 'value="62100"' in page
    assert "autofocus" in page
    # the page hears that the fields are in place (the checkout updates its summary for the commune picked)
    assert response["HX-Trigger-After-Settle"] == "address-picked"
