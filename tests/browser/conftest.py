"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server on the test database.

Playwright's own browser download cannot reach its server from here, so the tests launch `/usr/bin/chromium`
(Debian's `chromium` package, which .ci/run installs when it is missing; `CHROMIUM` overrides the path).
Screenshots of every step go to var/screenshots/ (`SCREENSHOT_DIR` overrides it), kept as CI artefacts.
axe-core is vendored in tests/browser/vendor/ (see VERSION.txt there) so the check needs no network.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from catalogue.demo_photos import draw_photo
from catalogue.services.photos import producer_photo_set, product_photo_set

# Playwright's sync API runs an event loop in the test thread; the test itself only uses the ORM to set data up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", settings.VAR_DIR / "screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": PHONE, "timezone_id": "Europe/Paris"}


def axe_violations(page) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


# The controls of the page that stick out of the window sideways (visually hidden ones, 1 px wide, left aside).
CONTROLS_OUTSIDE_JS = """() => [...document.querySelectorAll('button, select, textarea, input:not([type=hidden])')]
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 1 && (box.left < 0 || box.right > window.innerWidth))
  .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.innerText || el.name || el.id).trim()}" ${box.left}–${box.right}`)"""


def assert_fits_phone(page, name: str) -> None:
    """At the phone's width the page does not scroll sideways and every button or field is inside the window."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: the page scrolls sideways ({width[0]} px wide in a {width[1]} px window)"
    assert page.evaluate(CONTROLS_OUTSIDE_JS) == [], f"{name}: controls outside the window"


def check_page(page, name: str, *, fits_phone: bool = False) -> None:
    """Screenshots of the page on a phone and on a desktop, and no serious or critical axe violation on either;
    with `fits_phone`, also `assert_fits_phone` on the phone."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{safe}-{label}.png"), full_page=True)
        violations = axe_violations(page)
        assert violations == [], f"{name} ({label}): " + json.dumps(violations, indent=1, ensure_ascii=False)
        if fits_phone and size == PHONE:
            assert_fits_phone(page, name)
    page.set_viewport_size(PHONE)


@pytest.fixture
def shop_photos(shop_catalogue):
    """The small shop's products and producer with drawn photos, as in the demo."""
    for key, product in shop_catalogue.items():
        upload = ContentFile(draw_photo(title=product.name, colour_key=key), name="photo.png")
        if key == "garden":
            shop_catalogue[key] = producer_photo_set(producer=product, upload=upload)
        else:
            shop_catalogue[key] = product_photo_set(product=product, upload=upload)
    return shop_catalogue
