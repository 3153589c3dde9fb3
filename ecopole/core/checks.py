"""System checks of ecopole.core (registered in `CoreConfig.ready()`)."""

from __future__ import annotations

from django.core import checks


def lax_fields() -> list[tuple[str, type, type]]:
    """The writable fields of every serializer the URLconf's OpenAPI schema reaches (bodies, query parameters, nested
    serializers, list items) that are a plain DRF field where `ecopole.core.fields` has a strict one: as
    (`Serializer.field` path, the field's class, the strict class to use), sorted by path."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from .fields import STRICT_FIELDS, QueryField
    from .schema import fields_mapped

    strict = (*STRICT_FIELDS.values(), QueryField)
    found: dict[str, tuple[str, type, type]] = {}
    with fields_mapped() as fields, GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    for field in fields:
        if getattr(field, "parent", None) is None:
            continue  # built by drf-spectacular itself, e.g. a path parameter typed from its model field
        if field.read_only or isinstance(field, strict):
            continue
        lax = next((cls for cls in type(field).__mro__ if cls in STRICT_FIELDS), None)
        if lax is not None:
            path = field_path(field)
            found[path] = (path, type(field), STRICT_FIELDS[lax])
    return sorted(found.values())


def field_path(field) -> str:
    """`OrderInputSerializer.lines[].quantity`: the root serializer's class name, then the field names down to it."""
    from rest_framework import serializers

    names = []
    node = field
    while (parent := getattr(node, "parent", None)) is not None:
        if isinstance(parent, serializers.ListField | serializers.ListSerializer | serializers.DictField):
            names.append("[]")
        else:
            names.append(f".{node.field_name}")
        node = parent
    return type(node).__name__ + "".join(reversed(names))


def strict_fields_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """core.E002: a writable field of the API is a plain DRF field, which coerces JSON types ("3" → 3, 0 → "0")."""
    return [
        checks.Error(
            f'{path} is DRF\'s {lax.__name__}, which coerces JSON types ("3" becomes 3, 0 becomes "0").',
            hint=(
                f"Declare ecopole.core.fields.{strict.__name__} (a ModelSerializer subclasses "
                "ecopole.core.serializers.StrictModelSerializer)."
            ),
            id="core.E002",
        )
        for path, lax, strict in lax_fields()
    ]
