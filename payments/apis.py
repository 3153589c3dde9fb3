"""The payments API: Stripe's webhook (signed by Stripe, no user authentication), the customer's own balance, jars
returned (staff: at the counter, at a pickup point, to the driver), food-aid vouchers (staff record them, the manager
downloads a partner's monthly statement; a voucher paying an order is recorded on the order, in orders' API)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.exceptions import NotFound
from ecopole.core.fields import MONTH_PATTERN, StrictBooleanField
from ecopole.core.permissions import IsManager, IsStaffMember
from ecopole.core.schema import error_responses

from .models import VoucherPartner
from .selectors import balance_entries, balance_of, voucher_statement_csv
from .serializers import (
    BalanceSerializer,
    JarReturnInputSerializer,
    JarReturnSerializer,
    StatementQuerySerializer,
    VoucherInputSerializer,
    VoucherPartnerSerializer,
    VoucherSerializer,
)
from .services.offline import jar_return_record, voucher_record
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


def voucher_answer(voucher) -> dict:
    """What staff see after recording a voucher: the part that paid, the part credited, the balance after."""
    paid = voucher.payment.amount if voucher.payment_id else Decimal("0.00")
    return VoucherSerializer(
        {
            "id": voucher.pk,
            "partner_id": voucher.partner_id,
            "number": voucher.number,
            "value": voucher.value,
            "customer_id": voucher.customer_id,
            "paid": paid,
            "credited": voucher.value - paid,
            "balance": balance_of(customer_id=voucher.customer_id),
            "received_at": voucher.received_at,
        }
    ).data


class VoucherPartnerListApi(APIView):
    """The partners whose food-aid vouchers the Ecopôle accepts (a CCAS, an association)."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=["payments"],
        operation_id="payments_voucher_partners_list",
        summary="Staff: the voucher partners, active first",
        responses={200: VoucherPartnerSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        partners = VoucherPartner.objects.order_by("-is_active", "name")
        return Response(VoucherPartnerSerializer(partners, many=True).data)


class VoucherCreateApi(APIView):
    """Staff record a voucher handed over without an order: its value is credited to the customer's balance."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=["payments"],
        operation_id="payments_vouchers_create",
        summary="Staff: a food-aid voucher credited to a customer's balance (a number once per partner: 409)",
        request=VoucherInputSerializer,
        responses={201: VoucherSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        serializer = VoucherInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        voucher = voucher_record(
            partner_id=data["partner"],
            number=data["number"],
            value=data["value"],
            customer_id=data["customer"],
            actor=request.user,
        )
        return Response(voucher_answer(voucher), status=status.HTTP_201_CREATED)


class VoucherStatementApi(APIView):
    """A partner's monthly statement: one row per voucher received, then the total; what the partner pays back."""

    permission_classes = [IsManager]

    @extend_schema(
        tags=["payments"],
        operation_id="payments_voucher_statement",
        summary="Manager: a partner's vouchers of a month as CSV (date, number, value, customer, what it paid)",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, pattern=MONTH_PATTERN, description="YYYY-MM")
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        query = StatementQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        year, month = (int(part) for part in query.validated_data["month"].split("-"))
        partner = VoucherPartner.objects.filter(pk=pk).first()
        if partner is None:
            raise NotFound(partner=pk)
        response = HttpResponse(
            voucher_statement_csv(partner_id=partner.pk, year=year, month=month), content_type="text/csv"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="cheques-alimentaires-{partner.pk}-{year}-{month:02d}.csv"'
        )
        return response
