"""Cabas bio: offers (subscriptions, compositions and deliveries are made by the services in the tests)."""

from decimal import Decimal

import factory

from baskets.models import BasketOffer, BasketSize


class BasketOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BasketOffer
        django_get_or_create = ("slug",)

    name = "Petit cabas"
    slug = "petit-cabas"
    size = BasketSize.SMALL
    price = Decimal("12.00")
    solidarity_price = Decimal("6.00")
    indicative_weight = Decimal("3.000")
