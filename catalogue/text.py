"""Text normalisation for accent-insensitive search ("epinard" finds "Épinards")."""

from __future__ import annotations

import unicodedata

# Ligatures that NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def search_normalise(*parts: str | None) -> str:
    """Lower-case, accents stripped, whitespace collapsed: the form stored in `search_text` and searched for."""
    text = " ".join(part for part in parts if part)
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())
