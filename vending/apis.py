"""The HTTP edge of the vending app: public machine view, the machine's own endpoints, staff endpoints."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.models import Product
from ecopole.core.permissions import IsManager, IsStaffMember
from ecopole.core.schema import error_responses

from . import selectors, services
from .authentication import IsOwnMachine, MachineKeyAuthentication
from .errors import UnknownCompartment
from .models import Compartment, InventoryCount, RefillRequest, Sale
from .renderers import ReportCSVRenderer
from .serializers import (
    FlaggedSaleSerializer,
    InventoryInputSerializer,
    InventorySerializer,
    MachineKeySerializer,
    MachineReportSerializer,
    PublicMachineSerializer,
    RefillInputSerializer,
    RefillRequestFilterSerializer,
    RefillRequestSerializer,
    RefillSerializer,
    RemovalInputSerializer,
    RemovalSerializer,
    ReportQuerySerializer,
    SaleAcceptInputSerializer,
    SaleInputSerializer,
    SaleSerializer,
    UnlockInputSerializer,
    UnlockSerializer,
)
from .services.stock import CountLine

PUBLIC_TAG = ["vending"]
MACHINE_TAG = ["vending: machine"]
STAFF_TAG = ["vending: staff"]


# --- public ------------------------------------------------------------------------------------------------------


class MachineListApi(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = PublicMachineSerializer

    def get_queryset(self):
        return selectors.machine_public_list()

    @extend_schema(
        tags=PUBLIC_TAG,
        operation_id="vending_machines_list",
        summary="Vending machines: where, when open, what is in each compartment now and at what price",
        responses={200: PublicMachineSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PublicMachineSerializer(page, many=True).data)


class MachineDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=PUBLIC_TAG,
        operation_id="vending_machines_retrieve",
        summary="One vending machine, with its compartments now",
        responses={200: PublicMachineSerializer, **error_responses(404)},
    )
    def get(self, request, pk: int):
        machine = get_object_or_404(selectors.machine_public_list(), pk=pk)
        return Response(PublicMachineSerializer(machine).data)


# --- the machine's own endpoints ---------------------------------------------------------------------------------


class MachineApi(APIView):
    """Only the machine's own key, on its own URL; no user authentication at all."""

    authentication_classes = [MachineKeyAuthentication]
    permission_classes = [IsOwnMachine]

    @property
    def machine(self):
        return self.request.user.machine


class MachineSalesApi(MachineApi):
    @extend_schema(
        tags=MACHINE_TAG,
        summary="Report a sale (idempotent by transaction id; never refused for stock)",
        description=(
            "201 when recorded, 200 when this transaction id was already recorded (the first recording is returned). "
            "A sale beyond what the backend believes is in the compartment is recorded with an anomaly."
        ),
        request=SaleInputSerializer,
        responses={201: SaleSerializer, 200: SaleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        serializer = SaleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.sale_record(
            machine=self.machine,
            transaction_id=data["transaction_id"],
            compartment_code=data["compartment"],
            quantity=data["quantity"],
            amount=data["amount"],
            sold_at=data["sold_at"],
        )
        return Response(
            SaleSerializer(result.sale).data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class MachineInventoryApi(MachineApi):
    @extend_schema(
        tags=MACHINE_TAG,
        summary="Report the machine's own count; differences become adjustments (idempotent by count id)",
        request=InventoryInputSerializer,
        responses={201: InventorySerializer, 200: InventorySerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        serializer = InventoryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        count, created = services.inventory_record(
            machine=self.machine,
            count_id=data["count_id"],
            counted_at=data["counted_at"],
            lines=[CountLine(line["compartment"], line["quantity"]) for line in data["lines"]],
        )
        count = InventoryCount.objects.prefetch_related("movements__compartment").get(pk=count.pk)
        return Response(
            InventorySerializer(count).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MachineUnlockApi(MachineApi):
    @extend_schema(
        tags=MACHINE_TAG,
        summary="Check a click-and-collect code and open its locker once",
        description="Wrong codes are limited per locker: after the last try the locker is locked out (423).",
        request=UnlockInputSerializer,
        responses={
            200: UnlockSerializer,
            **error_responses(400, 401, 403, 404),
            410: OpenApiResponse(description="`code_expired`"),
            423: OpenApiResponse(description="`locker_locked_out`"),
        },
    )
    def post(self, request, pk: int):
        serializer = UnlockInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = services.locker_unlock(
            machine=self.machine,
            compartment_code=serializer.validated_data["compartment"],
            code=serializer.validated_data["code"],
        )
        return Response(UnlockSerializer(reservation).data)


# --- staff -------------------------------------------------------------------------------------------------------


def _compartment(machine_pk: int, code: str) -> Compartment:
    compartment = Compartment.objects.filter(machine_id=machine_pk, code=code).first()
    if compartment is None:
        raise UnknownCompartment(compartment=code)
    return compartment


class MachineKeyApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=STAFF_TAG,
        summary="Rotate the machine's API key (manager); the new key is shown once, the old one stops working",
        request=None,
        responses={201: MachineKeySerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, pk: int):
        machine = get_object_or_404(selectors.machine_for_staff(), pk=pk)
        key = services.machine_key_rotate(machine=machine, user=request.user)
        return Response(
            MachineKeySerializer(
                {"key": key, "prefix": machine.api_key_prefix, "rotated_at": machine.api_key_rotated_at}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class MachineRefillsApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=STAFF_TAG,
        summary="Record a refill: the quantity moves from the main stock into the compartment",
        request=RefillInputSerializer,
        responses={201: RefillSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        machine = get_object_or_404(selectors.machine_for_staff(), pk=pk)
        serializer = RefillInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        compartment = _compartment(machine.pk, data["compartment"])
        product = get_object_or_404(Product.objects.all(), pk=data["product"])
        refill_request = None
        if data.get("refill_request"):
            refill_request = get_object_or_404(RefillRequest.objects.filter(machine=machine), pk=data["refill_request"])
        refill = services.refill_record(
            compartment=compartment,
            product=product,
            quantity=data["quantity"],
            price=data.get("price"),
            user=request.user,
            refill_request=refill_request,
        )
        return Response(RefillSerializer(refill).data, status=status.HTTP_201_CREATED)


class MachineRemovalsApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=STAFF_TAG,
        summary="Remove unsold produce from a compartment (recorded as a loss of the machine stock)",
        request=RemovalInputSerializer,
        responses={201: RemovalSerializer, 200: RemovalSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        machine = get_object_or_404(selectors.machine_for_staff(), pk=pk)
        serializer = RemovalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        compartment = _compartment(machine.pk, data["compartment"])
        removal = services.removal_record(
            compartment=compartment, quantity=data.get("quantity"), user=request.user, note=data["note"]
        )
        body = {
            "id": removal.pk if removal else None,
            "quantity": removal.quantity if removal else 0,
            "compartment": compartment,
        }
        return Response(RemovalSerializer(body).data, status=status.HTTP_201_CREATED if removal else status.HTTP_200_OK)


class MachineReportApi(APIView):
    permission_classes = [IsStaffMember]
    renderer_classes = [JSONRenderer, ReportCSVRenderer]

    @extend_schema(
        tags=STAFF_TAG,
        summary="Sales, revenue with VAT, losses, anomalies and fill rate over a period (JSON, or CSV)",
        description="CSV with `Accept: text/csv` or `?format=csv`.",
        parameters=[
            OpenApiParameter(
                "from", type=OpenApiTypes.DATE, required=True, description="First day, YYYY-MM-DD (Europe/Paris)."
            ),
            OpenApiParameter("to", type=OpenApiTypes.DATE, required=True, description="Last day, included."),
        ],
        responses={
            (200, "application/json"): MachineReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per line of each section."),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        machine = get_object_or_404(selectors.machine_for_staff(), pk=pk)
        query = ReportQuerySerializer(data=request.query_params.dict())  # a dict: DRF skips "" in a QueryDict
        query.is_valid(raise_exception=True)
        report = selectors.machine_report(
            machine=machine, date_from=query.validated_data["from"], date_to=query.validated_data["to"]
        )
        data = MachineReportSerializer(report).data
        response = Response(data)
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format == "csv":
            name = f"vending-{machine.slug}-{report['from']}-{report['to']}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class RefillRequestListApi(GenericAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = RefillRequestSerializer
    queryset = RefillRequest.objects.none()  # for the schema; the selector builds the real one

    @extend_schema(
        tags=STAFF_TAG,
        summary="Refill requests found by the daily check (newest first)",
        parameters=[RefillRequestFilterSerializer],
        responses={200: RefillRequestSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        # A plain dict: a QueryDict would let an empty `?status=` pass as "not given".
        filters = RefillRequestFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.refill_request_list(status=filters.validated_data.get("status")))
        return self.get_paginated_response(RefillRequestSerializer(page, many=True).data)


class FlaggedSaleListApi(GenericAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = FlaggedSaleSerializer
    queryset = Sale.objects.none()  # for the schema; the selector builds the real one

    @extend_schema(
        tags=STAFF_TAG,
        summary="Sales held out of revenue (amount, date or compartment doubted), oldest first, with the reasons",
        responses={200: FlaggedSaleSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.flagged_sales())
        return self.get_paginated_response(FlaggedSaleSerializer(page, many=True).data)


class SaleAcceptApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=STAFF_TAG,
        summary="Accept a flagged sale (manager): it counts in revenue from now on; audited, idempotent",
        request=SaleAcceptInputSerializer,
        responses={200: FlaggedSaleSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        sale = get_object_or_404(Sale.objects.all(), pk=pk)
        serializer = SaleAcceptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sale_accept(sale_id=sale.pk, user=request.user, note=serializer.validated_data["note"])
        sale = Sale.objects.prefetch_related("anomalies").get(pk=sale.pk)
        return Response(FlaggedSaleSerializer(sale).data)
