"""Writes of a customer's saved addresses (`SavedAddress`): create, update, delete.

An address is geocoded and checked against the delivery zones (`places.home_address_locate`) before the
transaction opens (the online geocoder is a network call): what is saved has the BAN's coordinates, postcode and
commune spelling, and a commune a zone serves; the street stays as typed. Each entry service runs in its own durable
transaction and locks the customer's row first, so the limit of `ADDRESSES_MAX` and the one default hold under
concurrent requests. Another customer's address is `not_found` (404), as if it did not exist.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one

from ..errors import AddressLimitReached
from ..models import SavedAddress
from .places import home_address_locate

ADDRESSES_MAX = 10


def _lock_customer(customer) -> None:
    lock_one(get_user_model().objects.all(), pk=customer.pk)


def _owned(*, customer, address_id: int) -> SavedAddress:
    address = SavedAddress.objects.filter(pk=address_id, customer=customer).first()
    if address is None:
        raise NotFound()
    return address


def _make_default(address: SavedAddress) -> None:
    SavedAddress.objects.filter(customer_id=address.customer_id, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )


def saved_address_create(
    *, customer, label: str, street: str, postcode: str, commune: str, is_default: bool = False
) -> SavedAddress:
    """Save a new address for `customer`: geocoded and in a zone (`outside_delivery_zone`, `address_not_found`,
    `address_ambiguous`, `geocoder_unavailable`), at most `ADDRESSES_MAX` (`address_limit_reached`). The first
    address, or one saved as default, becomes the default (the previous default is unset in the same transaction)."""
    found = home_address_locate(street=street, postcode=postcode, commune=commune)
    with transaction.atomic(durable=True):
        _lock_customer(customer)
        count = SavedAddress.objects.filter(customer=customer).count()
        if count >= ADDRESSES_MAX:
            raise AddressLimitReached(limit=ADDRESSES_MAX)
        address = SavedAddress(
            customer=customer,
            label=label.strip(),
            street=street.strip(),
            postcode=found.postcode,
            commune=found.commune,
            citycode=found.citycode,
            latitude=found.latitude,
            longitude=found.longitude,
            is_default=is_default or count == 0,
        )
        if address.is_default:
            SavedAddress.objects.filter(customer=customer, is_default=True).update(is_default=False)
        address.save()
    return address


def saved_address_update(
    *, customer, address_id: int, label: str, street: str, postcode: str, commune: str, is_default: bool = False
) -> SavedAddress:
    """Change one of `customer`'s addresses (`not_found` for anybody else's). A changed street, postcode or commune
    is geocoded and checked again; an unchanged one keeps its coordinates. Made default, it unsets the previous
    one; the default stays the default (a customer with addresses always has one)."""
    current = _owned(customer=customer, address_id=address_id)
    typed = (street.strip(), postcode.strip(), commune.strip())
    found = None
    if typed != (current.street, current.postcode, current.commune):
        found = home_address_locate(street=street, postcode=postcode, commune=commune)
    with transaction.atomic(durable=True):
        _lock_customer(customer)
        address = _owned(customer=customer, address_id=address_id)
        address.label = label.strip()
        address.street = typed[0]
        if found is not None:
            address.postcode, address.commune, address.citycode = found.postcode, found.commune, found.citycode
            address.latitude, address.longitude = found.latitude, found.longitude
        address.is_default = address.is_default or is_default
        if address.is_default:
            _make_default(address)
        address.save()
    return address


def saved_address_delete(*, customer, address_id: int) -> None:
    """Delete one of `customer`'s addresses (`not_found` for anybody else's). Deleting the default makes the most
    recently saved other address the default."""
    with transaction.atomic(durable=True):
        _lock_customer(customer)
        address = _owned(customer=customer, address_id=address_id)
        was_default = address.is_default
        address.delete()
        if was_default:
            successor = SavedAddress.objects.filter(customer=customer).order_by("-created_at", "-pk").first()
            if successor is not None:
                successor.is_default = True
                successor.save(update_fields=["is_default", "updated_at"])
