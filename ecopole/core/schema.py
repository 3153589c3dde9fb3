"""OpenAPI helpers: every endpoint documents the shared error body for its error statuses."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.text import capfirst
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from .fields import StrictCharField

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": StrictCharField(help_text="Stable machine-readable code, e.g. `insufficient_stock`."),
        "detail": StrictCharField(help_text="Human-readable message, in French unless Accept-Language says."),
        "fields": serializers.DictField(help_text="Per-field errors or structured facts about the error."),
    },
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Invalid input (`validation_error` or a domain code).",
        401: "Not authenticated.",
        403: "Not allowed for this role.",
        404: "Not found, or not yours.",
        409: "Conflicts with the current state (e.g. `insufficient_stock`).",
        413: "Request body too large.",
        422: "Unprocessable (e.g. `idempotency_key_reused`).",
        429: "Too many requests; see Retry-After.",
        503: "Busy; try again.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions.get(code, "")) for code in statuses}


def model_label(model, name: str):
    """The label a ModelSerializer gives a model field (its verbose name, lazily translated): plain serializers use
    it so that their schema keeps the titles the ModelSerializers gave."""
    return capfirst(model._meta.get_field(name).verbose_name)


def postprocess_schema(result, generator, request, public):
    """drf-spectacular post-processing hook: the bounds of `ecopole.core.fields` in every schema of the document.

    - `format: date` and `format: date-time` take the pattern of the years the API accepts (2000 to 2099), in bodies,
      responses and parameters alike (every date input is bounded the same way);
    - `format: decimal` strings take the pattern the API checks (`fields.decimal_pattern`);
    - `format: time` is RFC 3339's full time, which requires an offset; the API writes local times of day
      ("07:00:00", Europe/Paris), so the format gives way to a pattern that says so.
    """
    from .fields import DATE_PATTERN, DATETIME_PATTERN, TIME_PATTERN, decimal_pattern

    spectacular_decimal = re.compile(r"^\^-\?\\d\{0,(\d+)\}(?:\(\?:\\\.\\d\{0,(\d+)\}\)\?)?\$$")

    def visit(node):
        if isinstance(node, dict):
            if node.get("type") == "string":
                kind = node.get("format")
                if kind == "time":
                    del node["format"]
                    node.setdefault("pattern", TIME_PATTERN)
                elif kind == "date":
                    node.setdefault("pattern", DATE_PATTERN)
                elif kind == "date-time":
                    node.setdefault("pattern", DATETIME_PATTERN)
                elif kind == "decimal" and (match := spectacular_decimal.match(node.get("pattern", ""))):
                    # drf-spectacular's pattern matches "" and "-"; the API's (`fields.StrictDecimalField`) does not.
                    places = int(match.group(2) or 0)
                    node["pattern"] = decimal_pattern(int(match.group(1)) + places, places)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result.get("paths", {}))
    visit(result.get("components", {}))
    _document_401_everywhere(result.get("paths", {}))
    return result


_METHODS = {"get", "put", "post", "patch", "delete"}


def _document_401_everywhere(paths: dict) -> None:
    """Every operation may answer 401: DRF authenticates a request that carries an `Authorization` (or machine key)
    header before it looks at the permission, so a public operation called with an invalid or revoked token is a
    401 `authentication_failed`. The operations that declare no 401 get the error body under that code."""
    operations = [op for item in paths.values() for method, op in item.items() if method in _METHODS]
    template = next((op["responses"]["401"] for op in operations if "401" in op.get("responses", {})), None)
    if template is None:
        return
    for op in operations:
        op.setdefault("responses", {}).setdefault(
            "401",
            {
                **template,
                "description": "Authentication failed: a token was sent and is invalid or revoked (the operation "
                "itself is open without one).",
            },
        )


# The serializer fields the schema maps while `fields_mapped()` is open (the strict-fields check reads them).
_fields_mapped: ContextVar[list | None] = ContextVar("fields_mapped", default=None)


@contextmanager
def fields_mapped() -> Iterator[list]:
    """Collects every serializer field that a schema generation inside the block maps: request and response bodies,
    serializers exploded into query parameters, nested serializers and list items."""
    fields: list = []
    token = _fields_mapped.set(fields)
    try:
        yield fields
    finally:
        _fields_mapped.reset(token)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, plus the item bounds of `Serializer(many=True, min_length=…, max_length=…)`
    (drf-spectacular documents them for a ListField, not for a list of serializers), and the real shape of a date
    written in another format than ISO 8601 (`DateField(format="%Y-%m")` writes "2026-12", not a `format: date`)."""

    def _map_model_field(self, model_field, direction):
        # drf-spectacular types a model field it meets outside a serializer's fields (the key behind a relation)
        # through DRF's own ModelSerializer; ecopole.core.serializers.StrictModelSerializer would give an integer
        # the bounds of a StrictIntegerField.
        from .fields import INT32_MAX, INT32_MIN

        schema = super()._map_model_field(model_field, direction)
        if isinstance(schema, dict) and schema.get("type") == "integer":
            schema.setdefault("maximum", INT32_MAX)
            schema.setdefault("minimum", INT32_MIN)
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if (mapped := _fields_mapped.get()) is not None:
            mapped.append(field)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.DateField)
            and isinstance(schema, dict)
            and schema.get("format") == "date"
            and getattr(field, "format", None) not in (None, "iso-8601", "%Y-%m-%d")
        ):
            from .fields import MONTH_PATTERN

            del schema["format"]
            schema.pop("pattern", None)
            if field.format == "%Y-%m":
                schema["pattern"] = MONTH_PATTERN
        if isinstance(field, serializers.ListSerializer) and isinstance(schema, dict) and schema.get("type") == "array":
            if getattr(field, "max_length", None) is not None:
                schema["maxItems"] = field.max_length
            minimum = max(getattr(field, "min_length", None) or 0, 0 if field.allow_empty else 1)
            if minimum:
                schema["minItems"] = minimum
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and isinstance(schema, dict)
            and "enum" in schema
            and "" not in schema["enum"]
            and _model_field_is_blank(field)
        ):
            # DRF drops `allow_blank` from a read-only model field, but the value read can still be "".
            schema["enum"] = [*schema["enum"], ""]
        return schema


def _model_field_is_blank(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except Exception:  # not a model field (a property, an annotation)
        return False
