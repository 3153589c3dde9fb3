"""Pictures for the demo, drawn with Pillow at seed time (nothing can be downloaded): a card in the colour of the
product's category with a round shape and the product's initial, so every product of the demo shop has a photo."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

# Background and shape colours per category slug; anything else gets a colour derived from its slug.
PALETTE = {
    "legumes": ((46, 106, 46), (143, 196, 96)),
    "fruits": ((160, 42, 42), (240, 150, 90)),
    "conserves": ((138, 75, 20), (232, 184, 88)),
    "pain": ((150, 100, 40), (238, 208, 150)),
    "epicerie-seche": ((90, 70, 120), (200, 170, 230)),
    "oeufs-produits-fermiers": ((120, 90, 40), (250, 230, 190)),
}
SIZE = (800, 600)


def _colours(slug: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    if slug in PALETTE:
        return PALETTE[slug]
    digest = hashlib.sha256(slug.encode()).digest()
    base = (40 + digest[0] % 100, 60 + digest[1] % 90, 40 + digest[2] % 100)
    return base, tuple(min(255, c + 110) for c in base)


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # an old Pillow or no FreeType: the bitmap font, small but legible
        return ImageFont.load_default()


def draw_photo(*, title: str, colour_key: str) -> bytes:
    """A PNG of 800×600: the shape and the initial of `title` on the colour of `colour_key`."""
    background, shape = _colours(colour_key)
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    seed = hashlib.sha256(title.encode()).digest()
    cx, cy, r = 400 + seed[0] % 80 - 40, 290 + seed[1] % 40 - 20, 190 + seed[2] % 40
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=shape)
    draw.ellipse((cx + r // 3, cy - r - 30, cx + r // 3 + 70, cy - r + 40), fill=(70, 150, 60))  # a leaf
    initial = (title.strip()[:1] or "?").upper()
    draw.text((cx, cy), initial, font=_font(240), fill=background, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
