"""Proofs of delivery: who received a stop's goods, and a photo or a signature drawn on the driver's phone.

The files live in their own storage (`DELIVERY_PROOF_ROOT`), outside MEDIA_ROOT: no web server serves them and
they have no public URL. Django hands them out through an authorised view (`selectors.stop_proof_file`: the staff
who can see the round, the customers of the stop's orders). Names are random (uuid4), never the uploaded name.

`proof_prepare` checks and re-encodes an upload before any lock is taken: the content decides (Pillow), never the
name or the declared type; a photo loses its metadata (GPS position) and is scaled down to `PHOTO_MAX_SIDE`; a
signature is stored as PNG.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ProofIncomplete, ProofInvalid, ProofTooLarge

PROOF_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MAX_SIDE = 1600
MAX_PIXELS = 40_000_000
MEGABYTE = Decimal(1024 * 1024)
RECEIVED_BY_MAX = 120
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class ProofStorage(FileSystemStorage):
    """`DELIVERY_PROOF_ROOT`, read on each use (tests switch it); no `base_url`: a proof has no public URL."""

    @property
    def base_location(self):  # type: ignore[override]
        return str(settings.DELIVERY_PROOF_ROOT)

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Proofs of delivery have no public URL: use the authorised view.")


_storage = ProofStorage()


def proof_storage() -> ProofStorage:
    return _storage


def proof_upload_to(instance, filename: str) -> str:
    return f"{instance.round.date:%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


@dataclass(frozen=True)
class DeliveryProof:
    """What `stop_deliver` stores with the stop: already checked and re-encoded (`proof_prepare`)."""

    received_by: str
    photo: bytes | None = None  # JPEG
    signature: bytes | None = None  # PNG


def _size_check(data_size: int, part: str) -> None:
    max_bytes = settings.DELIVERY_PROOF_MAX_BYTES
    if data_size > max_bytes:
        raise ProofTooLarge(
            part=part,
            size_mb=(Decimal(data_size) / MEGABYTE).quantize(Decimal("0.1")),
            max_mb=(Decimal(max_bytes) / MEGABYTE).quantize(Decimal("0.1")),
        )


def _open(stream, part: str) -> Image.Image:
    try:
        stream.seek(0)
        with Image.open(stream) as probe:
            if probe.format not in PROOF_FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise ProofInvalid(part=part)
            probe.verify()
        stream.seek(0)
        image = Image.open(stream)
        image.load()
        return image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ProofInvalid(part=part) from exc


def photo_prepare(upload) -> bytes:
    """An uploaded file (JPEG, PNG or WebP, at most `DELIVERY_PROOF_MAX_BYTES`) → a JPEG without metadata."""
    _size_check(upload.size, "photo")
    image = ImageOps.exif_transpose(_open(upload, "photo"))
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def signature_prepare(data) -> bytes:
    """A signature: an uploaded PNG file, or the `data:image/png;base64,…` URL the page's canvas makes → a PNG."""
    if isinstance(data, str):
        text = data.strip()
        if text.startswith("data:"):
            header, _, text = text.partition(",")
            if header != "data:image/png;base64":
                raise ProofInvalid(part="signature")
        _size_check(len(text) * 3 // 4, "signature")
        try:
            stream = io.BytesIO(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise ProofInvalid(part="signature") from exc
    else:
        _size_check(data.size, "signature")
        stream = data
    image = _open(stream, "signature")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def proof_prepare(*, received_by: str, photo=None, signature=None) -> DeliveryProof:
    """The checked proof, or `ProofIncomplete` (no name, or neither photo nor signature), `ProofInvalid`,
    `ProofTooLarge`. Runs before the delivery's transaction: decoding images never holds a lock."""
    name = " ".join((received_by or "").split())[:RECEIVED_BY_MAX]
    if not name or (not photo and not signature):
        raise ProofIncomplete()
    return DeliveryProof(
        received_by=name,
        photo=photo_prepare(photo) if photo else None,
        signature=signature_prepare(signature) if signature else None,
    )
