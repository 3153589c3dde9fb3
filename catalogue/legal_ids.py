"""A producer's legal identifiers, checked with python-stdnum: the SIRET (14 digits, Luhn) and the intra-EU VAT
number (its country's check digits). Stored compact ("FR44732829320"); a wrong one is refused with a French message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret


def _compact(value: str) -> str:
    """Spaces, dots, dashes and slashes people type removed, upper case; validity is the validators' business."""
    return "".join(ch for ch in (value or "") if ch not in " .-/\t").upper()


def siret_normalise(value: str) -> str:
    return _compact(value)


def vat_number_normalise(value: str) -> str:
    return _compact(value)


def validate_siret(value: str) -> None:
    if not value:
        return
    try:
        siret.validate(value)
    except StdnumError:
        raise ValidationError(
            _("“%(value)s” is not a valid SIRET: 14 digits with a valid check digit."),
            code="invalid_siret",
            params={"value": value},
        ) from None


def validate_vat_number(value: str) -> None:
    if not value:
        return
    try:
        vat.validate(value)
    except StdnumError:
        raise ValidationError(
            _("“%(value)s” is not a valid intra-EU VAT number (for France: FR, 2 check digits, the 9-digit SIREN)."),
            code="invalid_vat_number",
            params={"value": value},
        ) from None
