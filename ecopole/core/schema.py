"""OpenAPI helpers: every endpoint documents the shared error body for its error statuses."""

from django.utils.text import capfirst
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Stable machine-readable code, e.g. `insufficient_stock`."),
        "detail": serializers.CharField(help_text="Human-readable message, in French unless Accept-Language says."),
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
