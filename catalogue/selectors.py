"""Reads of the catalogue. Every list owns its joins, so its query count does not grow with the page size.

Accent-insensitive search
-------------------------
Products and producers carry a denormalised `search_text` column: name (and description or commune) lower-cased
with accents stripped by `unicodedata` (`catalogue.text.search_normalise`), written by the product and producer
services. A search normalises the query the same way and filters with `icontains`, word by word. (Written when
the project also ran on SQLite. PostgreSQL's `unaccent` in a generated column could replace it, once a test shows
it folds every catalogue name as `search_normalise` does.) A trigram index on the column can be added later without
changing the query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, DecimalField, ExpressionWrapper, F, Model, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from ecopole.core.permissions import is_staff_member

from .models import Category, MovementReason, Producer, Product, StockMovement, organic_q, producer_certified_q
from .season import month_bit
from .text import search_normalise

# Ids beyond a bigint do not exist; looking them up would be a database error (a 500) instead of a 404.
MAX_ID = 2**63 - 1

ORDERINGS = {
    "price": ("unit_price", "name", "id"),
    "-price": ("-unit_price", "name", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "id"),
    "distance": (F("producer__distance_km").asc(nulls_last=True), "name", "id"),
    "-distance": (F("producer__distance_km").desc(nulls_last=True), "name", "id"),
}


@dataclass(frozen=True)
class ProductFilters:
    category: str | None = None  # slug
    producer: str | None = None  # slug
    organic: bool | None = None
    in_season: bool | None = None
    available: bool | None = None
    search: str | None = None
    ordering: str | None = None


def producer_list() -> QuerySet[Producer]:
    return Producer.objects.order_by("name")


def producer_get(*, slug: str) -> Producer:
    producer = Producer.objects.filter(slug=slug).first()
    if producer is None:
        raise Http404
    return producer


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name")


def product_visible_to(user) -> QuerySet[Product]:
    """Products a user may see: active ones for everybody; inactive ones too for staff and for their producer."""
    products = Product.objects.all()
    if is_staff_member(user):
        return products
    if user is not None and user.is_authenticated and getattr(user, "producer_id", None):
        return products.filter(Q(is_active=True) | Q(producer_id=user.producer_id))
    return products.filter(is_active=True)


def product_editable_by(user) -> QuerySet[Product]:
    """Products a user may change: all for staff, their producer's for a member, none for anybody else."""
    if is_staff_member(user):
        return Product.objects.all()
    if user is not None and user.is_authenticated and getattr(user, "producer_id", None):
        return Product.objects.filter(producer_id=user.producer_id)
    return Product.objects.none()


def _with_display(products: QuerySet[Product], *, today: datetime.date) -> QuerySet[Product]:
    return products.select_related("producer", "category").annotate(
        stock_available=Coalesce(
            F("stock__quantity"), Value(0), output_field=DecimalField(max_digits=12, decimal_places=3)
        ),
        is_organic=ExpressionWrapper(organic_q(today), output_field=BooleanField()),
        # The producer's certificate valid today, computed by the database once per row instead of a
        # timezone.localdate() per product in Python. NULL (no validity date) means not certified.
        producer_certified=ExpressionWrapper(producer_certified_q(today), output_field=BooleanField()),
    )


def product_list(*, user=None, filters: ProductFilters | None = None) -> QuerySet[Product]:
    """The catalogue as `user` sees it, filtered and ordered. One query per page (two with the count).

    `in_season` uses the current month in Europe/Paris; `organic` is the effective flag (valid certificate today);
    `available` means stock > 0.
    """
    filters = filters or ProductFilters()
    today = timezone.localdate()
    products = _with_display(product_visible_to(user), today=today)
    if filters.category:
        products = products.filter(category__slug=filters.category)
    if filters.producer:
        products = products.filter(producer__slug=filters.producer)
    if filters.organic is not None:
        products = products.filter(is_organic=filters.organic)
    if filters.in_season is not None:
        # Bitwise AND of the month's bit with the season mask.
        products = products.alias(season_bit=F("season_months").bitand(month_bit(today.month)))
        products = products.filter(season_bit__gt=0) if filters.in_season else products.filter(season_bit=0)
    if filters.available is not None:
        products = (
            products.filter(stock_available__gt=0) if filters.available else products.filter(stock_available__lte=0)
        )
    if filters.search:
        for word in search_normalise(filters.search).split()[:8]:
            products = products.filter(Q(search_text__icontains=word) | Q(producer__search_text__icontains=word))
    return products.order_by(*ORDERINGS.get(filters.ordering or "name", ORDERINGS["name"]))


# What the catalogue list shows, read as dicts (`serializers.product_rows_data` turns them into the JSON).
PRODUCT_ROW_FIELDS = (
    "id",
    "slug",
    "name",
    "description",
    "unit",
    "unit_price",
    "vat_rate",
    "deposit",
    "organic",
    "sold_by_weight",
    "quantity_step",
    "minimum_quantity",
    "season_months",
    "allergens",
    "is_active",
    "producer_id",
    "producer__name",
    "producer__slug",
    "producer__kind",
    "producer__commune",
    "producer__distance_km",
    "category_id",
    "category__name",
    "category__slug",
    "stock_available",
    "producer_certified",
)


def product_list_rows(*, user=None, filters: ProductFilters | None = None) -> QuerySet:
    """`product_list` as plain dicts (`PRODUCT_ROW_FIELDS`): the same query, without building model instances."""
    return product_list(user=user, filters=filters).values(*PRODUCT_ROW_FIELDS)


# What a product card of the shop shows (`shop.cards`), read as dicts: the shop's pages build their cards (50 on the
# catalogue page of the benchmark) without a model instance (no ORM object, no imagekit descriptor per row), from the
# same query as the list.
PRODUCT_CARD_FIELDS = (
    "id",
    "name",
    "photo",
    "unit",
    "unit_price",
    "sold_by_weight",
    "is_organic",
    "stock_available",
    "producer__name",
    "producer__commune",
)


def product_card_rows(*, user=None, filters: ProductFilters | None = None) -> QuerySet:
    """`product_list` as plain dicts (`PRODUCT_CARD_FIELDS`), for the shop's catalogue page."""
    return product_list(user=user, filters=filters).values(*PRODUCT_CARD_FIELDS)


def product_get(*, user=None, pk: int) -> Product:
    if not 0 < pk <= MAX_ID:
        raise Http404
    product = _with_display(product_visible_to(user), today=timezone.localdate()).filter(pk=pk).first()
    if product is None:
        raise Http404
    return product


def product_get_for_update(*, user, pk: int) -> Product:
    """The product if `user` may change it, else 404 (another producer's product does not exist for them)."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    product = product_editable_by(user).select_related("producer", "category").filter(pk=pk).first()
    if product is None:
        raise Http404
    return product


def stock_ledger_readable_by(user) -> QuerySet[StockMovement]:
    """Movements a user may read: all for staff, their producer's products' for a member, none otherwise."""
    if is_staff_member(user):
        return StockMovement.objects.all()
    if user is not None and user.is_authenticated and getattr(user, "producer_id", None):
        return StockMovement.objects.filter(product__producer_id=user.producer_id)
    return StockMovement.objects.none()


def stock_movement_list(*, user, product_id: int | None = None, reason: str | None = None) -> QuerySet[StockMovement]:
    """A ledger, newest first. Asking for a product the user may not read is a 404."""
    movements = stock_ledger_readable_by(user)
    if product_id is not None:
        if not product_editable_by(user).filter(pk=product_id).exists():
            raise Http404
        movements = movements.filter(product_id=product_id)
    if reason:
        movements = movements.filter(reason=reason)
    return movements.select_related("product", "created_by", "source_type").order_by("-created_at", "-id")


def producer_get_for_update(*, user, slug: str) -> Producer:
    """The producer if `user` may change it (staff, or a member of that producer), else 404."""
    producer = Producer.objects.filter(slug=slug).first()
    if producer is None:
        raise Http404
    if is_staff_member(user) or getattr(user, "producer_id", None) == producer.pk:
        return producer
    raise Http404


# --- Lots (the recall) ---------------------------------------------------------------------------------------------

LOT_OUTFLOW_EXCLUDED = (MovementReason.RECALL, MovementReason.PROCESSING_OUTPUT, MovementReason.RECEIPT)


def stock_lot_outflows(*, code: str) -> tuple[dict[str, dict[int, Decimal]], Decimal]:
    """What left the stock from lot `code`, net of what came back: ({"app_label.model": {source id: quantity}},
    quantity without a source, e.g. a loss). Blocking the lot (a recall) and its own receipt are not outflows."""
    rows = (
        StockMovement.objects.filter(lot__code=code)
        .exclude(reason__in=LOT_OUTFLOW_EXCLUDED)
        .values("source_type__app_label", "source_type__model", "source_id")
        .annotate(total=Sum("quantity"))
    )
    by_source: dict[str, dict[int, Decimal]] = {}
    without_source = Decimal("0")
    for row in rows:
        if row["total"] >= 0:
            continue
        if row["source_id"] is None:
            without_source += -row["total"]
            continue
        label = f"{row['source_type__app_label']}.{row['source_type__model']}"
        by_source.setdefault(label, {})[row["source_id"]] = -row["total"]
    return by_source, without_source


def stock_source_lot_split(*, source: Model, product_id: int) -> list[tuple[str | None, Decimal]]:
    """The lots a source took of a product, first-expired first (the order the ledger took them in), the part
    without a lot last: [(lot code or None, quantity)]."""
    content_type = ContentType.objects.get_for_model(source)
    rows = (
        StockMovement.objects.filter(source_type=content_type, source_id=source.pk, product_id=product_id)
        .exclude(reason=MovementReason.RECALL)
        .values("lot__code", "lot__best_before", "lot_id")
        .annotate(total=Sum("quantity"))
    )
    taken = [row for row in rows if row["total"] < 0]
    taken.sort(
        key=lambda row: (row["lot_id"] is None, row["lot__best_before"] or datetime.date.max, row["lot_id"] or 0)
    )
    return [(row["lot__code"], -row["total"]) for row in taken]
