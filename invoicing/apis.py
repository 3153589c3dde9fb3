"""The invoicing API: a customer's and a producer's invoices (JSON and PDF), credit notes and the treasurer's
exports for the manager, SEPA mandates and direct debits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.fields import MONTH_PATTERN
from ecopole.core.permissions import IsManager
from ecopole.core.schema import error_responses

from . import selectors
from .errors import MandateNotAccepted, PeriodInvalid
from .models import Invoice
from .serializers import (
    CreditNoteRequestSerializer,
    DebitReturnRequestSerializer,
    DirectDebitSerializer,
    InvoiceDetailSerializer,
    InvoiceListQuerySerializer,
    InvoiceSerializer,
    MandateRequestSerializer,
    MandateSerializer,
    MonthQuerySerializer,
    PeriodQuerySerializer,
    ReconciliationSerializer,
)
from .services.documents import invoice_document, invoice_filename
from .services.exports import fec_export, invoices_csv, movements_csv, reconciliation
from .services.invoices import credit_note_issue
from .services.sepa import direct_debit_return, mandate_sign, pain008_build

TAG = "invoicing"


class InvoiceListApi(GenericAPIView):
    queryset = Invoice.objects.none()  # for the schema: the selectors build the real querysets
    permission_classes = [IsAuthenticated]
    serializer_class = InvoiceSerializer

    @extend_schema(
        tags=[TAG],
        summary="Invoices and credit notes (a customer's own, a producer member's producer's; the manager: all)",
        parameters=[InvoiceListQuerySerializer],
        responses={200: InvoiceSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request):
        query = InvoiceListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.invoice_list(user=request.user, kind=query.validated_data.get("kind")))
        return self.get_paginated_response(InvoiceSerializer(page, many=True).data)


class InvoiceDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="An invoice with its lines, VAT per rate and the seller's legal mentions",
        responses={200: InvoiceDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(InvoiceDetailSerializer(selectors.invoice_get(user=request.user, pk=pk)).data)


class InvoicePdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="An invoice as PDF (Factur-X PDF/A-3 with its CII XML for a producer's e-invoice)",
        operation_id="invoicing_invoices_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(401, 404)},
    )
    def get(self, request, pk: int):
        invoice = selectors.invoice_get(user=request.user, pk=pk)
        response = HttpResponse(invoice_document(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
        return response


class CreditNoteCreateApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Cancel an invoice in full by a credit note (avoir) referring to it (manager)",
        request=CreditNoteRequestSerializer,
        responses={201: InvoiceDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        body = CreditNoteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        credit = credit_note_issue(invoice_id=pk, reason=body.validated_data["reason"])
        return Response(
            InvoiceDetailSerializer(selectors.invoice_get(user=request.user, pk=credit.pk)).data,
            status=status.HTTP_201_CREATED,
        )


# --- The treasurer's exports (manager) -------------------------------------------------------------------------------

PERIOD_MAX_DAYS = 400
PERIOD = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day (Europe/Paris)."),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day, inclusive."),
]


def _period(request):
    query = PeriodQuerySerializer(
        data={"from_date": request.query_params.get("from"), "to_date": request.query_params.get("to")}
    )
    query.is_valid(raise_exception=True)
    start, end = query.validated_data["from_date"], query.validated_data["to_date"]
    if end < start or (end - start).days > PERIOD_MAX_DAYS:
        raise PeriodInvalid(max_days=PERIOD_MAX_DAYS)
    return start, end


def _file(content: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class InvoicesExportApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Invoices and credit notes of a period as CSV (manager)",
        operation_id="invoicing_exports_invoices",
        parameters=PERIOD,
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        start, end = _period(request)
        return _file(invoices_csv(start, end), "text/csv; charset=utf-8", f"factures-{start}-{end}.csv")


class MovementsExportApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Payments, refunds and vouchers of a period as CSV, each with the invoice it settles (manager)",
        operation_id="invoicing_exports_movements",
        parameters=PERIOD,
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        start, end = _period(request)
        return _file(movements_csv(start, end), "text/csv; charset=utf-8", f"encaissements-{start}-{end}.csv")


class FecExportApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="The accounting journal of a period with the FEC columns, tab-separated, balanced (manager)",
        operation_id="invoicing_exports_fec",
        parameters=PERIOD,
        responses={(200, "text/tab-separated-values"): OpenApiTypes.STR, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        start, end = _period(request)
        name = f"{settings.INVOICING_SELLER_SIRET[:9]}FEC{end:%Y%m%d}.txt"
        return _file(fec_export(start, end), "text/tab-separated-values; charset=utf-8", name)


class ReconciliationApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Reconciliation of a period: movements without invoice, invoices whose payments differ (manager)",
        parameters=PERIOD,
        responses={200: ReconciliationSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        start, end = _period(request)
        return Response(ReconciliationSerializer(reconciliation(start, end)).data)


# --- SEPA direct debit of the cabas -----------------------------------------------------------------------------------


class MandateSignApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Sign a SEPA direct-debit mandate for the cabas (replaces the previous one)",
        request=MandateRequestSerializer,
        responses={201: MandateSerializer, **error_responses(400, 401)},
    )
    def post(self, request):
        body = MandateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not body.validated_data["accept"]:
            raise MandateNotAccepted()
        mandate = mandate_sign(
            customer=request.user,
            account_holder=body.validated_data["account_holder"],
            iban=body.validated_data["iban"],
        )
        return Response(MandateSerializer(mandate).data, status=status.HTTP_201_CREATED)


class Pain008Api(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="The month's pain.008 file of the cabas invoices' direct debits, for the bank (manager)",
        operation_id="invoicing_sepa_pain008",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, pattern=MONTH_PATTERN, description="YYYY-MM")
        ],
        responses={(200, "application/xml"): OpenApiTypes.STR, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = MonthQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        month = query.validated_data["month"]
        content = pain008_build(month=month)
        response = HttpResponse(content, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="prelevements-{month:%Y-%m}.xml"'
        return response


class DebitReturnApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Record a returned direct debit: the subscriber's cabas goes on hold, with an email (manager)",
        request=DebitReturnRequestSerializer,
        responses={200: DirectDebitSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        body = DebitReturnRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        debit = direct_debit_return(debit_id=pk, reason=body.validated_data["reason"])
        return Response(DirectDebitSerializer(debit).data)
