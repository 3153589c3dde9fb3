"""JSON types by explicit fields (issue 15.4): the project's serializers declare the strict fields of
`ecopole.core.fields`, its ModelSerializers generate them, nothing patches DRF, and the system check core.E002 refuses
a writable plain DRF field in any serializer the URLconf reaches."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import MeSerializer
from ecopole.core.checks import lax_fields, strict_fields_check
from ecopole.core.fields import (
    INT32_MAX,
    INT32_MIN,
    QueryIntegerField,
    StrictBigIntegerField,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictEmailField,
    StrictFloatField,
    StrictIntegerField,
)
from ecopole.core.serializers import StrictModelSerializer
from vending.models import Machine


def _refused(field: serializers.Field, value) -> str:
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation(value)
    return refused.value.detail[0].code


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (StrictCharField(), 0),
        (StrictCharField(), True),
        (StrictEmailField(), 12),
        (StrictIntegerField(), "3"),
        (StrictIntegerField(), 3.0),
        (StrictIntegerField(), True),
        (StrictBigIntegerField(), "3"),
        (StrictFloatField(), "2.5"),
        (StrictFloatField(), False),
        (StrictDecimalField(max_digits=5, decimal_places=2), 2.5),
        (StrictDecimalField(max_digits=5, decimal_places=2), 2),
        (StrictDecimalField(max_digits=5, decimal_places=2), "1e2"),
        (StrictDecimalField(max_digits=5, decimal_places=2), " 2.50"),
        (StrictBooleanField(), "true"),
        (StrictBooleanField(), 1),
        (StrictDateField(), 20260101),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused(field, value):
    assert _refused(field, value) == "invalid"


def test_values_of_the_right_json_type_are_taken():
    assert StrictCharField().run_validation("0") == "0"
    assert StrictIntegerField().run_validation(3) == 3
    assert StrictFloatField().run_validation(2) == 2.0
    assert StrictDecimalField(max_digits=5, decimal_places=2).run_validation("2.50") == Decimal("2.50")
    assert StrictBooleanField().run_validation(False) is False
    assert StrictDateField().run_validation("2099-12-31") == date(2099, 12, 31)


def test_a_decimal_refused_says_it_wants_a_string():
    field = StrictDecimalField(max_digits=5, decimal_places=2)
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation(2.5)
    assert "2.50" in str(refused.value.detail[0])


def test_integers_are_bounded_to_32_bits_unless_the_field_says_otherwise():
    assert (StrictIntegerField().min_value, StrictIntegerField().max_value) == (INT32_MIN, INT32_MAX)
    assert StrictIntegerField(min_value=1).min_value == 1
    assert _refused(StrictIntegerField(), INT32_MAX + 1) == "max_value"
    assert _refused(StrictBigIntegerField(), INT32_MIN - 1) == "min_value"


@pytest.mark.parametrize("field_class", [StrictDateField, StrictDateTimeField])
@pytest.mark.parametrize("value", ["1999-12-31", "2100-01-01", "9999-12-31T23:00:00-05:00"])
def test_dates_are_bounded_to_2000_2099(field_class, value):
    if field_class is StrictDateField and "T" in value:
        value = value[:10]
    # (DRF itself refuses the date-time whose conversion to Europe/Paris overflows, as "overflow")
    assert _refused(field_class(), value) in {"date_range", "overflow"}


def test_a_query_integer_is_text_of_ascii_digits():
    assert QueryIntegerField().run_validation("12") == 12
    assert _refused(QueryIntegerField(), "²") == "invalid"


def test_drf_itself_is_not_patched():
    # the strictness is the project's fields', not a change to DRF's classes (other code may rely on DRF's coercion)
    assert serializers.CharField().run_validation(0) == "0"
    assert serializers.IntegerField().run_validation("3") == 3
    assert serializers.IntegerField().max_value is None
    assert serializers.BooleanField().run_validation("yes") is True


def test_a_model_serializer_of_the_project_generates_strict_fields():
    fields = MeSerializer().fields
    assert type(fields["full_name"]) is StrictCharField

    class MachineSerializer(StrictModelSerializer):
        class Meta:
            model = Machine
            fields = ["name", "freshness_days", "is_active"]

    generated = MachineSerializer().fields
    assert type(generated["name"]) is StrictCharField
    assert type(generated["freshness_days"]) is StrictIntegerField
    assert generated["freshness_days"].max_value == 32767  # the column's bounds, not the 32-bit default
    assert type(generated["is_active"]) is StrictBooleanField
    assert _refused(generated["freshness_days"], "3") == "invalid"


# --- The system check -----------------------------------------------------------------------------------------


class LaxLineSerializer(serializers.Serializer):
    product = serializers.IntegerField()


class LaxInputSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=5, decimal_places=2)
    lines = LaxLineSerializer(many=True)
    tags = serializers.ListField(child=serializers.CharField())
    note = StrictCharField()
    total = serializers.IntegerField(read_only=True)  # output only: typed by the code, never coerced


class LaxMachineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Machine
        fields = ["name"]


class LaxApi(APIView):
    @extend_schema(request=LaxInputSerializer, responses={200: LaxMachineSerializer})
    def post(self, request):
        return Response({})

    @extend_schema(request=LaxMachineSerializer, responses={200: LaxMachineSerializer})
    def put(self, request):
        return Response({})


urlpatterns = [path("api/v1/lax/", LaxApi.as_view())]


def test_every_serializer_of_the_api_declares_strict_fields():
    # the check runs with --deploy (CI); here on the project's URLconf
    assert lax_fields() == []
    assert strict_fields_check() == []


def test_a_plain_drf_field_in_a_serializer_of_the_urlconf_fails_the_check(settings):
    # given an endpoint whose serializers use DRF's own fields, declared or generated by DRF's ModelSerializer
    settings.ROOT_URLCONF = __name__
    # when the check runs
    errors = strict_fields_check()
    # then each writable plain field is an error naming where it is and what to use instead
    assert {error.id for error in errors} == {"core.E002"}
    found = {path: (lax.__name__, strict.__name__) for path, lax, strict in lax_fields()}
    assert found == {
        "LaxInputSerializer.quantity": ("DecimalField", "StrictDecimalField"),
        "LaxInputSerializer.lines[].product": ("IntegerField", "StrictIntegerField"),
        "LaxInputSerializer.tags[]": ("CharField", "StrictCharField"),
        "LaxMachineSerializer.name": ("CharField", "StrictCharField"),
    }
    assert (
        "StrictDecimalField"
        in errors[[e.msg.startswith("LaxInputSerializer.quantity") for e in errors].index(True)].hint
    )
