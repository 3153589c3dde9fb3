"""Payments: voucher partners."""

import factory

from payments.models import VoucherPartner


class VoucherPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoucherPartner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"CCAS de test {n}")
