"""The catalogue page as the benchmark reads it (`make bench`, row 1b): 50 products a page, a constant number of
SQL queries whatever the page holds."""

from decimal import Decimal

import pytest

from tests.factories.catalogue import CategoryFactory, ProducerFactory, ProductFactory

BENCH_QUERY = {"available": "true", "ordering": "price", "page_size": "50"}


@pytest.mark.parametrize("count", [10, 50])
def test_catalogue_page_of_50_costs_the_same_queries_whatever_it_holds(client, django_assert_num_queries, db, count):
    # given `count` products of as many producers and categories
    for i in range(count):
        ProductFactory(
            producer=ProducerFactory(), category=CategoryFactory(), stock=i + 1, unit_price=Decimal("1.50") + i
        )
    client.get("/produits/", BENCH_QUERY)  # warm the language machinery
    # then the page costs: the page of products with their total (a window count), categories, producers
    with django_assert_num_queries(3):
        response = client.get("/produits/", BENCH_QUERY)
    assert response.status_code == 200
    assert response.content.decode().count('<li class="card">') == count


@pytest.mark.parametrize(("page_size", "shown"), [("50", 30), ("5", 5), ("0", 24), ("101", 24), ("abc", 24), ("²", 24)])
def test_page_size_is_taken_up_to_100_else_the_default(client, db, page_size, shown):
    for i in range(30):
        ProductFactory(name=f"Produit {i:02d}")
    response = client.get("/produits/", {"page_size": page_size})
    assert response.status_code == 200
    assert response.content.decode().count('<li class="card">') == shown


def test_pagination_links_keep_the_page_size(client, db):
    for i in range(12):
        ProductFactory(name=f"Produit {i:02d}")
    body = client.get("/produits/", {"page_size": "5"}).content.decode()
    assert "page_size=5&amp;page=2" in body


def test_a_page_past_the_end_or_not_a_number_shows_a_page_all_the_same(client, db):
    for i in range(12):
        ProductFactory(name=f"Produit {i:02d}")
    body = client.get("/produits/", {"page_size": "5", "page": "9"}).content.decode()
    assert "Page 3 sur 3" in body and body.count('<li class="card">') == 2
    body = client.get("/produits/", {"page_size": "5", "page": "abc"}).content.decode()
    assert "Page 1 sur 3" in body and "12 produits" in body
