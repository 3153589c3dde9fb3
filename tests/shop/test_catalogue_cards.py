"""The shop builds its product cards from the selector's rows (`shop.cards`, `_product_cards.html`) since the catalogue
page had to serve 50 of them at half the API's speed. They show what the card template rendered from model instances
showed before (`REFERENCE_CARD`: its `{% url %}`, `{% photo %}`, `floatformat`, `get_unit_display`), for every kind of
product, in both languages, on the catalogue, home and producer pages; and nothing is kept between requests: a
price, stock or photo change shows on the next page."""

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.template import engines
from django.utils import translation

from catalogue import selectors as catalogue_selectors
from catalogue.demo_photos import draw_photo
from catalogue.models import Product
from catalogue.services.photos import product_photo_remove, product_photo_set
from catalogue.services.products import product_update
from catalogue.services.stock import stock_record_loss
from tests.factories.catalogue import ProducerFactory, ProductFactory

CARD = re.compile(r'<li class="card">.*?</li>', re.S)


def cards(body: str) -> list[str]:
    """The page's cards, whitespace between tags and before a closing tag dropped, runs of spaces collapsed (the
    inlined loop does not lay out its lines as the includes did; a browser shows the same)."""
    tight = (re.sub(r"\s+</", "</", re.sub(r">\s+<", "><", card)) for card in CARD.findall(body))
    return [re.sub(r"\s+", " ", card).strip() for card in tight]


def ids_of(shown: list[str]) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'<li class="card"><article [^>]* aria-labelledby="produit-(\d+)"', "".join(shown))
    ]


# shop/_product_card.html and shop/_price.html as they were, included once per card with a model instance.
REFERENCE_CARD = """{% load i18n shop %}
<li class="card">
  <article class="card-body" aria-labelledby="produit-{{ product.pk }}">
    <h3 id="produit-{{ product.pk }}" class="card-title"><a href="{% url 'shop:product-detail' product.pk %}">{{ product.name }}</a></h3>
    {% photo product %}
    <p class="card-producer">{{ product.producer.name }}{% if product.producer.commune %} · {{ product.producer.commune }}{% endif %}</p>
    <p class="price"><strong>{{ product.unit_price|floatformat:2 }} €</strong> / {{ product.get_unit_display }}{% if product.sold_by_weight %} <span class="estimate">({% translate "estimated price, adjusted when weighed" %})</span>{% endif %}
</p>
    <p class="badges">
      {% if product.is_organic %}<span class="badge badge-organic">{% translate "Organic (AB)" %}</span>{% endif %}
      {% if product.stock_available <= 0 %}<span class="badge badge-out">{% translate "Out of stock" %}</span>{% endif %}
    </p>
  </article>
</li>
"""


def reference_card(pk: int, language: str) -> str:
    with translation.override(language):
        html = engines["django"].from_string(REFERENCE_CARD).render({"product": catalogue_selectors.product_get(pk=pk)})
    (card,) = cards(html)
    return card


@pytest.fixture
def with_photo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def give(product, colour_key="fruits"):
        upload = ContentFile(draw_photo(title=product.name, colour_key=colour_key), name="x.png")
        return product_photo_set(product=product, upload=upload)

    return give


@pytest.fixture
def every_kind_of_card(shop_catalogue, with_photo):
    """Besides the shop's apples (certified organic, with a photo), leeks (by weight) and soup (out of stock): an
    organic claim without certificate, a producer without commune, a price over 1,000 €, a name to escape, half a
    unit left, and every unit."""
    plain = ProducerFactory(name='Ferme <b>& "Co"</b>', commune="")
    with_photo(shop_catalogue["apple"])
    ProductFactory(producer=plain, name="Œufs « plein air » <i>", unit="dozen", organic=True, stock=3)
    ProductFactory(producer=plain, name="Jus de pomme", unit="litre", unit_price=Decimal("1234.50"), stock=1)
    ProductFactory(producer=plain, name="Persil", unit="bunch", unit_price=Decimal("0.99"), stock=Decimal("0.5"))
    ProductFactory(producer=plain, name="Pain", unit="piece", unit_price=Decimal("12"), stock=2)
    return shop_catalogue


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_cards_are_the_product_card_template_for_every_kind_of_product(client, every_kind_of_card, language):
    # when a visitor opens the catalogue, in French or in English
    body = client.get("/produits/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # then each card is exactly what the instance-based card template showed for the same product
    shown = cards(body)
    ids = ids_of(shown)
    assert len(shown) == len(ids) == 7
    assert shown == [reference_card(pk, language) for pk in ids]
    # and the kinds of product are there as intended
    text = "".join(shown)
    assert ("Photo : Pommes Reinette" if language == "fr" else "Photo: Pommes Reinette") in text
    assert "Ferme &lt;b&gt;&amp; &quot;Co&quot;&lt;/b&gt;</p>" in text  # no " · " without a commune, escaped
    assert "1234,50 €" in text if language == "fr" else "1234.50 €" in text
    assert text.count("badge-out") == 1 and text.count("badge-organic") == 2  # the soup; apples and leeks


def test_home_and_producer_pages_show_the_same_cards(client, every_kind_of_card):
    garden = every_kind_of_card["garden"]
    # the home page's season (every product in stock: apples this month, the others all year round)
    home = cards(client.get("/").content.decode())
    assert len(home) == 6 and not any("Velouté" in card for card in home)
    assert home == [reference_card(pk, "fr") for pk in ids_of(home)]
    # and the producer's page (leeks, apples, soup, by name)
    page = cards(client.get(f"/nos-producteurs/{garden.slug}/").content.decode())
    assert page == [reference_card(every_kind_of_card[key].pk, "fr") for key in ("leek", "apple", "soup")]


def test_catalogue_shows_a_price_stock_or_photo_change_at_once(client, shop_catalogue, with_photo):
    apple = shop_catalogue["apple"]
    query = {"search": "pommes"}
    body = client.get("/produits/", query).content.decode()
    assert "3,20 €" in body and "badge-out" not in body and "<img" not in body
    # when the price changes, then the next page shows it
    product_update(product=apple, unit_price=Decimal("3.45"))
    body = client.get("/produits/", query).content.decode()
    assert "3,45 €" in body and "3,20 €" not in body
    # when a photo is set, then it is shown; when it is replaced, the new rendition is shown
    with_photo(apple, "fruits")
    first = Product.objects.get(pk=apple.pk).photo_card.name
    body = client.get("/produits/", query).content.decode()
    assert f'src="/media/{first}"' in body
    with_photo(apple, "vegetables")
    second = Product.objects.get(pk=apple.pk).photo_card.name
    assert second != first
    body = client.get("/produits/", query).content.decode()
    assert f'src="/media/{second}"' in body and first not in body
    # when it is removed, then there is no image
    product_photo_remove(product=apple)
    assert "<img" not in client.get("/produits/", query).content.decode()
    # when the last units go, then the card says out of stock at once (the htmx fragment too)
    stock_record_loss(product_id=apple.pk, quantity=Decimal(40))
    body = client.get("/produits/", query).content.decode()
    assert "Rupture de stock" in body
    fragment = client.get("/produits/", query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resultats").content.decode()
    assert "<html" not in fragment and "Rupture de stock" in fragment and "3,45 €" in fragment
    # and the in-stock filter leaves it out
    assert "Pommes" not in client.get("/produits/", {**query, "available": "true"}).content.decode()
