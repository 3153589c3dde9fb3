"""Bounds shared by every input of the API, so that no value reaches Python's date maths or a database column out
of range (a 500), and so that the OpenAPI schema says the same as the code.

- Dates and date-times: between `DATE_MIN` and `DATE_MAX` (years 2000 to 2099). Every DRF `DateField` and
  `DateTimeField` checks it (`strict_types.install`), query parameters too; the schema says it with a pattern
  (`schema.postprocess_schema` adds `DATE_PATTERN` to every `format: date`, `DATETIME_PATTERN` to `date-time`).
- Integers: every DRF `IntegerField` without its own bounds is bounded to a 32-bit column (`INT32_MIN`..`INT32_MAX`);
  a field that writes a narrower column takes the column's bounds with `column_bounds(Model, "field")`.
- Query parameters are text: `QueryIntegerField` takes ASCII digits only ("²".isdigit() is True, int("²") fails).
"""

from __future__ import annotations

import datetime as dt

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


class QueryIntegerField(serializers.IntegerField):
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
