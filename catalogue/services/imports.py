"""CSV price lists of a producer (manager upload): validate every row first, then apply all of them or none.

The file
--------
- Encoding UTF-8 (with or without BOM); Windows-1252 (Excel's French default) is accepted as a fallback.
- Separator `;` (Excel in French) or `,` or a tab, detected from the header line.
- Header line with these columns, in any order, English or French names, case and accents ignored:
  `name`/`nom`, `unit`/`unité`, `price`/`prix`, `vat`/`tva` (optional, default 5.5), `category`/`catégorie`,
  `stock` (optional).
- `price`: the unit price VAT included in euros, with a comma or a dot and at most 2 decimals: "2,80", "2.80",
  "2,8 €" are the same price.
- `vat`: 5.5, 10 or 20, with a comma or a dot, with or without "%": "5,5", "5.5", "5,50 %".
- `unit`: kg, piece (pièce), bunch (botte), jar (bocal, pot), litre (l), dozen (douzaine).
- `category`: the name or slug of an existing category; categories are not created by an import.
- `stock`: the quantity delivered with this price list, received into the ledger as a `receipt` pointing at the
  import (blank or 0: nothing received); up to 3 decimals.

A row whose name matches (case-insensitively) an existing product of the producer updates that product;
otherwise a product is created. Errors are keyed by line number in the file (the header is line 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ecopole.core.locking import lock_rows
from ecopole.core.money import money

from ..errors import ImportAlreadyApplied, ImportFileUnreadable, ImportInvalid
from ..models import Category, MovementReason, Producer, Product, ProductImport, Unit, VatRate
from ..text import search_normalise
from .products import product_create, product_update
from .stock import StockLine, stock_apply

MAX_ROWS = 1000

COLUMN_ALIASES = {
    "name": {"name", "nom", "produit", "product"},
    "unit": {"unit", "unite"},
    "price": {"price", "prix", "prix ttc", "unit price", "prix unitaire"},
    "vat": {"vat", "tva", "vat rate", "taux de tva", "taux tva"},
    "category": {"category", "categorie", "rayon"},
    "stock": {"stock", "quantity", "quantite"},
}
REQUIRED_COLUMNS = ("name", "unit", "price", "category")

UNIT_ALIASES = {
    Unit.KG: {"kg", "kilo", "kilogramme", "kilogram"},
    Unit.PIECE: {"piece", "pce", "pc", "unite"},
    Unit.BUNCH: {"bunch", "botte"},
    Unit.JAR: {"jar", "bocal", "pot"},
    Unit.LITRE: {"litre", "l", "liter"},
    Unit.DOZEN: {"dozen", "douzaine"},
}
_UNITS = {alias: unit for unit, aliases in UNIT_ALIASES.items() for alias in aliases}
_VAT_RATES = {Decimal(value) for value in VatRate.values}
_PRICE_RE = re.compile(r"^\d{1,6}(\.\d{1,2})?$")
_QUANTITY_RE = re.compile(r"^\d{1,9}(\.\d{1,3})?$")


@dataclass
class ImportRow:
    line: int
    name: str
    unit: str
    price: Decimal
    vat_rate: Decimal
    category: Category
    stock: Decimal | None
    product: Product | None  # the existing product it updates, if any


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="strict")


def _number_text(raw: str) -> str:
    # "2,80 €" → "2.80"; the non-breaking and narrow spaces Excel writes are dropped too.
    text = raw.replace("€", "").replace("%", "")
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    return text.replace(",", ".")


def _parse_price(raw: str) -> Decimal:
    text = _number_text(raw)
    if not _PRICE_RE.match(text) or Decimal(text) <= 0:
        raise ValueError(_("Enter a positive price in euros with at most 2 decimals, e.g. 2,80 or 2.80."))
    return money(text)  # at most 2 decimals already: exact


def _parse_vat(raw: str) -> Decimal:
    text = _number_text(raw)
    if not text:
        return Decimal("5.50")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = None
    if rate not in _VAT_RATES:
        raise ValueError(_("The VAT rate must be 5.5, 10 or 20."))
    return rate.quantize(Decimal("0.01"))


def _parse_stock(raw: str) -> Decimal | None:
    text = _number_text(raw)
    if not text:
        return None
    if not _QUANTITY_RE.match(text):
        raise ValueError(_("Enter a quantity of zero or more with at most 3 decimals, e.g. 12,5."))
    quantity = Decimal(text)
    return quantity if quantity > 0 else None


def _parse_unit(raw: str) -> str:
    unit = _UNITS.get(search_normalise(raw))
    if unit is None:
        raise ValueError(_("Unknown unit: use kg, piece, bunch, jar, litre or dozen."))
    return unit


def _read_rows(text: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Header columns {field: index} and the data rows with their line numbers."""
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileUnreadable(reason=_("the file is empty.")) from None
    except csv.Error as exc:
        raise ImportFileUnreadable(reason=str(exc)) from exc
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        normalised = search_normalise(title)
        for field, aliases in COLUMN_ALIASES.items():
            if normalised in aliases and field not in columns:
                columns[field] = index
    missing = [field for field in REQUIRED_COLUMNS if field not in columns]
    if missing:
        raise ImportFileUnreadable(reason=_("missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ImportFileUnreadable(reason=str(exc)) from exc
    if not rows:
        raise ImportFileUnreadable(reason=_("the file has no product rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileUnreadable(reason=_("at most %(max)d rows per file.") % {"max": MAX_ROWS})
    return columns, rows


def product_import_validate(*, producer: Producer, content: bytes) -> list[ImportRow]:
    """Parse and check every row; raise `ImportInvalid` with every row's errors, or return the rows to apply.

    Writes nothing.
    """
    try:
        text = _decode(content)
    except UnicodeDecodeError as exc:
        raise ImportFileUnreadable(reason=_("the file is not UTF-8 or Windows-1252 text.")) from exc
    columns, rows = _read_rows(text)

    categories: dict[str, Category] = {}
    for category in Category.objects.all():
        categories[search_normalise(category.name)] = category
        categories[category.slug] = category
    existing = {search_normalise(p.name): p for p in Product.objects.filter(producer=producer)}

    def cell(cells: list[str], field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    errors: dict[str, dict[str, list[str]]] = {}
    parsed: list[ImportRow] = []
    seen_names: dict[str, int] = {}
    for line, cells in rows:
        row_errors: dict[str, list[str]] = {}
        values: dict = {}
        name = cell(cells, "name")
        if not name:
            row_errors["name"] = [_("A name is required.")]
        elif len(name) > 150:
            row_errors["name"] = [_("At most 150 characters.")]
        elif search_normalise(name) in seen_names:
            row_errors["name"] = [_("Same product as line %(line)d.") % {"line": seen_names[search_normalise(name)]}]
        else:
            seen_names[search_normalise(name)] = line
        for field, parse in (
            ("unit", _parse_unit),
            ("price", _parse_price),
            ("vat", _parse_vat),
            ("stock", _parse_stock),
        ):
            raw = cell(cells, field)
            if field in ("unit", "price") and not raw:
                row_errors[field] = [_("This value is required.")]
                continue
            try:
                values[field] = parse(raw)
            except ValueError as exc:
                row_errors[field] = [str(exc)]
        category = categories.get(search_normalise(cell(cells, "category"))) or categories.get(cell(cells, "category"))
        if category is None:
            row_errors["category"] = [_("Unknown category: use the name of an existing category.")]
        if row_errors:
            errors[str(line)] = row_errors
            continue
        parsed.append(
            ImportRow(
                line=line,
                name=name,
                unit=values["unit"],
                price=values["price"],
                vat_rate=values["vat"],
                category=category,
                stock=values.get("stock"),
                product=existing.get(search_normalise(name)),
            )
        )
    if errors:
        raise ImportInvalid(rows=errors, error_count=len(errors))
    return parsed


def _already_applied(existing: ProductImport) -> ImportAlreadyApplied:
    return ImportAlreadyApplied(
        imported_at=date_format(localtime(existing.created_at), "DATETIME_FORMAT"), import_id=existing.pk
    )


def product_import_csv(*, producer: Producer, content: bytes, filename: str = "", user=None) -> ProductImport:
    """Import a producer's price list: all rows or none.

    Guarantees: every row is validated before anything is written (`import_invalid` lists each row's errors);
    then one durable transaction creates/updates the products and receives the stock column into the ledger
    (one `receipt` per product, source = the `ProductImport`). The producer's row is locked so two imports of the
    same producer run one after the other; the same file (SHA-256) is applied at most once per producer
    (`import_already_applied`, also under a race: unique constraint).
    """
    checksum = hashlib.sha256(content).hexdigest()
    existing = ProductImport.objects.filter(producer=producer, checksum=checksum).first()
    if existing is not None:
        raise _already_applied(existing)
    product_import_validate(producer=producer, content=content)
    try:
        with transaction.atomic(durable=True):
            lock_rows(Producer.objects.filter(pk=producer.pk))
            existing = ProductImport.objects.filter(producer=producer, checksum=checksum).first()
            if existing is not None:
                raise _already_applied(existing)
            # Validated again under the lock: a product created meanwhile is updated, not duplicated.
            rows = product_import_validate(producer=producer, content=content)
            batch = ProductImport.objects.create(
                producer=producer, checksum=checksum, filename=filename[:255], row_count=len(rows), created_by=user
            )
            lines = []
            for row in rows:
                fields = {"category": row.category, "unit": row.unit, "unit_price": row.price, "vat_rate": row.vat_rate}
                if row.product is None:
                    product = product_create(producer=producer, name=row.name, actor=user, **fields)
                    batch.created_count += 1
                else:
                    product = product_update(product=row.product, actor=user, **fields)
                    batch.updated_count += 1
                if row.stock:
                    lines.append(StockLine(product.pk, row.stock))
            batch.save(update_fields=["created_count", "updated_count"])
            if lines:
                stock_apply(
                    lines=lines,
                    reason=MovementReason.RECEIPT,
                    source=batch,
                    user=user,
                    note=_("Price list %(filename)s") % {"filename": filename or batch.pk},
                )
            return batch
    except IntegrityError as exc:
        existing = ProductImport.objects.filter(producer=producer, checksum=checksum).first()
        if existing is None:
            raise
        raise _already_applied(existing) from exc
