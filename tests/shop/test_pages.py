"""The shop's pages, rendered by Django's test client: what a customer reads, and the SQL they cost."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from catalogue.demo_photos import draw_photo
from catalogue.models import Producer
from catalogue.services.photos import producer_photo_set, product_photo_set
from tests.factories.catalogue import CategoryFactory, ProductFactory


def test_home_shows_the_next_days_with_their_cutoffs_the_baskets_and_the_season(client, shop_catalogue, shop_places):
    # given a pickup point open on Fridays (cutoff Wednesday 12:00), a basket offer and apples in season
    # when a visitor opens the home page
    response = client.get("/")
    # then it is in French, names the point, a Friday with its cutoff, the basket and the apples
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Ilôt Jacquard" in body
    assert "Vendredi" in body
    assert "commandez avant mercredi" in body
    assert "Petit cabas" in body
    assert "Pommes Reinette" in body
    assert "Velouté" not in body  # out of stock: not offered as "in season"


def test_catalogue_search_ignores_accents_and_filters_like_the_api(client, shop_catalogue):
    # when a customer searches "veloute epinard" without accents
    body = client.get("/produits/", {"search": "veloute epinard"}).content.decode()
    # then the soup is found, nothing else
    assert "Velouté d&#x27;épinards" in body
    assert "Poireaux" not in body
    # and the API's filters apply: in stock only leaves out the soup, the category keeps the fruit
    body = client.get("/produits/", {"available": "true"}).content.decode()
    assert "Poireaux" in body and "Velouté" not in body
    body = client.get("/produits/", {"category": "fruits"}).content.decode()
    assert "Pommes Reinette" in body and "Poireaux" not in body
    body = client.get("/produits/", {"producer": "jardin-des-anges", "organic": "true"}).content.decode()
    assert "Pommes Reinette" in body and "Poireaux" in body and "Velouté" not in body


def test_catalogue_ignores_a_filter_it_cannot_read_instead_of_failing(client, shop_catalogue):
    response = client.get("/produits/", {"organic": "peut-etre", "search": "pomme"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pommes Reinette" in body
    assert "ignorés" in body


def test_htmx_request_gets_only_the_results_fragment(client, shop_catalogue):
    response = client.get("/produits/", {"search": "pomme"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resultats")
    body = response.content.decode()
    assert "Pommes Reinette" in body
    assert "<html" not in body


@pytest.mark.parametrize("count", [3, 30])
def test_catalogue_page_costs_the_same_queries_whatever_the_page_size(client, django_assert_num_queries, db, count):
    # given `count` products of as many producers and categories
    for i in range(count):
        ProductFactory(category=CategoryFactory(), stock=i + 1, unit_price=Decimal("1.50"))
    client.get("/produits/")  # warm the session and the language machinery
    # then the page costs: the page of products with their total (a window count), categories, producers
    with django_assert_num_queries(3):
        response = client.get("/produits/")
    assert response.status_code == 200


def test_catalogue_is_paginated(client, db):
    for i in range(30):
        ProductFactory(name=f"Produit {i:02d}")
    body = client.get("/produits/").content.decode()
    assert "Page 1 sur 2" in body and "Produit 23" in body and "Produit 24" not in body
    body = client.get("/produits/", {"page": 2}).content.decode()
    assert "Produit 24" in body and "Page précédente" in body


def test_product_page_shows_what_a_customer_needs_to_choose(client, shop_catalogue):
    # given leeks sold by weight from a certified garden 14.2 km away
    leek = shop_catalogue["leek"]
    # when the customer opens its page
    body = client.get(reverse("shop:product-detail", args=[leek.pk])).content.decode()
    # then price per kg, the estimate warning, the stock, the producer with commune and distance, the certificate
    assert "2,80 €" in body and "/ kilogramme" in body
    assert "prix estimé, ajusté à la pesée" in body
    assert "12 kg" in body  # the project's unit helper, as on the round sheet and in emails
    assert "Jardin des Anges" in body and "Marck" in body and "14,2 km" in body
    assert "FR-BIO-01" in body
    assert "Toute l’année" in body or "Toute l'année" in body


def test_product_page_shows_allergens_in_bold(client, shop_catalogue):
    body = client.get(reverse("shop:product-detail", args=[shop_catalogue["soup"].pk])).content.decode()
    assert "<strong>Lait</strong>" in body and "<strong>Céleri</strong>" in body
    assert "Rupture de stock" in body


def test_inactive_product_is_not_found(client, shop_catalogue):
    soup = shop_catalogue["soup"]
    soup.is_active = False
    soup.save()
    response = client.get(reverse("shop:product-detail", args=[soup.pk]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_producer_pages_list_the_producers_and_their_products(client, shop_catalogue):
    body = client.get("/nos-producteurs/").content.decode()
    assert "Jardin des Anges" in body
    body = client.get("/nos-producteurs/jardin-des-anges/").content.decode()
    assert "Pommes Reinette" in body and "Poireaux" in body and "14,2 km" in body
    response = client.get("/nos-producteurs/inconnu/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_english_through_the_language_switch(client, shop_catalogue):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/produits/"})
    assert response.status_code == 302
    body = client.get("/produits/").content.decode()
    assert '<html lang="en">' in body and "Search" in body


def test_product_page_writes_quantities_without_trailing_zeros(client, shop_catalogue):
    body = client.get(reverse("shop:product-detail", args=[shop_catalogue["leek"].pk])).content.decode()
    assert "pas de 0,5 kilogramme, au moins 0,5 kilogramme" in body


@pytest.fixture
def with_photos(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def give(obj):
        upload = ContentFile(draw_photo(title=obj.name, colour_key="fruits"), name="x.png")
        if isinstance(obj, Producer):
            return producer_photo_set(producer=obj, upload=upload)
        return product_photo_set(product=obj, upload=upload)

    return give


def test_photos_are_served_with_their_size_and_alt(client, shop_catalogue, with_photos):
    # given apples and their producer with a photo
    apple = with_photos(shop_catalogue["apple"])
    with_photos(shop_catalogue["garden"])
    # then the list shows the card rendition, the product page the large one, each with width, height and alt
    body = client.get("/produits/").content.decode()
    assert f'src="/media/{apple.photo_card.name}" width="400" height="300" alt="Photo : Pommes Reinette"' in body
    body = client.get(reverse("shop:product-detail", args=[apple.pk])).content.decode()
    assert f'src="/media/{apple.photo_large.name}" width="800" height="600" alt="Photo : Pommes Reinette"' in body
    body = client.get("/nos-producteurs/jardin-des-anges/").content.decode()
    assert 'width="800" height="600" alt="Photo : Jardin des Anges"' in body
    # and the rendition is served
    assert client.get(f"/media/{apple.photo.name}").status_code == 200
    assert client.get(f"/media/{apple.photo_card.name}").status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_catalogue_with_photos_costs_the_same_queries_whatever_the_page_size(
    client, django_assert_num_queries, db, with_photos, count
):
    for _ in range(count):
        with_photos(ProductFactory(category=CategoryFactory(), stock=1))
    client.get("/produits/")
    with django_assert_num_queries(3):
        body = client.get("/produits/").content.decode()
    assert body.count('width="400" height="300"') == min(count, 24)
