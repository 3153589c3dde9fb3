import contextlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError
from ecopole.core.formats import display_decimal


class InsufficientStock(ApplicationError):
    """Raised with `product`, `product_name`, `requested`, `available` and, for several lines, `shortages`."""

    code = "insufficient_stock"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Not enough stock for “{product_name}”: {available} left, {requested} requested.")

    def message_values(self) -> dict[str, Any]:
        # `fields` keeps the ledger's text ("0.000"); the sentence reads « 0 restant(s), 1,5 demandé(s) ».
        values = super().message_values()
        for key in ("available", "requested"):
            with contextlib.suppress(KeyError, InvalidOperation):
                values[key] = display_decimal(Decimal(str(values[key])))
        return values


class InvalidStockQuantity(ApplicationError):
    code = "invalid_stock_quantity"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A stock movement needs a non-zero quantity.")


class OrganicCertificateRequired(ApplicationError):
    code = "organic_certificate_required"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("“{producer_name}” has no valid organic certificate: its products cannot be sold as organic.")


class ProductNameTaken(ApplicationError):
    code = "product_name_taken"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("“{producer_name}” already has a product named “{name}”.")


class ImportInvalid(ApplicationError):
    """`rows` maps a line number of the file (the header is line 1) to that row's field errors."""

    code = "import_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The price list was not imported: {error_count} row(s) have errors. Nothing was changed.")


class ImportFileUnreadable(ApplicationError):
    code = "import_file_unreadable"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The file cannot be read as a CSV price list: {reason}")


class ImportAlreadyApplied(ApplicationError):
    code = "import_already_applied"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This exact price list was already imported for this producer on {imported_at}.")


class PhotoTooLarge(ApplicationError):
    code = "photo_too_large"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The photo weighs {size_mb} MB; the limit is {max_mb} MB.")


class PhotoInvalid(ApplicationError):
    code = "photo_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The file is not a JPEG, PNG or WebP image.")
