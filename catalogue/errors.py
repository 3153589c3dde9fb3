from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class InsufficientStock(ApplicationError):
    """Raised with `product`, `product_name`, `requested`, `available` and, for several lines, `shortages`."""

    code = "insufficient_stock"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Not enough stock for “{product_name}”: {available} left, {requested} requested.")


class InvalidStockQuantity(ApplicationError):
    code = "invalid_stock_quantity"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A stock movement needs a non-zero quantity.")
