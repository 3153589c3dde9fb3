from catalogue.season import (
    ALL_MONTHS,
    allergens_to_mask,
    mask_to_allergens,
    mask_to_months,
    month_range,
    months_to_mask,
)
from catalogue.text import search_normalise


def test_search_normalise_strips_accents_ligatures_and_case():
    assert search_normalise("Épinards") == "epinards"
    assert search_normalise("  Œufs  de   la Ferme ", "Brêmes") == "oeufs de la ferme bremes"
    assert search_normalise("Ilôt Jacquard", None, "") == "ilot jacquard"


def test_seasons_wrap_over_the_new_year_and_round_trip():
    assert month_range(9, 4) == [9, 10, 11, 12, 1, 2, 3, 4]
    assert month_range(5, 5) == [5]
    assert mask_to_months(months_to_mask([12, 1])) == [1, 12]
    assert months_to_mask(range(1, 13)) == ALL_MONTHS


def test_the_fourteen_eu_allergens_round_trip():
    codes = ["gluten", "crustaceans", "eggs", "fish", "peanuts", "soybeans", "milk"]
    codes += ["nuts", "celery", "mustard", "sesame", "sulphites", "lupin", "molluscs"]
    assert mask_to_allergens(allergens_to_mask(codes)) == codes
    assert allergens_to_mask(codes) == 2**14 - 1
    assert mask_to_allergens(allergens_to_mask(["sesame", "gluten"])) == ["gluten", "sesame"]
