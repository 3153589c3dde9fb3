"""Photos of products and producers: uploaded through the API by staff or the producer, checked by content,
renditions made once with their sizes known."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalogue.models import Product
from catalogue.photos import validate_photo
from ecopole.core.models import AuditEvent
from tests.clients import client_for


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_file(name="poireaux.png", size=(1200, 900), image_format="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (60, 140, 60)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def test_producer_member_sets_the_photo_and_gets_renditions_of_known_size(producer_client, product, media_root):
    # when the producer's member uploads a PNG of 1200×900
    response = producer_client.put(
        f"/api/v1/catalogue/products/{product.pk}/photo/", {"photo": image_file()}, format="multipart"
    )
    # then the answer gives the original and the renditions with their sizes
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["card"]["width"] == 400 and body["card"]["height"] == 300
    assert body["large"]["width"] == 800 and body["large"]["height"] == 600
    # and the renditions exist on disk, at those sizes, made when the photo was saved
    product.refresh_from_db()
    assert product.photo.name.startswith("photos/products/poireaux-") and product.photo.name.endswith(".png")
    card = Path(media_root) / product.photo_card.name
    with Image.open(card) as image:
        assert image.size == (400, 300)
    assert AuditEvent.objects.filter(action="catalogue.product_photo_set").count() == 1


def test_a_20_mb_file_is_refused_with_a_clear_400(producer_client, product):
    big = SimpleUploadedFile("enorme.jpg", b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024), content_type="image/jpeg")
    response = producer_client.put(
        f"/api/v1/catalogue/products/{product.pk}/photo/", {"photo": big}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "photo_too_large"
    assert body["detail"] == "La photo pèse 20 Mo ; le maximum est 5 Mo."
    product.refresh_from_db()
    assert not product.photo


def test_a_renamed_pdf_is_refused_with_a_clear_400(producer_client, product):
    pdf = SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="image/jpeg")
    response = producer_client.put(
        f"/api/v1/catalogue/products/{product.pk}/photo/", {"photo": pdf}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "photo_invalid"
    assert response.json()["detail"] == "Le fichier n’est pas une image JPEG, PNG ou WebP."
    assert not Product.objects.get(pk=product.pk).photo


def test_a_gif_is_refused_even_named_png(producer_client, product):
    upload = image_file(name="photo.png", image_format="GIF")
    response = producer_client.put(
        f"/api/v1/catalogue/products/{product.pk}/photo/", {"photo": upload}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["code"] == "photo_invalid"


def test_who_may_set_a_product_photo(api_client, customer_client, other_member, manager, product):
    url = f"/api/v1/catalogue/products/{product.pk}/photo/"
    assert api_client.put(url, {"photo": image_file()}, format="multipart").status_code == 401
    assert customer_client.put(url, {"photo": image_file()}, format="multipart").status_code == 403
    assert client_for(other_member).put(url, {"photo": image_file()}, format="multipart").status_code == 404
    assert client_for(manager).put(url, {"photo": image_file()}, format="multipart").status_code == 200


def test_replacing_then_removing_a_photo_deletes_the_old_file_after_commit(
    producer_client, product, media_root, django_capture_on_commit_callbacks
):
    url = f"/api/v1/catalogue/products/{product.pk}/photo/"
    producer_client.put(url, {"photo": image_file()}, format="multipart")
    first = Product.objects.get(pk=product.pk).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.put(url, {"photo": image_file(name="b.jpg", image_format="JPEG")}, format="multipart")
    second = Product.objects.get(pk=product.pk).photo.name
    assert second != first and second.endswith(".jpg")
    assert not (Path(media_root) / first).exists() and (Path(media_root) / second).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert producer_client.delete(url).status_code == 204
    assert not Product.objects.get(pk=product.pk).photo
    assert not (Path(media_root) / second).exists()


def test_producer_photo_by_its_member_only(producer_client, other_member, producer):
    url = f"/api/v1/catalogue/producers/{producer.slug}/photo/"
    assert client_for(other_member).put(url, {"photo": image_file()}, format="multipart").status_code == 404
    response = producer_client.put(url, {"photo": image_file()}, format="multipart")
    assert response.status_code == 200 and response.json()["card"]["width"] == 400


def test_the_admin_form_refuses_a_pdf_with_the_same_message():
    pdf = SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n%%EOF\n", content_type="image/jpeg")
    pdf._committed = False
    with pytest.raises(ValidationError) as error:
        validate_photo(pdf)
    assert error.value.code == "photo_invalid"


def test_every_demo_product_and_producer_has_a_drawn_photo_with_its_renditions(db, media_root):
    from accounts import demo as accounts_demo
    from catalogue import demo
    from catalogue.models import Producer

    accounts_demo.seed()
    demo.seed()
    products = list(Product.objects.all())
    assert products and all(p.photo for p in products)
    assert all(p.photo for p in Producer.objects.all())
    with Image.open(Path(media_root) / products[0].photo_card.name) as image:
        assert image.size == (400, 300)
    # a second seed keeps the photos: nothing is drawn or stored again
    names = {p.pk: p.photo.name for p in products}
    demo.seed()
    assert {p.pk: p.photo.name for p in Product.objects.all()} == names
