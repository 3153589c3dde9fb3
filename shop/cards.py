"""The product cards of the shop (catalogue, home and producer pages), built from the selector's rows
(`catalogue.selectors.product_card_rows`) in one pass and printed by `_product_cards.html`.

The catalogue page shows up to 100 cards. Built by the template from model instances, each card cost an include, a
nested include for the price, a `{% url %}`, imagekit's descriptors and localized numbers: about 10 ms for 50 cards
under the test client, as much as the query, and the page ran at 0.3-0.4 of the API's list. Here each card is a dict
of strings ready to print, computed once per request where it can be (the product URL's prefix, the unit labels) and
once per card otherwise, so the template is a tight loop. tests/shop/test_catalogue_cards.py checks that a card shows
what the instance-based template showed, for every kind of product.

Nothing is cached between requests: price, stock and photo are read by the page's query each time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from catalogue.models import Product, Unit
from catalogue.photos import CARD_SIZE, rendition_url

# A product id no database reaches, reversed once per request and replaced by each card's id.
_ID_PLACEHOLDER = 987654321987


def photo_img(url: str, name: str, size: tuple[int, int], *, lazy: bool = True) -> SafeString:
    """The `<img>` of a photo rendition with its width, height and alt (the `photo` template tag's markup)."""
    return format_html(
        '<img class="photo" src="{}" width="{}" height="{}" alt="{}"{}>',
        url,
        size[0],
        size[1],
        _("Photo: {name}").format(name=name),
        mark_safe(' loading="lazy"') if lazy else "",
    )


def product_cards(rows: Iterable[dict]) -> list[dict]:
    """One dict per row: `id`, `url`, `name`, `photo` (the `<img>` or ""), `producer`, `commune`, `price` (2 places,
    localized as `floatformat:2`), `unit` (its label in the current language), `sold_by_weight`, `organic`,
    `out_of_stock`."""
    prefix, suffix = reverse("shop:product-detail", args=[_ID_PLACEHOLDER]).split(str(_ID_PLACEHOLDER))
    units = {value: str(label) for value, label in Unit.choices}
    cards = []
    for row in rows:
        pk = str(row["id"])
        photo = row["photo"]
        cards.append(
            {
                "id": pk,
                "url": f"{prefix}{pk}{suffix}",
                "name": row["name"],
                "photo": photo_img(rendition_url(Product, photo), row["name"], CARD_SIZE) if photo else "",
                "producer": row["producer__name"],
                "commune": row["producer__commune"],
                "price": floatformat(row["unit_price"], 2),
                "unit": units.get(row["unit"], row["unit"]),
                "sold_by_weight": row["sold_by_weight"],
                "organic": row["is_organic"],
                "out_of_stock": row["stock_available"] <= 0,
            }
        )
    return cards
