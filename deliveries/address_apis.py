"""HTTP edge of a customer's saved addresses, under `/api/v1/auth/me/addresses/` (the account's own resources).

A customer reaches only their own addresses: anybody else's is 404. Each write is one service of
`services.addresses` (geocoded before its transaction, zones checked)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.fields import StrictBooleanField, StrictCharField, StrictDecimalField, StrictIntegerField
from ecopole.core.schema import error_responses

from . import selectors
from .services.addresses import saved_address_create, saved_address_delete, saved_address_update

TAGS = ["auth"]


class SavedAddressInputSerializer(serializers.Serializer):
    label = StrictCharField(max_length=60, help_text="A name for the address, e.g. Maison.")
    street = StrictCharField(max_length=255, help_text="Number and street, as the customer types them.")
    postcode = StrictCharField(max_length=5, required=False, allow_blank=True, default="")
    commune = StrictCharField(max_length=100)
    is_default = StrictBooleanField(required=False, default=False)


class SavedAddressSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    label = StrictCharField(read_only=True)
    street = StrictCharField(read_only=True)
    postcode = StrictCharField(read_only=True)
    commune = StrictCharField(read_only=True)
    latitude = StrictDecimalField(max_digits=9, decimal_places=6, read_only=True)
    longitude = StrictDecimalField(max_digits=9, decimal_places=6, read_only=True)
    is_default = StrictBooleanField(read_only=True)


REFUSALS = (
    "Refusals besides `validation_error`: 400 `outside_delivery_zone`, `coordinates_outside_zone`; 409 "
    "`address_limit_reached`; 422 `address_not_found`, `address_ambiguous` (`fields.choices`); 503 "
    "`geocoder_unavailable`. The coordinates come from the geocoder (Base Adresse Nationale), never from the client."
)


class SavedAddressListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_addresses_list",
        summary="My saved delivery addresses, the default first",
        responses={200: SavedAddressSerializer(many=True), **error_responses(401)},
    )
    def get(self, request):
        addresses = selectors.saved_address_list(customer=request.user)
        return Response(SavedAddressSerializer(addresses, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_addresses_create",
        summary="Save a delivery address (geocoded, checked against the delivery zones)",
        description=REFUSALS,
        request=SavedAddressInputSerializer,
        responses={201: SavedAddressSerializer, **error_responses(400, 401, 409, 422, 503)},
    )
    def post(self, request):
        serializer = SavedAddressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = saved_address_create(customer=request.user, **serializer.validated_data)
        return Response(SavedAddressSerializer(address).data, status=status.HTTP_201_CREATED)


class SavedAddressDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_addresses_retrieve",
        summary="One of my saved addresses",
        responses={200: SavedAddressSerializer, **error_responses(401, 404)},
    )
    def get(self, request, address_id: int):
        address = selectors.saved_address_get(customer=request.user, address_id=address_id)
        return Response(SavedAddressSerializer(address).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_addresses_update",
        summary="Change one of my saved addresses",
        description=REFUSALS,
        request=SavedAddressInputSerializer,
        responses={200: SavedAddressSerializer, **error_responses(400, 401, 404, 422, 503)},
    )
    def put(self, request, address_id: int):
        serializer = SavedAddressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = saved_address_update(customer=request.user, address_id=address_id, **serializer.validated_data)
        return Response(SavedAddressSerializer(address).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_addresses_delete",
        summary="Delete one of my saved addresses",
        responses={204: None, **error_responses(401, 404)},
    )
    def delete(self, request, address_id: int):
        saved_address_delete(customer=request.user, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
