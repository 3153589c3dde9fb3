"""The floor of the catalogue list: a bare Django view answering the same JSON as
`GET /api/v1/catalogue/products/?available=true&ordering=price&page_size=50&page=N` with one hand-written query.

No DRF, no serializer, no queryset: one SQL statement (the total comes from `COUNT(*) OVER ()`), the rows turned
into dicts by hand. `bench/run.py` checks that both answers are equal before measuring.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.utils.urls import remove_query_param, replace_query_param

from catalogue.season import mask_to_allergens, mask_to_months, month_bit

SQL = """
SELECT p.id, p.slug, p.name, p.description, p.unit, p.unit_price, p.vat_rate, p.organic, p.sold_by_weight,
       p.quantity_step, p.minimum_quantity, p.season_months, p.allergens, p.is_active,
       pr.id, pr.name, pr.slug, pr.kind, pr.commune, pr.distance_km,
       pr.organic_certifier, pr.organic_certificate_number, pr.organic_certificate_valid_until,
       c.id, c.name, c.slug, COALESCE(s.quantity, 0), COUNT(*) OVER ()
FROM catalogue_product p
JOIN catalogue_producer pr ON pr.id = p.producer_id
JOIN catalogue_category c ON c.id = p.category_id
LEFT JOIN catalogue_stocklevel s ON s.product_id = p.id
WHERE p.is_active AND COALESCE(s.quantity, 0) > 0
ORDER BY p.unit_price, p.name, p.id
LIMIT %s OFFSET %s
"""

CENT, MILLI, TENTH = Decimal("0.01"), Decimal("0.001"), Decimal("0.1")


def _dec(value, places: Decimal) -> str | None:
    return None if value is None else str(Decimal(value).quantize(places))


def floor_products(request) -> HttpResponse:
    page = int(request.GET.get("page", "1"))
    page_size = min(int(request.GET.get("page_size", "20")), 100)
    with connection.cursor() as cursor:
        cursor.execute(SQL, [page_size, (page - 1) * page_size])
        rows = cursor.fetchall()
    today = timezone.localdate().isoformat()
    bit = month_bit(timezone.localdate().month)
    results = []
    for r in rows:
        certified = bool(r[20] and r[21] and r[22] is not None and str(r[22]) >= today)
        price, vat = Decimal(str(r[5])), Decimal(str(r[6]))
        results.append(
            {
                "id": r[0],
                "slug": r[1],
                "name": r[2],
                "description": r[3],
                "producer": {
                    "id": r[14],
                    "name": r[15],
                    "slug": r[16],
                    "kind": r[17],
                    "commune": r[18],
                    "distance_km": _dec(r[19], TENTH),
                    "organic_certified": certified,
                },
                "category": {"id": r[23], "name": r[24], "slug": r[25]},
                "unit": r[4],
                "unit_price": _dec(price, CENT),
                "unit_price_excl_vat": str((price / (1 + vat / 100)).quantize(CENT, rounding=ROUND_HALF_UP)),
                "vat_rate": _dec(vat, CENT),
                "organic": bool(r[7]) and certified,
                "sold_by_weight": bool(r[8]),
                "quantity_step": _dec(r[9], MILLI),
                "minimum_quantity": _dec(r[10], MILLI),
                "season_months": mask_to_months(r[11]),
                "in_season": bool(r[11] & bit),
                "allergens": mask_to_allergens(r[12]),
                "stock_available": _dec(r[26], MILLI),
                "is_active": bool(r[13]),
            }
        )
    count = rows[0][27] if rows else 0
    url = request.build_absolute_uri()
    body = {
        "count": count,
        "next": replace_query_param(url, "page", page + 1) if page * page_size < count else None,
        "previous": (remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1))
        if page > 1
        else None,
        "results": results,
    }
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(content.encode(), content_type="application/json")


class _InDjangoTransaction:
    """The DB-API face `OrderFloor` expects, over Django's own connection inside `transaction.atomic()`: its
    statements run on the psycopg connection Django opened (persistent, as the API's), Django commits or rolls back."""

    def cursor(self):
        return connection.connection.cursor()

    def commit(self):
        pass

    def rollback(self):
        pass


def floor_order(request) -> HttpResponse:
    """The floor of `POST /api/v1/orders/` through the same HTTP server: a bare Django view (no DRF, no ORM, no
    serializer) that finds the token's user with one query and runs `OrderFloor`'s raw transaction (PostgreSQL
    only). It answers 201 with the order id, 409 when a product is short, 401 without a valid token."""
    from django.db import transaction

    from accounts.models import token_digest
    from bench.order_floor import OrderFloor, Refused

    key = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM accounts_apitoken WHERE digest = %s", [token_digest(key)])
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(b'{"code":"not_authenticated"}', status=401, content_type="application/json")
    body = json.loads(request.body)
    lines = [(int(line["product"]), Decimal(line["quantity"])) for line in body["lines"]]
    floor = OrderFloor(_InDjangoTransaction(), order_content_type_id=_order_content_type_id())
    try:
        with transaction.atomic():
            connection.ensure_connection()
            order_id = floor.place(
                customer_id=row[0],
                lines=lines,
                pickup_point_id=int(body["fulfilment"]["point"]),
                delivery_date=date.fromisoformat(body["delivery_date"]),
                cutoff_at=timezone.now(),
            )
    except Refused:
        return HttpResponse(b'{"code":"insufficient_stock"}', status=409, content_type="application/json")
    return HttpResponse(json.dumps({"id": order_id}).encode(), status=201, content_type="application/json")


_CONTENT_TYPE: list[int] = []


def _order_content_type_id() -> int:
    if not _CONTENT_TYPE:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM django_content_type WHERE app_label = 'orders' AND model = 'order'")
            _CONTENT_TYPE.append(cursor.fetchone()[0])
    return _CONTENT_TYPE[0]
