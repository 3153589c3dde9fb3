"""The project's ModelSerializer: the fields it generates from a model are the strict fields of
`ecopole.core.fields`, as the fields a serializer declares are."""

from rest_framework import serializers

from .fields import STRICT_FIELDS


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        model_field: STRICT_FIELDS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
