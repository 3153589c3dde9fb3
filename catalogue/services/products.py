"""Writes on products. Stock is never written here: see `catalogue.services.stock`."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from ecopole.core.audit import audit_record
from ecopole.core.money import money

from ..errors import OrganicCertificateRequired, ProductNameTaken
from ..models import Category, Producer, Product, Unit
from ..season import ALL_MONTHS, allergens_to_mask, months_to_mask
from ..text import search_normalise

PRICE_PLACES = Decimal("0.01")

# What product_update may change. The producer is fixed: a product's ledger belongs to one producer's goods.
PRODUCT_UPDATABLE_FIELDS = {
    "category",
    "name",
    "description",
    "unit",
    "unit_price",
    "vat_rate",
    "organic",
    "sold_by_weight",
    "quantity_step",
    "minimum_quantity",
    "deposit",
    "season_months",
    "allergens",
    "is_active",
}


def product_derive(*, product: Product) -> None:
    """Recompute `search_text` (lower-cased, unaccented name + description) in memory."""
    product.search_text = search_normalise(product.name, product.description)


def _unique_slug(*, name: str, producer: Producer, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "produit"
    candidates = [base, f"{base}-{producer.slug}"[:160]]
    existing = Product.objects.exclude(pk=exclude_pk)
    for candidate in candidates:
        if not existing.filter(slug=candidate).exists():
            return candidate
    n = 2
    while existing.filter(slug=f"{candidates[1]}-{n}").exists():
        n += 1
    return f"{candidates[1]}-{n}"


def _check_name_free(*, producer: Producer, name: str, exclude_pk: int | None = None) -> None:
    if Product.objects.filter(producer=producer, name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ProductNameTaken(producer_name=producer.name, name=name)


def _check_organic(*, producer: Producer, organic: bool) -> None:
    if organic and not producer.has_valid_organic_certificate():
        raise OrganicCertificateRequired(producer_name=producer.name)


def _normalise_changes(changes: dict[str, Any]) -> dict[str, Any]:
    changes = dict(changes)
    if "unit_price" in changes:
        changes["unit_price"] = money(changes["unit_price"])
    if "deposit" in changes:
        changes["deposit"] = money(changes["deposit"])
    if "vat_rate" in changes:
        changes["vat_rate"] = Decimal(changes["vat_rate"]).quantize(PRICE_PLACES)
    if "season_months" in changes and not isinstance(changes["season_months"], int):
        changes["season_months"] = months_to_mask(changes["season_months"])
    if "allergens" in changes and not isinstance(changes["allergens"], int):
        changes["allergens"] = allergens_to_mask(changes["allergens"])
    return changes


def _save(product: Product, *, actor, action: str, changes: dict) -> Product:
    product_derive(product=product)
    product.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            product.save()
            audit_record(actor=actor, action=action, obj=product, changes=changes)
    except IntegrityError as exc:
        # Two writers racing on the same name: the unique constraint decides, the loser gets a clear error.
        raise ProductNameTaken(producer_name=product.producer.name, name=product.name) from exc
    return product


def product_create(
    *,
    producer: Producer,
    category: Category,
    name: str,
    unit_price: Decimal,
    unit: str = Unit.KG,
    vat_rate: Decimal = Decimal("5.50"),
    description: str = "",
    organic: bool | None = None,
    sold_by_weight: bool = False,
    quantity_step: Decimal = Decimal("1"),
    minimum_quantity: Decimal = Decimal("1"),
    deposit: Decimal = Decimal("0.00"),
    season_months: Iterable[int] | int = ALL_MONTHS,
    allergens: Iterable[str] | int = 0,
    is_active: bool = True,
    slug: str | None = None,
    actor=None,
) -> Product:
    """Create a product of `producer`, with a unique slug and its search text.

    `organic=None` means "organic if the producer's certificate is valid today"; `organic=True` without a valid
    certificate is refused (`organic_certificate_required`); a deposit on a product sold by weight too (a
    validation error on `deposit`: it is charged per jar, `Product.clean`). A second product with the same name for the same
    producer is refused (`product_name_taken`), also under a race (unique constraint). Creates no stock.
    """
    name = name.strip()
    _check_name_free(producer=producer, name=name)
    if organic is None:
        organic = producer.has_valid_organic_certificate()
    _check_organic(producer=producer, organic=organic)
    fields = _normalise_changes(
        {
            "unit_price": unit_price,
            "vat_rate": vat_rate,
            "deposit": deposit,
            "season_months": season_months,
            "allergens": allergens,
        }
    )
    product = Product(
        producer=producer,
        category=category,
        name=name,
        slug=slug or _unique_slug(name=name, producer=producer),
        description=description,
        unit=unit,
        organic=organic,
        sold_by_weight=sold_by_weight,
        quantity_step=quantity_step,
        minimum_quantity=minimum_quantity,
        is_active=is_active,
        **fields,
    )
    return _save(product, actor=actor, action="catalogue.product_created", changes={"name": name})


def product_update(*, product: Product, actor=None, **changes: Any) -> Product:
    """Change some of PRODUCT_UPDATABLE_FIELDS; the slug and the producer never change.

    Turning `organic` on requires the producer's valid certificate; renaming checks the name is free for the
    producer. Stock is untouched. What changed ({field: [before, after]}) goes to the audit log, same transaction.
    """
    unknown = set(changes) - PRODUCT_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"product_update() got unexpected fields: {sorted(unknown)}")
    changes = _normalise_changes(changes)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        _check_name_free(producer=product.producer, name=changes["name"], exclude_pk=product.pk)
    if changes.get("organic") and not product.organic:
        _check_organic(producer=product.producer, organic=True)
    diff = {}
    for field, value in changes.items():
        before = getattr(product, field)
        if before != value:
            diff[field] = [getattr(before, "pk", before), getattr(value, "pk", value)]
        setattr(product, field, value)
    if not diff:
        return product  # nothing changed: no write, no audit event (a re-run seed or a repeated PATCH)
    return _save(product, actor=actor, action="catalogue.product_updated", changes=diff)
