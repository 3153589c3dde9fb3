"""Writes of the product and producer photos."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model

from ecopole.core.audit import audit_record

from ..models import Producer, Product
from ..photos import PHOTO_FORMATS, photo_check


def _photo_set(obj: Model, *, upload, actor, action: str, folder: str) -> Model:
    """Check the upload by its content, store it under a name made of the owner's slug and the content's SHA-256
    (the same photo sent twice is stored once, a retry is a no-op), save the row (django-imagekit then makes the
    renditions, once) and audit the change in the same transaction. The file replaced is deleted only after the
    commit, so a failed save never leaves the row pointing at nothing."""
    image_format = photo_check(upload)
    content = upload.read()
    name = f"photos/{folder}/{obj.slug}-{hashlib.sha256(content).hexdigest()[:16]}.{PHOTO_FORMATS[image_format]}"
    old_name = obj.photo.name
    if old_name == name:
        return obj
    storage = obj.photo.storage
    with transaction.atomic():
        if not storage.exists(name):
            name = storage.save(name, ContentFile(content))
        obj.photo.name = name
        obj.save()
        audit_record(actor=actor, action=action, obj=obj, changes={"photo": [old_name or None, name]})
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return obj


def _photo_remove(obj: Model, *, actor, action: str) -> Model:
    old_name = obj.photo.name
    if not old_name:
        return obj
    storage = obj.photo.storage
    with transaction.atomic():
        obj.photo = ""
        obj.save()
        audit_record(actor=actor, action=action, obj=obj, changes={"photo": [old_name, None]})
    transaction.on_commit(lambda: storage.delete(old_name))
    return obj


def product_photo_set(*, product: Product, upload, actor=None) -> Product:
    """Replace the product's photo (`PhotoTooLarge`, `PhotoInvalid` leave it unchanged)."""
    return _photo_set(product, upload=upload, actor=actor, action="catalogue.product_photo_set", folder="products")


def product_photo_remove(*, product: Product, actor=None) -> Product:
    return _photo_remove(product, actor=actor, action="catalogue.product_photo_removed")


def producer_photo_set(*, producer: Producer, upload, actor=None) -> Producer:
    """Replace the producer's photo (`PhotoTooLarge`, `PhotoInvalid` leave it unchanged)."""
    return _photo_set(producer, upload=upload, actor=actor, action="catalogue.producer_photo_set", folder="producers")


def producer_photo_remove(*, producer: Producer, actor=None) -> Producer:
    return _photo_remove(producer, actor=actor, action="catalogue.producer_photo_removed")
