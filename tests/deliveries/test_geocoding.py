"""The geocoder port: the offline table of the BAN's CSV (accent-insensitive, abbreviations, a number the street
does not have) and the BAN's public API replaced at the HTTP layer (timeouts, 5xx and bad bodies are
`geocoder_unavailable`); the import command (idempotent, bad lines reported)."""

import gzip
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from deliveries.errors import AddressAmbiguous, AddressNotFound, GeocoderUnavailable
from deliveries.geocoding import SAMPLE_CSV, address_geocode, address_normalise, address_suggest, ban_import
from deliveries.models import BanAddress

from .geocoding_fixtures import ban_feature

pytestmark = pytest.mark.django_db


# --- Offline -----------------------------------------------------------------------------------------------------


def test_normalised_forms_ignore_case_accents_punctuation_and_abbreviations():
    assert address_normalise("12, R. de l'Église") == "12 rue de l eglise"
    assert address_normalise("VIEILLE-ÉGLISE") == "vieille eglise"
    assert address_normalise("5 bis Bd Jacquard") == "5 bis boulevard jacquard"


def test_offline_geocoding_is_accent_and_case_insensitive(ban_sample):
    row = BanAddress.objects.get(id="62849_0010_00004")  # 4 Rue de l'Église, Vieille-Église
    found = address_geocode(street="4 rue de l'eglise", postcode="", commune="vieille eglise")
    assert found.label == "4 Rue de l'Église 62162 Vieille-Église"
    assert (found.street, found.postcode, found.commune, found.citycode) == (
        "4 Rue de l'Église",
        "62162",
        "Vieille-Église",
        "62849",
    )
    assert (found.latitude, found.longitude) == (row.latitude, row.longitude)
    assert found.kind == "housenumber" and found.score == 1.0


def test_offline_geocoding_reads_the_repetition_index_and_abbreviations(ban_sample):
    found = address_geocode(street="5 BIS R DE L EGLISE", postcode="62162", commune="Vieille-Eglise")
    assert found.street == "5 bis Rue de l'Église"
    assert found.latitude == BanAddress.objects.get(id="62849_0010_00005_bis").latitude


def test_the_commune_decides_between_streets_of_the_same_name(ban_sample):
    vieille = address_geocode(street="4 rue de l'église", commune="Vieille-Église")
    audruicq = address_geocode(street="4 rue de l'église", commune="Audruicq")
    assert (vieille.postcode, audruicq.postcode) == ("62162", "62370")
    assert vieille.latitude != audruicq.latitude


def test_a_number_the_street_does_not_have_gives_the_street(ban_sample):
    found = address_geocode(street="999 rue royale", commune="Calais")
    assert found.kind == "street" and found.street == "Rue Royale"
    assert Decimal("50.9") < found.latitude < Decimal("51.0")


@pytest.mark.parametrize(
    ("street", "postcode", "commune"),
    [
        ("12 rue de nulle part", "", "Calais"),  # no such street
        ("4 rue de l'église", "", "Lille"),  # no such commune in the table
        ("4 rue de l'église", "62100", "Vieille-Église"),  # the postcode is not the commune's
        ("   ", "", "Calais"),
    ],
)
def test_an_address_the_table_does_not_have_is_not_found(ban_sample, street, postcode, commune):
    with pytest.raises(AddressNotFound) as refused:
        address_geocode(street=street, postcode=postcode, commune=commune)
    assert refused.value.code == "address_not_found" and refused.value.status_code == 422


def test_not_found_reads_in_french(ban_sample):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(AddressNotFound) as refused:
        address_geocode(street="12 rue de nulle part", postcode="62100", commune="Calais")
    assert refused.value.detail == (
        "Adresse introuvable : « 12 rue de nulle part, 62100 Calais ». Vérifiez le numéro, la rue, le code postal "
        "et la commune."
    )


def test_suggestions_as_the_customer_types(ban_sample):
    labels = [a.label for a in address_suggest(text="4 rue de l'eglise vieille eg")]
    assert labels[0] == "4 Rue de l'Église 62162 Vieille-Église"
    streets = [a.label for a in address_suggest(text="boulevard jacq")]
    assert streets == ["Boulevard Jacquard 62100 Calais"]
    assert address_suggest(text="zz") == []
    assert address_suggest(text="rue qui n existe pas") == []
    assert len(address_suggest(text="4 rue", limit=3)) == 3


# --- Online: the BAN's API over HTTP ------------------------------------------------------------------------------


def test_online_geocoding_asks_the_ban_api_and_reads_its_geojson(fake_ban):
    fake_ban.features = [
        ban_feature("12 Rue Royale 62100 Calais", lat=50.9541, lon=1.8571, score=0.96),
        ban_feature("12 Rue Royale 62340 Guînes", lat=50.87, lon=1.87, score=0.6, postcode="62340", city="Guînes"),
    ]
    found = address_geocode(street="12 rue royale", postcode="62100", commune="Calais")
    assert found.label == "12 Rue Royale 62100 Calais"
    assert (found.latitude, found.longitude) == (Decimal("50.954100"), Decimal("1.857100"))
    assert found.citycode == "62193" and found.score == 0.96
    assert fake_ban.paths == ["/search/"]
    assert fake_ban.queries == [{"q": "12 rue royale Calais", "postcode": "62100", "limit": "5", "autocomplete": "0"}]


def test_online_results_of_another_commune_or_too_low_are_not_the_address(fake_ban):
    fake_ban.features = [
        ban_feature("12 Rue Royale 62340 Guînes", lat=50.87, lon=1.87, score=0.9, postcode="62340", city="Guînes"),
        ban_feature("Calais", lat=50.95, lon=1.85, score=0.95, kind="municipality"),
        ban_feature("Rue Rouge 62100 Calais", lat=50.95, lon=1.85, score=0.31, kind="street"),
    ]
    with pytest.raises(AddressNotFound):
        address_geocode(street="12 rue royale", postcode="", commune="Calais")


def test_two_streets_scoring_alike_are_ambiguous_with_the_choices(fake_ban):
    fake_ban.features = [
        ban_feature("3 Rue de la Mer 62100 Calais", lat=50.96, lon=1.85, score=0.81),
        ban_feature("3 Ruelle de la Mer 62100 Calais", lat=50.961, lon=1.851, score=0.80),
    ]
    with pytest.raises(AddressAmbiguous) as refused:
        address_geocode(street="3 r de la mer", postcode="62100", commune="Calais")
    assert refused.value.status_code == 422
    assert refused.value.extra["choices"] == ["3 Rue de la Mer 62100 Calais", "3 Ruelle de la Mer 62100 Calais"]


def test_online_suggestions_use_autocomplete(fake_ban):
    fake_ban.features = [ban_feature("12 Rue Royale 62100 Calais", lat=50.9541, lon=1.8571)]
    assert [a.label for a in address_suggest(text="12 rue roy")] == ["12 Rue Royale 62100 Calais"]
    assert fake_ban.queries[-1] == {"q": "12 rue roy", "limit": "5", "autocomplete": "1"}


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_an_online_error_is_geocoder_unavailable(fake_ban, status):
    fake_ban.status = status
    with pytest.raises(GeocoderUnavailable) as refused:
        address_geocode(street="12 rue royale", postcode="62100", commune="Calais")
    assert refused.value.code == "geocoder_unavailable" and refused.value.status_code == 503


def test_an_online_timeout_is_geocoder_unavailable_within_the_timeout(fake_ban):
    import time

    fake_ban.delay = 2.0  # GEOCODER_TIMEOUT_SECONDS is 0.5 in the fixture
    started = time.monotonic()
    with pytest.raises(GeocoderUnavailable):
        address_suggest(text="12 rue royale")
    assert time.monotonic() - started < 1.5


def test_a_body_that_is_not_the_ban_geojson_is_geocoder_unavailable(fake_ban):
    fake_ban.body = b"<html>maintenance</html>"
    with pytest.raises(GeocoderUnavailable):
        address_geocode(street="12 rue royale", postcode="62100", commune="Calais")


def test_a_refused_connection_is_geocoder_unavailable(settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(GeocoderUnavailable):
        address_geocode(street="12 rue royale", postcode="62100", commune="Calais")


def test_a_query_the_api_refuses_gives_no_suggestion(fake_ban):
    fake_ban.status = 400
    assert address_suggest(text="12 rue royale") == []


# --- The import --------------------------------------------------------------------------------------------------


def test_the_import_is_idempotent_and_updates_what_changed(tmp_path):
    first = ban_import(SAMPLE_CSV)
    assert first.saved == first.read == 567 and first.rejected == []
    before = BanAddress.objects.count()
    # a newer file moves one address
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[2].split(";")
    row[13] = "50.925000"  # lat
    newer = tmp_path / "adresses-62.csv.gz"
    with gzip.open(newer, "wt", encoding="utf-8") as handle:
        handle.write("\n".join([header, ";".join(row)]) + "\n")

    second = ban_import(SAMPLE_CSV)
    ban_import(newer)

    assert second.saved == 567 and BanAddress.objects.count() == before
    assert BanAddress.objects.get(id=row[0]).latitude == Decimal("50.925000")


def test_bad_lines_are_reported_and_skipped(tmp_path, capsys):
    header = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()[0]
    good = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()[1]
    no_lat = good.split(";")
    no_lat[13] = ""
    bad_postcode = good.split(";")
    bad_postcode[0], bad_postcode[5] = "62849_0010_99999", "6216"
    path = tmp_path / "adresses.csv"
    path.write_text("\n".join([header, good, ";".join(no_lat), ";".join(bad_postcode), "trop;court"]) + "\n")

    call_command("import_ban", str(path))

    out, err = capsys.readouterr()
    assert "import_ban: 1 adresses enregistrées, 3 lignes ignorées" in out
    assert "ligne 3 ignorée : lat vide" in err
    assert "ligne 4 ignorée : code_postal invalide : '6216'" in err
    assert "ligne 5 ignorée" in err
    assert BanAddress.objects.count() == 1


def test_a_file_without_the_ban_columns_is_refused(tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("a;b\n1;2\n")
    with pytest.raises(CommandError, match="Colonnes manquantes"):
        call_command("import_ban", str(path))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_ban", str(tmp_path / "absent.csv"))
    assert not BanAddress.objects.exists()
