"""Photos of products and producers: what an upload must be, where it is stored, the renditions pages show.

One check (`photo_check`) serves the API (an `ApplicationError`, 400 with a code) and the admin (the model field's
validator turns it into a form error). The renditions are django-imagekit specs with fixed sizes (crop to fill),
generated once when the photo is saved (`GenerateOnSave`, the `IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY`) and then assumed
present, so a page knows their width and height without opening a file and shows N photos with no query.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFill
from PIL import Image, UnidentifiedImageError

from .errors import PhotoInvalid, PhotoTooLarge

# Pillow format name → extension of the stored original.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Refuse images whose pixel count would need hundreds of MB to decode (a "decompression bomb").
PHOTO_MAX_PIXELS = 40_000_000
MEGABYTE = Decimal(1024 * 1024)
CARD_SIZE = (400, 300)
LARGE_SIZE = (800, 600)


class GenerateOnSave:
    """django-imagekit cache-file strategy: a saved photo (re)makes its renditions at once; a page never checks that
    they exist. imagekit's own `Optimistic` skips the generation when its state cache remembers a rendition of the
    same name, and names here come from the photo's content: a rendition deleted from disk would never come back."""

    def on_source_saved(self, file):
        file.generate(force=True)

    def should_verify_existence(self, file):
        return False


class CardRendition(ImageSpec):
    processors = [ResizeToFill(*CARD_SIZE)]
    format = "JPEG"
    options = {"quality": 82, "optimize": True}


class LargeRendition(ImageSpec):
    processors = [ResizeToFill(*LARGE_SIZE)]
    format = "JPEG"
    options = {"quality": 85, "optimize": True}


def rendition_url(model, name: str, rendition: str = "card") -> str:
    """The URL of a stored photo's rendition known only by the photo's name (a `values()` row of `model`): the same
    as `instance.photo_card.url` (or `photo_large`), without building the instance. The rendition's name comes from
    the source's name and the spec (imagekit's namer), so it changes when the photo does."""
    field = model._meta.get_field("photo")
    spec_field = getattr(model, "photo_large" if rendition == "large" else "photo_card")
    return ImageCacheFile(spec_field.get_spec(source=field.attr_class(None, field, name))).url


def photo_check(upload) -> str:
    """The upload's format (a key of PHOTO_FORMATS) if it is a JPEG, PNG or WebP image within PHOTO_MAX_BYTES;
    otherwise `PhotoTooLarge` or `PhotoInvalid`. The content decides, never the file name or the declared type."""
    max_bytes = settings.PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise PhotoTooLarge(
            size_mb=(Decimal(upload.size) / MEGABYTE).quantize(Decimal("0.1")),
            max_mb=(Decimal(max_bytes) / MEGABYTE).quantize(Decimal("0.1")),
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise PhotoInvalid()
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoInvalid() from exc
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise PhotoInvalid()
    return image_format


def validate_photo(upload) -> None:
    """Model field validator: the admin's form shows the same French message as the API."""
    if upload is None or getattr(upload, "_committed", True):
        return  # the photo already stored, not a new upload
    try:
        photo_check(upload)
    except (PhotoTooLarge, PhotoInvalid) as exc:
        raise ValidationError(str(exc.detail), code=exc.code) from exc


def product_photo_path(instance, filename: str) -> str:
    return f"photos/products/{instance.slug or 'product'}-{uuid.uuid4().hex[:8]}.{_extension(filename)}"


def producer_photo_path(instance, filename: str) -> str:
    return f"photos/producers/{instance.slug or 'producer'}-{uuid.uuid4().hex[:8]}.{_extension(filename)}"


def _extension(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return extension if extension in PHOTO_FORMATS.values() else "jpg"
