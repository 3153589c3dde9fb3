"""The API's serializer fields, and the bounds shared by every input, so that no value reaches Python's date maths or a
database column out of range (a 500), and so that the OpenAPI schema says the same as the code.

- JSON bodies are typed as the schema says: DRF coerces by default (`"phone": 0` becomes "0", `"quantity": "3"`
  becomes 3, `"organic": "yes"` becomes True), so a client bug would pass silently and the published schema would
  lie. The `Strict*` fields below refuse the wrong JSON type: a string field takes a string, an integer field an
  integer, a boolean field a boolean. Decimal fields (money, weights) take a string such as "2.80", as the schema
  states (`type: string, format: decimal`), so that no amount ever travels as a binary float. The API accepts JSON
  bodies only (settings), so strictness costs nothing to a well-behaved client. Every serializer of the project
  declares them, `ecopole.core.serializers.StrictModelSerializer` maps model fields to them, and the system check
  `core.E002` (`ecopole.core.checks`) refuses a writable plain DRF field where a strict one exists.
- Dates and date-times: between `DATE_MIN` and `DATE_MAX` (years 2000 to 2099). `StrictDateField` and
  `StrictDateTimeField` check it, query parameters too; the schema says it with a pattern
  (`schema.postprocess_schema` adds `DATE_PATTERN` to every `format: date`, `DATETIME_PATTERN` to `date-time`).
- Integers: a `StrictIntegerField` without its own bounds is bounded to a 32-bit column (`INT32_MIN`..`INT32_MAX`);
  a field that writes a narrower column takes the column's bounds with `column_bounds(Model, "field")`.
- Query parameters are text, parsed on purpose by `QueryField` subclasses: `QueryIntegerField` takes ASCII digits
  only ("²".isdigit() is True, int("²") fails).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
_YEAR = r"20[0-9]{2}"
_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = rf"^{_YEAR}-{_DAY}$"
# The year only: the rest of a date-time is what `format: date-time` (RFC 3339) says.
DATETIME_PATTERN = rf"^{_YEAR}-{_DAY}T"
MONTH_PATTERN = rf"^{_YEAR}-(0[1-9]|1[0-2])$"
WEEK_PATTERN = rf"^({_YEAR})-W(0[1-9]|[1-4][0-9]|5[0-3])$"  # groups: year, week
# A time of day as the API writes it ("07:00:00"): RFC 3339's `format: time` would require an offset.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def decimal_pattern(max_digits: int | None, decimal_places: int | None) -> str:
    """A decimal written as the API takes it ("2.50", "-1", ".5"): at least one digit, no exponent nor spaces, at
    most `max_digits - decimal_places` digits before the point and `decimal_places` after it."""
    before = "+" if max_digits is None else f"{{1,{max_digits - (decimal_places or 0)}}}"
    after = "*" if decimal_places is None else f"{{0,{decimal_places}}}"
    after_one = "+" if decimal_places is None else f"{{1,{decimal_places}}}"
    if decimal_places == 0:
        return rf"^-?[0-9]{before}$"
    return rf"^-?([0-9]{before}(\.[0-9]{after})?|\.[0-9]{after_one})$"


# Free text written by users (descriptions, notes): bounded in the model, the serializer and the schema. Lists show
# the first `EXCERPT_LENGTH` characters (`excerpt`), the detail the whole text.
TEXT_MAX_LENGTH = 2000
EXCERPT_LENGTH = 200


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

DATE_RANGE_MESSAGE = _("Expected a date between 2000-01-01 and 2099-12-31.")


def date_in_range(value: dt.date | dt.datetime) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def column_bounds(model, name: str, **overrides) -> dict[str, int]:
    """`min_value`/`max_value` of a model's integer column (Django's validators carry the database range and the
    field's own limits), for a plain serializer field that writes it; `overrides` narrow them further."""
    bounds: dict[str, int] = {}
    for validator in model._meta.get_field(name).validators:
        limit = validator.limit_value() if callable(validator.limit_value) else validator.limit_value
        if isinstance(validator, validators.MinValueValidator):
            bounds["min_value"] = max(limit, bounds.get("min_value", limit))
        elif isinstance(validator, validators.MaxValueValidator):
            bounds["max_value"] = min(limit, bounds.get("max_value", limit))
    if "min_value" in overrides:
        bounds["min_value"] = max(overrides["min_value"], bounds.get("min_value", overrides["min_value"]))
    if "max_value" in overrides:
        bounds["max_value"] = min(overrides["max_value"], bounds.get("max_value", overrides["max_value"]))
    return bounds


# --- Strict JSON types ------------------------------------------------------------------------------------------


class StrictStringMixin:
    """A JSON string, never a number or a boolean turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


class StrictIPAddressField(StrictStringMixin, serializers.IPAddressField):
    pass


class StrictIntegerMixin:
    """A JSON integer (not "3", not 3.0, not true), bounded to a 32-bit column unless the field states its bounds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", INT32_MIN)
        kwargs.setdefault("max_value", INT32_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(StrictIntegerMixin, serializers.IntegerField):
    pass


class StrictBigIntegerField(StrictIntegerMixin, serializers.BigIntegerField):
    pass


class StrictFloatField(serializers.FloatField):
    """A JSON number, not a string or a boolean."""

    def to_internal_value(self, data):
        if not isinstance(data, int | float | Decimal) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal written as a JSON string, the text itself as the schema's pattern says (`decimal_pattern`): no
    exponent, no spaces, no more digits than the column holds."""

    default_error_messages = {"invalid": _('A decimal number written as a string is required, e.g. "2.50".')}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.match(decimal_pattern(self.max_digits, self.decimal_places), data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean, not "yes", 1 or "true"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class DateRangeMixin:
    """A date (or the day of a date-time) between `DATE_MIN` and `DATE_MAX`."""

    default_error_messages = {"date_range": DATE_RANGE_MESSAGE}

    def to_internal_value(self, data):
        try:
            value = super().to_internal_value(data)
        except OverflowError:  # 9999-12-31T23:00-05:00 in Europe/Paris
            self.fail("date_range")
        if not date_in_range(value):
            self.fail("date_range")
        return value


class StrictDateField(DateRangeMixin, serializers.DateField):
    pass


class StrictDateTimeField(DateRangeMixin, serializers.DateTimeField):
    pass


# Each DRF field and the project's strict field that replaces it. Fields that DRF already types (ChoiceField,
# ListField, DictField, TimeField, UUIDField, FileField, relations) have no strict twin.
STRICT_FIELDS: dict[type[serializers.Field], type[serializers.Field]] = {
    serializers.CharField: StrictCharField,
    serializers.EmailField: StrictEmailField,
    serializers.RegexField: StrictRegexField,
    serializers.SlugField: StrictSlugField,
    serializers.URLField: StrictURLField,
    serializers.IPAddressField: StrictIPAddressField,
    serializers.IntegerField: StrictIntegerField,
    serializers.BigIntegerField: StrictBigIntegerField,
    serializers.FloatField: StrictFloatField,
    serializers.DecimalField: StrictDecimalField,
    serializers.BooleanField: StrictBooleanField,
    serializers.DateField: StrictDateField,
    serializers.DateTimeField: StrictDateTimeField,
}


# --- Query parameters ---------------------------------------------------------------------------------------------


class QueryField:
    """A query-parameter field: the URL is text, which this field parses on purpose (the strict JSON types are for
    bodies). The strict-fields check accepts it in place of a strict field."""


class QueryIntegerField(QueryField, StrictIntegerField):
    """An integer query parameter: ASCII digits (text in the URL, parsed here), bounded like any integer."""

    def to_internal_value(self, data):
        text = str(data).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            self.fail("invalid")
        return super().to_internal_value(int(text))


class _BoundedFormDateField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if value is not None and not date_in_range(value):
            raise forms.ValidationError(DATE_RANGE_MESSAGE, code="date_range")


@extend_schema_field({"type": "string", "format": "date"})
class DateFilter(filters.DateFilter):
    """django-filter's DateFilter, bounded like every date of the API."""

    field_class = _BoundedFormDateField
