"""Geocoding French addresses with the Base Adresse Nationale (BAN): the port and its two implementations.

A customer types an address, never a latitude. `address_geocode(street=, postcode=, commune=)` turns it into a
`GeocodedAddress` (the BAN's label and spelling, INSEE code, coordinates, score) or refuses it with a typed error:
`AddressNotFound` (422 `address_not_found`), `AddressAmbiguous` (422 `address_ambiguous`, with the choices) or
`GeocoderUnavailable` (503 `geocoder_unavailable`). `address_suggest(text)` lists the addresses a partly typed text
may mean (the shop's suggestions as the customer types).

Two implementations behind the same functions, chosen by the setting `GEOCODER_URL`:
- set (e.g. `https://api-adresse.data.gouv.fr`): the BAN's public API, `GET {GEOCODER_URL}/search/?q=…&postcode=…`,
  a GeoJSON FeatureCollection; `GEOCODER_TIMEOUT_SECONDS` bounds each call, and a timeout, a refused connection, a
  5xx, a 429 or a body that is not the expected JSON is `geocoder_unavailable`;
- empty (the default): the table `BanAddress`, filled from the BAN's open CSV of a département by
  `manage.py import_ban` (`ban_import` below), searched on forms stored lower-cased and unaccented at import, so
  "rue de l'eglise vieille eglise" finds « Rue de l'Église, Vieille-Église ».

Both pick the answer the same way (`_pick`): the best candidate if its score reaches `MIN_SCORE`, unless another
street scores within `AMBIGUITY_MARGIN` of it (then the customer chooses). Nothing here writes but the import; no
call is made inside a transaction by the services that use it (they geocode before they open theirs).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import transaction
from django.db.models import Avg, Q

from .errors import AddressAmbiguous, AddressNotFound, GeocoderUnavailable
from .models import BanAddress

# Below this score (0-1) a candidate is not the address typed.
MIN_SCORE = 0.5
# Another street within this margin of the best one: the customer chooses.
AMBIGUITY_MARGIN = 0.05
SUGGEST_MAX = 10
QUANTIZE = Decimal("0.000001")


@dataclass(frozen=True)
class GeocodedAddress:
    """An address as the BAN knows it. `street` is the number and street ("12 Rue de l'Église"); `kind` is
    "housenumber" (the door) or "street" (the street's middle, when the number is unknown)."""

    label: str
    street: str
    postcode: str
    commune: str
    citycode: str
    latitude: Decimal
    longitude: Decimal
    score: float
    kind: str = "housenumber"
    street_name: str = field(default="", compare=False)


class Geocoder(Protocol):
    def geocode(self, *, street: str, postcode: str, commune: str) -> list[GeocodedAddress]: ...

    def suggest(self, *, text: str, limit: int) -> list[GeocodedAddress]: ...


# --- The port ---------------------------------------------------------------------------------------------------


def geocoder() -> Geocoder:
    """The online BAN when `GEOCODER_URL` is set (read per call: tests switch it), else the imported table."""
    if settings.GEOCODER_URL:
        return BanApiGeocoder(base_url=settings.GEOCODER_URL, timeout=settings.GEOCODER_TIMEOUT_SECONDS)
    return BanTableGeocoder()


def address_geocode(*, street: str, postcode: str = "", commune: str) -> GeocodedAddress:
    """The one address meant by `street`, `postcode` (may be empty) and `commune`.

    Raises `AddressNotFound` when no candidate of that postcode and commune scores `MIN_SCORE`, `AddressAmbiguous`
    when two streets score alike, `GeocoderUnavailable` when the online geocoder fails. Reads only."""
    typed = ", ".join(part for part in (street.strip(), f"{postcode.strip()} {commune.strip()}".strip()) if part)
    if not address_normalise(street) or not address_normalise(commune):
        raise AddressNotFound(address=typed)
    candidates = geocoder().geocode(street=street, postcode=postcode.strip(), commune=commune)
    return _pick(candidates, typed=typed)


def address_suggest(*, text: str, limit: int = 5) -> list[GeocodedAddress]:
    """At most `limit` addresses that `text` (typed so far) may mean, best first; [] for under 3 letters."""
    if len(address_normalise(text).replace(" ", "")) < 3:
        return []
    return geocoder().suggest(text=text, limit=max(1, min(limit, SUGGEST_MAX)))


def _pick(candidates: list[GeocodedAddress], *, typed: str) -> GeocodedAddress:
    ranked = sorted((c for c in candidates if c.score >= MIN_SCORE), key=lambda c: -c.score)
    if not ranked:
        raise AddressNotFound(address=typed)
    best = ranked[0]
    rivals = [
        c
        for c in ranked[1:]
        if best.score - c.score < AMBIGUITY_MARGIN and _street_key(c) != _street_key(best) and best.score < 0.99
    ]
    if rivals:
        raise AddressAmbiguous(address=typed, choices=[best.label, *dict.fromkeys(c.label for c in rivals)])
    return best


def _street_key(found: GeocodedAddress) -> tuple[str, str]:
    return address_normalise(found.street_name or found.street), found.citycode


# --- Text -------------------------------------------------------------------------------------------------------

# Abbreviations of the French postal norm that people type, expanded before comparing.
_ABBREVIATIONS = {
    "r": "rue",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "pl": "place",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "rte": "route",
    "st": "saint",
    "ste": "sainte",
    "fg": "faubourg",
    "sq": "square",
    "res": "residence",
    "gal": "general",
    "gen": "general",
}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_REPETITIONS = {"bis", "ter", "quater", "quinquies"}
_NUMBER = re.compile(r"^(\d{1,5})(?: ?(bis|ter|quater|quinquies|[a-z])(?= |$))? ?(.*)$")


def address_normalise(text: str | None) -> str:
    """Lower-case, unaccented, punctuation as spaces, abbreviations expanded: "12, R. de l'Église" → "12 rue de l
    eglise". The form stored at import and compared at search."""
    text = unicodedata.normalize("NFKD", str(text or "").translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def _split_number(street: str) -> tuple[int | None, str, str]:
    """ "12 bis rue de l eglise" → (12, "bis", "rue de l eglise"); no number → (None, "", the text)."""
    match = _NUMBER.match(street)
    if not match:
        return None, "", street
    number, repetition, rest = match.groups()
    if repetition and repetition not in _REPETITIONS and not rest:
        return int(number), "", f"{repetition} {rest}".strip()
    return int(number), repetition or "", rest


def _decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(QUANTIZE)


# --- Offline: the imported BAN table ----------------------------------------------------------------------------


def _row_address(row: BanAddress, *, score: float) -> GeocodedAddress:
    number = f"{row.number}{' ' + row.repetition if row.repetition else ''}"
    street = f"{number} {row.street}"
    return GeocodedAddress(
        label=f"{street} {row.postcode} {row.commune}",
        street=street,
        postcode=row.postcode,
        commune=row.commune,
        citycode=row.citycode,
        latitude=row.latitude,
        longitude=row.longitude,
        score=round(score, 4),
        kind="housenumber",
        street_name=row.street,
    )


def _street_address(street: dict, *, score: float) -> GeocodedAddress:
    return GeocodedAddress(
        label=f"{street['street']} {street['postcode']} {street['commune']}",
        street=street["street"],
        postcode=street["postcode"],
        commune=street["commune"],
        citycode=street["citycode"],
        latitude=_decimal(street["lat"]),
        longitude=_decimal(street["lon"]),
        score=round(score, 4),
        kind="street",
        street_name=street["street"],
    )


_STREET_TYPES = {
    "rue",
    "ruelle",
    "avenue",
    "boulevard",
    "place",
    "chemin",
    "impasse",
    "allee",
    "route",
    "quai",
    "square",
    "faubourg",
    "residence",
    "sentier",
    "voie",
    "cours",
    "passage",
    "cite",
    "hameau",
    "lotissement",
    "grande",
}
_ARTICLES = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en"}


def _street_parts(name: str) -> tuple[str, str]:
    """ "rue de l eglise" → ("rue", "eglise"): the street's type and its significant words."""
    words = name.split()
    kind = " ".join(w for w in words if w in _STREET_TYPES)
    core = " ".join(w for w in words if w not in _STREET_TYPES and w not in _ARTICLES)
    return kind, core


def street_similarity(typed: str, known: str) -> float:
    """0-1: how well the typed street (normalised) names a known one. The significant words weigh 85 %, the type of
    street (rue, avenue…) the rest, so "rue de nulle part" is not "rue de Vic" and "r Jacquard" is close to
    "boulevard Jacquard"."""
    typed_kind, typed_core = _street_parts(typed)
    known_kind, known_core = _street_parts(known)
    if not typed_core or not known_core:
        return SequenceMatcher(None, typed, known).ratio()
    core = SequenceMatcher(None, typed_core, known_core).ratio()
    kind = 1.0 if typed_kind == known_kind else 0.5 if not typed_kind else 0.0
    return round(0.85 * core + 0.15 * kind, 4)


class BanTableGeocoder:
    """Searches `BanAddress`: the streets of the commune (and postcode) most alike by trigrams, scored on their
    significant words (`street_similarity`), then the number on each. A number the street does not have gives the
    street's middle, scored lower."""

    STREET_CANDIDATES = 10
    STREET_MIN_SIMILARITY = 0.6

    def geocode(self, *, street: str, postcode: str, commune: str) -> list[GeocodedAddress]:
        number, repetition, name = _split_number(address_normalise(street))
        rows = BanAddress.objects.filter(commune_search=address_normalise(commune))
        if postcode:
            rows = rows.filter(postcode=postcode)
        if not name:
            return []
        streets = (
            rows.values("street_search", "street", "postcode", "commune", "citycode")
            .annotate(trigrams=TrigramSimilarity("street_search", name), lat=Avg("latitude"), lon=Avg("longitude"))
            .filter(trigrams__gte=0.15)
            .order_by("-trigrams", "street")[: self.STREET_CANDIDATES]
        )
        found = []
        for street_row in streets:
            similarity = street_similarity(name, street_row["street_search"])
            if similarity < self.STREET_MIN_SIMILARITY:
                continue
            door = None
            if number is not None:
                door = (
                    rows.filter(street_search=street_row["street_search"], number=number, repetition=repetition)
                    .order_by("pk")
                    .first()
                )
            if door is not None:
                found.append(_row_address(door, score=similarity))
            else:
                # The street without the door: good enough to check the zone and plan a round, scored lower.
                found.append(_street_address(street_row, score=similarity * (0.9 if number is None else 0.8)))
        return found

    def suggest(self, *, text: str, limit: int) -> list[GeocodedAddress]:
        normalised = address_normalise(text)
        number, repetition, rest = _split_number(normalised)
        words = [w for w in rest.split() if len(w) >= 2 or w.isdigit()]
        if not words:
            return []
        condition = Q()
        for word in words:
            condition &= Q(search__contains=word)
        rows = BanAddress.objects.filter(condition)
        if number is not None:
            rows = rows.filter(number=number)
            if repetition:
                rows = rows.filter(repetition=repetition)
            matches = rows.annotate(similarity=TrigramSimilarity("search", normalised)).order_by(
                "-similarity", "commune", "street", "repetition"
            )[:limit]
            return [_row_address(row, score=float(row.similarity)) for row in matches]
        streets = (
            rows.values("street_search", "street", "postcode", "commune", "citycode")
            .annotate(similarity=TrigramSimilarity("street_search", rest), lat=Avg("latitude"), lon=Avg("longitude"))
            .order_by("-similarity", "commune", "street")[:limit]
        )
        return [_street_address(street, score=float(street["similarity"])) for street in streets]


# --- Online: the BAN's public API -------------------------------------------------------------------------------


class BanApiGeocoder:
    """`GET {base_url}/search/` of the BAN's API (api-adresse.data.gouv.fr and its successors answer the same
    GeoJSON): `features[].properties` has label, score, type, housenumber, name, street, postcode, citycode, city;
    `features[].geometry.coordinates` is [longitude, latitude]."""

    KINDS = {"housenumber", "street"}

    def __init__(self, *, base_url: str, timeout: float) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in {"http", "https"}:
            raise GeocoderUnavailable()
        self.search_url = base_url.rstrip("/") + "/search/"
        self.timeout = timeout

    def geocode(self, *, street: str, postcode: str, commune: str) -> list[GeocodedAddress]:
        params = {"q": f"{street} {commune}".strip(), "limit": "5", "autocomplete": "0"}
        if postcode:
            params["postcode"] = postcode
        wanted = address_normalise(commune)
        return [found for found in self._search(params) if address_normalise(found.commune) == wanted]

    def suggest(self, *, text: str, limit: int) -> list[GeocodedAddress]:
        return self._search({"q": text.strip(), "limit": str(limit), "autocomplete": "1"})[:limit]

    def _search(self, params: dict[str, str]) -> list[GeocodedAddress]:
        url = f"{self.search_url}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (http(s) only)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(2_000_000)
        except urllib.error.HTTPError as error:
            if error.code == 400:  # the API's answer to a query it cannot use (too short, bad characters)
                return []
            raise GeocoderUnavailable(status=error.code) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GeocoderUnavailable() from error
        try:
            features = json.loads(body)["features"]
            return [found for found in map(self._feature, features) if found is not None]
        except (ValueError, KeyError, TypeError) as error:
            raise GeocoderUnavailable() from error

    def _feature(self, feature: dict) -> GeocodedAddress | None:
        props = feature["properties"]
        if props.get("type") not in self.KINDS:
            return None
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        try:
            lat, lon = _decimal(latitude), _decimal(longitude)
        except InvalidOperation:
            return None
        return GeocodedAddress(
            label=str(props["label"]),
            street=str(props.get("name") or ""),
            postcode=str(props.get("postcode") or ""),
            commune=str(props.get("city") or ""),
            citycode=str(props.get("citycode") or ""),
            latitude=lat,
            longitude=lon,
            score=float(props.get("score") or 0),
            kind=str(props["type"]),
            street_name=str(props.get("street") or props.get("name") or ""),
        )


# --- Import of the BAN's CSV ------------------------------------------------------------------------------------

BAN_COLUMNS = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat")
IMPORT_BATCH = 2000


@dataclass
class BanImportReport:
    read: int = 0
    saved: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason), the first 100


def _open_csv(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _ban_row(line: dict) -> BanAddress:
    """One CSV line as a row; ValueError with the reason when a field is missing or wrong."""
    for column in BAN_COLUMNS:
        if not (line.get(column) or "").strip() and column != "rep":
            raise ValueError(f"{column} vide")
    postcode, citycode = line["code_postal"].strip(), line["code_insee"].strip()
    if not re.fullmatch(r"\d{5}", postcode):
        raise ValueError(f"code_postal invalide : {postcode!r}")
    if not re.fullmatch(r"\d[\dAB]\d{3}", citycode):
        raise ValueError(f"code_insee invalide : {citycode!r}")
    try:
        number = int(line["numero"])
        lat, lon = _decimal(line["lat"]), _decimal(line["lon"])
    except (ValueError, InvalidOperation) as error:
        raise ValueError("numero, lat ou lon illisible") from error
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or number < 0:
        raise ValueError("coordonnées ou numéro hors bornes")
    street, commune, repetition = line["nom_voie"].strip(), line["nom_commune"].strip(), (line["rep"] or "").strip()
    if len(line["id"]) > 60 or len(street) > 200 or len(commune) > 100 or len(repetition) > 10:
        raise ValueError("champ trop long")
    street_search = address_normalise(street)
    return BanAddress(
        id=line["id"].strip(),
        number=number,
        repetition=repetition.lower(),
        street=street,
        postcode=postcode,
        citycode=citycode,
        commune=commune,
        latitude=lat,
        longitude=lon,
        street_search=street_search,
        commune_search=address_normalise(commune),
        search=" ".join(
            part
            for part in (str(number), repetition.lower(), street_search, postcode, address_normalise(commune))
            if part
        ),
    )


def _batches(lines: Iterable[dict], report: BanImportReport) -> Iterator[list[BanAddress]]:
    batch: dict[str, BanAddress] = {}
    for number, line in enumerate(lines, start=2):  # line 1 is the header
        report.read += 1
        try:
            row = _ban_row(line)
        except (ValueError, KeyError, AttributeError, TypeError) as error:
            if len(report.rejected) < 100:
                report.rejected.append((number, str(error)))
            continue
        batch[row.id] = row  # the last of a key repeated in one batch wins, as it would across batches
        if len(batch) >= IMPORT_BATCH:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


UPDATED_FIELDS = [
    "number",
    "repetition",
    "street",
    "postcode",
    "citycode",
    "commune",
    "latitude",
    "longitude",
    "street_search",
    "commune_search",
    "search",
]


def ban_import(path: Path | str) -> BanImportReport:
    """Load a BAN CSV (`adresses-62.csv` or `.csv.gz`, `;`-separated, UTF-8, with its header) into `BanAddress`.

    Idempotent: rows are upserted by their BAN key (`id`), so a second import of the same file changes nothing and
    a newer file updates the addresses it carries. Memory stays bounded: the file is streamed and written in
    batches of `IMPORT_BATCH`, each in its own transaction (an interrupted import leaves the batches done, and a
    rerun completes it). Lines that do not parse are skipped and reported (`rejected`: line number and reason)."""
    report = BanImportReport()
    with _open_csv(Path(path)) as handle:
        reader = csv.DictReader(handle, delimiter=";")
        missing = [c for c in BAN_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"Colonnes manquantes : {', '.join(missing)}")
        for batch in _batches(reader, report):
            with transaction.atomic():
                BanAddress.objects.bulk_create(
                    batch, update_conflicts=True, unique_fields=["id"], update_fields=UPDATED_FIELDS
                )
            report.saved += len(batch)
    return report


SAMPLE_CSV = Path(__file__).parent / "data" / "adresses-62-extrait.csv"
