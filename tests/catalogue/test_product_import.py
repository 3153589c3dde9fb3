from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.models import Product, ProductImport, StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from tests.factories.catalogue import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogue/products/import/"

GOOD_CSV = (
    "nom;unité;prix;TVA;catégorie;stock\n"
    "Poireaux;kg;2,80;5,5;Légumes;40\n"
    "Carottes des sables;kg;2.20;5.5;legumes;25,5\n"
    "Soupe de potimarron;bocal;4,50 €;5,5 %;Conserves;\n"
)


@pytest.fixture
def categories(vegetables):
    return [vegetables, CategoryFactory(name="Conserves", slug="conserves")]


def upload(client, producer, text, name="tarifs.csv", encoding="utf-8"):
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(URL, {"producer": producer.slug, "file": file}, format="multipart")


def test_a_manager_imports_a_price_list_and_its_stock(manager_client, manager, producer, categories, product):
    # given "Poireaux" already exists with 10 in stock, at 2.50
    response = upload(manager_client, producer, GOOD_CSV)

    assert response.status_code == 201, response.json()
    assert response.json()["created_count"] == 2
    assert response.json()["updated_count"] == 1
    product.refresh_from_db()
    assert product.unit_price == Decimal("2.80")
    assert stock_available(product_id=product.pk) == Decimal("50")
    carrots = Product.objects.get(producer=producer, name="Carottes des sables")
    assert carrots.unit_price == Decimal("2.20") and carrots.vat_rate == Decimal("5.50")
    assert stock_available(product_id=carrots.pk) == Decimal("25.5")
    soup = Product.objects.get(producer=producer, name="Soupe de potimarron")
    assert soup.unit == "jar" and soup.unit_price == Decimal("4.50") and soup.category.slug == "conserves"
    assert not soup.movements.exists()
    batch = ProductImport.objects.get()
    receipts = StockMovement.objects.filter(source_id=batch.pk, reason="receipt", source_type__model="productimport")
    assert receipts.count() == 2 and all(m.created_by_id == manager.pk for m in receipts)
    assert stock_check_ledger() == {}


def test_the_same_file_twice_is_refused_and_receives_nothing_twice(manager_client, producer, categories):
    assert upload(manager_client, producer, GOOD_CSV).status_code == 201
    stock_before = StockMovement.objects.count()

    response = upload(manager_client, producer, GOOD_CSV)

    assert response.status_code == 409
    assert response.json()["code"] == "import_already_applied"
    assert StockMovement.objects.count() == stock_before
    assert ProductImport.objects.count() == 1


def test_one_bad_row_rejects_the_whole_file_with_every_rows_errors(manager_client, producer, categories, product):
    text = (
        "name,unit,price,vat,category,stock\n"
        "Poireaux,kg,3.10,5.5,legumes,10\n"
        'Carottes,kg,"2,805",5.5,legumes,\n'
        "Navets,sack,1.20,7,legumes,-3\n"
        "Radis,botte,1.60,5.5,fromages,\n"
        ",kg,1,5.5,legumes,\n"
        "poireaux,kg,1,5.5,legumes,\n"
    )

    response = upload(manager_client, producer, text)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid"
    rows = body["fields"]["rows"]
    assert set(rows) == {"3", "4", "5", "6", "7"}
    assert set(rows["3"]) == {"price"}
    assert set(rows["4"]) == {"unit", "vat", "stock"}
    assert set(rows["5"]) == {"category"}
    assert set(rows["6"]) == {"name"}
    assert set(rows["7"]) == {"name"}  # same product as line 2
    assert body["fields"]["error_count"] == 5
    # nothing applied, not even the valid first row
    product.refresh_from_db()
    assert product.unit_price == Decimal("2.50")
    assert stock_available(product_id=product.pk) == Decimal("10")
    assert not ProductImport.objects.exists()
    assert Product.objects.count() == 1


def test_an_excel_file_in_windows_1252_with_a_missing_column(manager_client, producer, categories):
    ok = upload(manager_client, producer, "Nom;Unité;Prix;Catégorie\nÉchalotes;kg;6,50;Légumes\n", encoding="cp1252")
    assert ok.status_code == 201, ok.json()
    assert Product.objects.get(name="Échalotes").unit_price == Decimal("6.50")

    missing = upload(manager_client, producer, "nom;unité;catégorie\nPanais;kg;Légumes\n")
    assert missing.status_code == 400
    assert missing.json()["code"] == "import_file_unreadable"
    assert "price" in missing.json()["detail"]

    empty = upload(manager_client, producer, "")
    assert empty.status_code == 400


def test_only_a_manager_imports(preparer_client, producer_client, customer_client, producer, categories):
    for client in (preparer_client, producer_client, customer_client):
        response = upload(client, producer, GOOD_CSV)
        assert response.status_code == 403
    assert not Product.objects.exists()


def test_a_row_updates_the_producers_product_not_another_producers(manager_client, producer, categories, other_product):
    # other_product is "Carottes" of another producer: importing "Carottes" for `producer` creates a new product
    response = upload(manager_client, producer, "name;unit;price;category\nCarottes;kg;1.90;legumes\n")

    assert response.status_code == 201
    assert response.json()["created_count"] == 1
    other_product.refresh_from_db()
    assert other_product.unit_price == Decimal("2.50")
    assert Product.objects.filter(name="Carottes").count() == 2


def test_import_keeps_existing_products_flags(manager_client, producer, vegetables):
    existing = ProductFactory(producer=producer, category=vegetables, name="Endives", season_months=0b111, allergens=0)
    response = upload(manager_client, producer, "name;unit;price;category\nEndives;kg;3.80;legumes\n")
    assert response.status_code == 201
    existing.refresh_from_db()
    assert existing.season_months == 0b111 and existing.unit_price == Decimal("3.80")
