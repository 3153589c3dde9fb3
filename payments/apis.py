"""The payments API: Stripe's webhook (signed by Stripe, no user authentication), the customer's own balance, and
jars returned (staff: at the counter, at a pickup point, to the driver)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.fields import StrictBooleanField
from ecopole.core.permissions import IsStaffMember
from ecopole.core.schema import error_responses

from .selectors import balance_entries, balance_of
from .serializers import BalanceSerializer, JarReturnInputSerializer, JarReturnSerializer
from .services.offline import jar_return_record
from .services.webhooks import stripe_webhook_receive

WebhookAnswer = inline_serializer(
    name="StripeWebhookAnswer", fields={"received": StrictBooleanField(), "replay": StrictBooleanField()}
)


class StripeWebhookApi(APIView):
    """Stripe calls this with each event; its signature (`Stripe-Signature`) is the only authentication."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["payments"],
        operation_id="payments_stripe_webhook",
        summary="Stripe's webhook: a signed event, applied once (a replay answers replay=true and changes nothing)",
        parameters=[OpenApiParameter("Stripe-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)],
        request=OpenApiTypes.OBJECT,
        responses={200: WebhookAnswer, **error_responses(400)},
        auth=[],
    )
    def post(self, request):
        record = stripe_webhook_receive(
            payload=request._request.body, signature=request.headers.get("Stripe-Signature", "")
        )
        return Response({"received": True, "replay": record is None})


class BalanceApi(APIView):
    """The signed-in customer's balance and its last entries (credits: refunds, vouchers, jars; debits: payments)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["payments"],
        operation_id="payments_balance_retrieve",
        summary="My balance and its last 50 entries, newest first",
        responses={200: BalanceSerializer, **error_responses(401)},
    )
    def get(self, request):
        entries = list(balance_entries(customer_id=request.user.pk).order_by("-created_at", "-pk")[:50])
        body = {"balance": balance_of(customer_id=request.user.pk), "entries": entries}
        return Response(BalanceSerializer(body).data)


class JarReturnApi(APIView):
    """Staff record jars a customer brought back; their deposit is credited to the customer's balance."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=["payments"],
        operation_id="payments_jar_returns_create",
        summary="Jars brought back (counter, pickup point, driver): the deposit credited to the customer's balance",
        request=JarReturnInputSerializer,
        responses={201: JarReturnSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        serializer = JarReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        jars = jar_return_record(
            customer_id=data["customer"],
            product_id=data["product"],
            quantity=data["quantity"],
            place=data["place"],
            actor=request.user,
        )
        jars.balance = balance_of(customer_id=jars.customer_id)
        return Response(JarReturnSerializer(jars).data, status=status.HTTP_201_CREATED)
