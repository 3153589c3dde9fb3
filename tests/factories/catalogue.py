"""Catalogue: producers, categories, products."""

import datetime
from decimal import Decimal

import factory

from catalogue.models import Category, Producer, Product, Unit
from catalogue.services.stock import stock_receive
from catalogue.text import search_normalise


class ProducerFactory(factory.django.DjangoModelFactory):
    """A producer; `certified=True` gives it an organic certificate valid for a year."""

    class Meta:
        model = Producer
        django_get_or_create = ("slug",)

    class Params:
        certified = factory.Trait(
            organic_certifier="FR-BIO-01",
            organic_certificate_number=factory.Sequence(lambda n: f"CERT-{n:04d}"),
            organic_certificate_valid_until=factory.LazyFunction(
                lambda: datetime.date.today() + datetime.timedelta(days=365)
            ),
            search_text=factory.LazyAttribute(lambda o: search_normalise(o.name)),
        )

    name = factory.Sequence(lambda n: f"Ferme de test {n}")
    slug = factory.Sequence(lambda n: f"ferme-de-test-{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Rayon {n}")
    slug = factory.Sequence(lambda n: f"rayon-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """A product sold by the kilogram at 2.50 €; `stock=N` receives N units through the ledger service.

    Named variants (traits), for the kinds of product the apps' tests use:
    `piece` (a grocery item, 2.00 € the piece), `jar` (a workshop jar, 4.50 €, in "Conserves"),
    `bunch` (a vending machine's "botte de légumes", 2.50 €), `vegetable` (a basket vegetable, 3.00 €/kg, in
    "Légumes").
    """

    class Meta:
        model = Product
        skip_postgeneration_save = True

    class Params:
        piece = factory.Trait(unit=Unit.PIECE, unit_price=Decimal("2.00"), vat_rate=Decimal("5.50"))
        jar = factory.Trait(
            unit=Unit.JAR,
            unit_price=Decimal("4.50"),
            category=factory.SubFactory(CategoryFactory, name="Conserves", slug="conserves"),
        )
        bunch = factory.Trait(
            unit=Unit.BUNCH,
            vat_rate=Decimal("5.50"),
            name=factory.Sequence(lambda n: f"Botte de légumes {n}"),
            slug=factory.Sequence(lambda n: f"botte-de-legumes-{n}"),
            category=factory.SubFactory(CategoryFactory, name="Légumes (distributeur)", slug="legumes-distributeur"),
        )
        vegetable = factory.Trait(
            unit=Unit.KG,
            unit_price=Decimal("3.00"),
            name=factory.Sequence(lambda n: f"Légume {n}"),
            slug=factory.Sequence(lambda n: f"legume-{n}"),
            category=factory.SubFactory(CategoryFactory, name="Légumes", slug="legumes"),
        )

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
