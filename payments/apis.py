"""The payments API: Stripe's webhook (signed by Stripe, no user authentication)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.fields import StrictBooleanField
from ecopole.core.schema import error_responses

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
