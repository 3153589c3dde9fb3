"""JSON bodies are typed as the OpenAPI schema says: a string field takes a string, a number field a number.

DRF coerces by default (`"phone": 0` becomes "0", `"quantity": "3"` becomes 3, `"organic": "yes"` becomes True),
so a client bug passes silently and the published schema lies. The API accepts JSON bodies only (settings), so
strictness costs nothing to a well-behaved client. Decimal fields (money, weights) take a string such as "2.80",
as the schema states (`type: string, format: decimal`), so that no amount ever travels as a binary float.

Applied once at start-up by `CoreConfig.ready()`; query parameters (always strings) are not affected.

Bounds (see `ecopole.core.fields`): an IntegerField declared without bounds is bounded to a 32-bit column, and
every DateField / DateTimeField refuses a date outside 2000-01-01..2099-12-31 (no OverflowError in date maths).
"""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .fields import DATE_RANGE_MESSAGE, INT32_MAX, INT32_MIN, date_in_range, decimal_pattern

_installed = False


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _bounded(to_internal):
    def to_internal_value(self, data):
        try:
            value = to_internal(self, data)
        except OverflowError:  # 9999-12-31T23:00-05:00 in Europe/Paris
            self.fail("date_range")
        if not date_in_range(value):
            self.fail("date_range")
        return value

    return to_internal_value


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True

    char_to_internal = serializers.CharField.to_internal_value

    def char_to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return char_to_internal(self, data)

    serializers.CharField.to_internal_value = char_to_internal_value

    int_to_internal = serializers.IntegerField.to_internal_value

    def int_to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return int_to_internal(self, data)

    serializers.IntegerField.to_internal_value = int_to_internal_value

    int_init = serializers.IntegerField.__init__

    def int_init_bounded(self, **kwargs):
        kwargs.setdefault("min_value", INT32_MIN)
        kwargs.setdefault("max_value", INT32_MAX)
        int_init(self, **kwargs)

    serializers.IntegerField.__init__ = int_init_bounded

    for field_class in (serializers.DateField, serializers.DateTimeField):
        field_class.default_error_messages = {**field_class.default_error_messages, "date_range": DATE_RANGE_MESSAGE}
        field_class.to_internal_value = _bounded(field_class.to_internal_value)

    float_to_internal = serializers.FloatField.to_internal_value

    def float_to_internal_value(self, data):
        if not _is_number(data):
            self.fail("invalid")
        return float_to_internal(self, data)

    serializers.FloatField.to_internal_value = float_to_internal_value

    decimal_to_internal = serializers.DecimalField.to_internal_value

    def decimal_to_internal_value(self, data):
        # The text itself, as the schema's pattern says: no exponent, no spaces, no leading zeros past the digits.
        if not isinstance(data, str) or not re.match(decimal_pattern(self.max_digits, self.decimal_places), data):
            self.fail("invalid")
        return decimal_to_internal(self, data)

    serializers.DecimalField.to_internal_value = decimal_to_internal_value
    serializers.DecimalField.default_error_messages = {
        **serializers.DecimalField.default_error_messages,
        "invalid": _('A decimal number written as a string is required, e.g. "2.50".'),
    }

    bool_to_internal = serializers.BooleanField.to_internal_value

    def bool_to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return bool_to_internal(self, data)

    serializers.BooleanField.to_internal_value = bool_to_internal_value
