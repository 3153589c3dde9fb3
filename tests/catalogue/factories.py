import datetime
from decimal import Decimal

import factory

from catalogue.models import Category, Product
from catalogue.services.stock import stock_receive
from catalogue.text import search_normalise
from tests.factories import ProducerFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Rayon {n}")
    slug = factory.Sequence(lambda n: f"rayon-{n}")


class CertifiedProducerFactory(ProducerFactory):
    organic_certifier = "FR-BIO-01"
    organic_certificate_number = factory.Sequence(lambda n: f"CERT-{n:04d}")
    organic_certificate_valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))
    search_text = factory.LazyAttribute(lambda o: search_normalise(o.name))


class ProductFactory(factory.django.DjangoModelFactory):
    """A product; `stock=N` receives N units through the ledger service."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    producer = factory.SubFactory(ProducerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Produit {n}")
    slug = factory.Sequence(lambda n: f"produit-{n}")
    unit_price = Decimal("2.50")
    organic = False
    description = ""
    search_text = factory.LazyAttribute(lambda o: search_normalise(o.name, o.description))

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if create and extracted:
            stock_receive(product_id=self.pk, quantity=Decimal(extracted))
