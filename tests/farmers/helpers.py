"""Helpers of the farmers' space tests."""

from __future__ import annotations

from tests.processing.helpers import THURSDAY_MORNING, make_booking, paris  # noqa: F401  (re-exported)

# The pages of the space that take no object id.
SPACE_PAGES = [
    "/producteurs/",
    "/producteurs/atelier/",
    "/producteurs/reservations/",
    "/producteurs/lots/",
    "/producteurs/calendrier/",
]
