"""HTTP edge of delivery rounds: parse, check the role, call one service or selector, serialize.

Every write runs in the durable transaction its service opens. Drivers reach only their own rounds (selectors): another
driver's round, or a stop of it, is 404.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.parsers import JSONParser
from ecopole.core.permissions import IsDriverOrManager, IsManager, IsStaffMember, is_staff_member
from ecopole.core.schema import error_responses

from . import selectors
from .models import Round
from .proofs import proof_prepare
from .renderers import RoundSheetHtmlRenderer, RoundSheetPdfRenderer, sheet_context
from .serializers import (
    DeliveryWindowCapacitySerializer,
    DeliveryWindowInputSerializer,
    DeliveryWindowQuerySerializer,
    DeliveryWindowSerializer,
    PlanningJobSerializer,
    RoundDriverInputSerializer,
    RoundListQuerySerializer,
    RoundLockInputSerializer,
    RoundPlanInputSerializer,
    RoundReorderInputSerializer,
    RoundSerializer,
    StopDeliverInputSerializer,
    StopFailInputSerializer,
    StopMoveInputSerializer,
    StopResolveInputSerializer,
    StopSerializer,
)
from .services.moves import round_reorder, stop_move
from .services.planning_jobs import planning_job_request
from .services.rounds import (
    failed_stop_resolve,
    round_driver_assign,
    round_finish,
    round_lock_set,
    round_start,
    stop_deliver,
    stop_fail,
)
from .services.windows import delivery_window_capacity_set, delivery_window_create

TAGS = ["deliveries"]


def _round(request, round_id: int) -> dict:
    return RoundSerializer(selectors.round_get(user=request.user, round_id=round_id)).data


def _stop(request, round_id: int, stop_id: int) -> dict:
    round_ = selectors.round_get(user=request.user, round_id=round_id)
    stop = next(s for s in round_.stops.all() if s.pk == stop_id)
    return StopSerializer(stop).data


def _planning_job(request, job) -> dict:
    round_ids = (job.result or {}).get("rounds", [])
    rounds = list(selectors.round_list(user=request.user).filter(pk__in=round_ids)) if round_ids else []
    return PlanningJobSerializer(job, context={"rounds": rounds}).data


class RoundPlanApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_plan",
        summary="Manager: plan or re-plan the rounds of a date (started and locked rounds are kept)",
        description=(
            "Queues the planning and answers 202 with the planning job; poll "
            "`GET /api/v1/deliveries/planning-jobs/{job_id}/` (also in the `Location` header) until its status is "
            "`done` (the rounds and unassigned stops) or `failed` (`error_code`). The solver runs in a worker, "
            "never during the request. While a job of the date is queued or running, asking again answers that "
            "same job (a replayed request plans once)."
        ),
        request=RoundPlanInputSerializer,
        responses={202: PlanningJobSerializer, **error_responses(400, 401, 403, 409, 503)},
    )
    def post(self, request):
        serializer = RoundPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job, _ = planning_job_request(date=serializer.validated_data["date"], user=request.user)
        job = selectors.planning_job_get(job_id=job.pk)
        response = Response(_planning_job(request, job), status=202)
        response["Location"] = reverse("deliveries:planning-job", kwargs={"job_id": job.pk})
        return response


class PlanningJobApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_planning_jobs_retrieve",
        summary="Manager: a planning job (queued, running, done with its rounds, or failed with a code)",
        responses={200: PlanningJobSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, job_id: int):
        return Response(_planning_job(request, selectors.planning_job_get(job_id=job_id)))


class RoundListApi(GenericAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = RoundSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Round.objects.none()
        query = RoundListQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.round_list(user=self.request.user, day=query.validated_data.get("date"))

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_list",
        summary="Staff: rounds (of a date) with their ordered stops, arrival times, loads and hand-over lists",
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=False, description="YYYY-MM-DD")],
        responses={200: RoundSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RoundSerializer(page, many=True).data)


class MyRoundListApi(GenericAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = RoundSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Round.objects.none()
        return selectors.my_round_list(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_my_rounds",
        summary="Driver: my rounds of today and the coming days",
        description=(
            "The rounds given to the calling driver whose date is today or later (Europe/Paris), in date order, "
            "with their stops. Past rounds are not listed (staff: `GET /api/v1/deliveries/rounds/?date=`). A round "
            "can be started on its date only (`round_not_due`, 409, before)."
        ),
        responses={200: RoundSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RoundSerializer(page, many=True).data)


class RoundDetailApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_retrieve",
        summary="Staff: one round with its ordered stops",
        responses={200: RoundSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, round_id: int):
        return Response(_round(request, round_id))


class RoundStartApi(APIView):
    permission_classes = [IsDriverOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_start",
        summary="Driver: start the round (leave the depot)",
        request=None,
        responses={200: RoundSerializer, **error_responses(401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int):
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        round_start(round_id=round_id, actor=request.user)
        return Response(_round(request, round_id))


class RoundFinishApi(APIView):
    permission_classes = [IsDriverOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_finish",
        summary="Driver: finish the round once every stop is delivered or failed",
        request=None,
        responses={200: RoundSerializer, **error_responses(401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int):
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        round_finish(round_id=round_id, actor=request.user)
        return Response(_round(request, round_id))


class StopDeliveredApi(APIView):
    permission_classes = [IsDriverOrManager]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_stops_delivered",
        summary="Driver: the stop is delivered (its orders are fulfilled, or ready at a pickup point)",
        description=(
            "With a proof of delivery (multipart/form-data): `received_by` and a `photo` or a `signature` "
            "(`proof_incomplete`, `proof_invalid`, `proof_too_large`: 400). The files are private: the stop's "
            "`proof` gives their URLs, which answer the staff who can see the round and the customers of its "
            "orders. A stop already delivered answers 200 and keeps its first proof (a replayed request records "
            "nothing)."
        ),
        request={"multipart/form-data": StopDeliverInputSerializer, "application/json": StopDeliverInputSerializer},
        responses={200: StopSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int, stop_id: int):
        serializer = StopDeliverInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        data = serializer.validated_data
        proof = None
        sent = data.get("received_by") or data.get("photo") or data.get("signature")
        # A replay (the stop already delivered) keeps the first proof: nothing to check or store.
        if sent and not selectors.stop_is_delivered(round_id=round_id, stop_id=stop_id):
            proof = proof_prepare(
                received_by=data.get("received_by", ""), photo=data.get("photo"), signature=data.get("signature")
            )
        stop_deliver(round_id=round_id, stop_id=stop_id, actor=request.user, proof=proof)
        return Response(_stop(request, round_id, stop_id))


class StopFailedApi(APIView):
    permission_classes = [IsDriverOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_stops_failed",
        summary="Driver: the stop could not be delivered, with a reason",
        request=StopFailInputSerializer,
        responses={200: StopSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int, stop_id: int):
        serializer = StopFailInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        stop_fail(round_id=round_id, stop_id=stop_id, actor=request.user, **serializer.validated_data)
        return Response(_stop(request, round_id, stop_id))


class StopResolveApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_stops_resolve",
        summary="Manager: deliver a failed home delivery on the next delivery day, or move it to a pickup point",
        request=StopResolveInputSerializer,
        responses={200: StopSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int, stop_id: int):
        serializer = StopResolveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        failed_stop_resolve(
            round_id=round_id,
            stop_id=stop_id,
            action=serializer.validated_data["action"],
            pickup_point_id=serializer.validated_data.get("pickup_point"),
            actor=request.user,
        )
        return Response(_stop(request, round_id, stop_id))


class RoundReorderApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_reorder",
        summary="Manager: put the stops of a planned round in a new order (times recomputed; the round is locked)",
        description=(
            "Every stop of the round exactly once (`stop_order_invalid`, 400, otherwise). The new order is checked "
            "as a move of a stop is: a missed window, an exceeded capacity (kg, crates), the vehicle's hours or "
            "communes refuse it with `stop_move_infeasible` (409) and the reason in `fields.reason`; nothing changes."
        ),
        request=RoundReorderInputSerializer,
        responses={200: RoundSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int):
        serializer = RoundReorderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        round_reorder(round_id=round_id, stop_ids=serializer.validated_data["stops"], actor=request.user)
        return Response(_round(request, round_id))


class RoundLockApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_lock",
        summary="Manager: lock a round (re-planning leaves it alone) or unlock it",
        request=RoundLockInputSerializer,
        responses={200: RoundSerializer, **error_responses(400, 401, 403, 404, 503)},
    )
    def post(self, request, round_id: int):
        serializer = RoundLockInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        round_lock_set(round_id=round_id, locked=serializer.validated_data["locked"], actor=request.user)
        return Response(_round(request, round_id))


class RoundDriverApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_driver",
        summary="Manager: give the round to a driver (or to nobody with null)",
        request=RoundDriverInputSerializer,
        responses={200: RoundSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int):
        serializer = RoundDriverInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        round_driver_assign(round_id=round_id, driver_id=serializer.validated_data["driver"], actor=request.user)
        return Response(_round(request, round_id))


class RoundSheetApi(APIView):
    permission_classes = [IsStaffMember]
    renderer_classes = [RoundSheetHtmlRenderer, RoundSheetPdfRenderer, JSONRenderer]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_rounds_sheet",
        summary="Staff: the printable round sheet, HTML for a phone or PDF for paper",
        description=(
            "HTML by default; PDF with `?format=pdf` or `Accept: application/pdf`; the round as JSON with "
            "`?format=json` or `Accept: application/json`. Errors are always JSON."
        ),
        parameters=[
            OpenApiParameter(
                "format", str, enum=["html", "pdf", "json"], required=False, description="Response format."
            ),
        ],
        responses={
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="The sheet as a web page."),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The sheet as a PDF."),
            (200, "application/json"): RoundSerializer,
            **{(code, "application/json"): value for code, value in error_responses(401, 403, 404, 406).items()},
        },
    )
    def get(self, request, round_id: int):
        round_ = selectors.round_get(user=request.user, round_id=round_id)
        if isinstance(request.accepted_renderer, JSONRenderer):
            return Response(RoundSerializer(round_).data)
        response = Response(sheet_context(round_))
        if isinstance(request.accepted_renderer, RoundSheetPdfRenderer):
            response["Content-Disposition"] = f'inline; filename="round-{round_.date.isoformat()}-{round_.pk}.pdf"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are answered in JSON, whatever format was asked for.
        if response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class StopMoveApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_stops_move",
        summary="Manager: move a stop to another planned round of the date, or to another place in its round",
        description=(
            "Arrival times of both rounds are recomputed with the planner's model and checked: a missed window, an "
            "exceeded capacity (kg, crates), the vehicle's hours or communes refuse the move with "
            "`stop_move_infeasible` (409) and the reason in `fields.reason`. Both rounds are locked afterwards. "
            "Answers the round the stop went to."
        ),
        request=StopMoveInputSerializer,
        responses={200: RoundSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, round_id: int, stop_id: int):
        serializer = StopMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = serializer.validated_data["round"]
        selectors.round_ensure_visible(user=request.user, round_id=round_id)
        stop_move(
            stop_id=stop_id,
            round_id=round_id,
            target_round_id=target,
            position=serializer.validated_data["position"],
            actor=request.user,
        )
        return Response(_round(request, target))


class DeliveryWindowListApi(APIView):
    def get_permissions(self):
        return [IsManager()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_windows_list",
        summary="The two-hour home-delivery windows (customers: those with a place left)",
        description=(
            "Filter by `date` and `zone` (the zone of the delivery address, `GET /api/v1/orders/places/`). "
            "Customers see only the windows that still have a place; staff see every window with its capacity."
        ),
        parameters=[DeliveryWindowQuerySerializer],
        responses={200: DeliveryWindowSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        query = DeliveryWindowQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        windows = selectors.delivery_window_list(
            day=query.validated_data.get("date"), zone_id=query.validated_data.get("zone")
        )
        if not is_staff_member(request.user):
            windows = [w for w in windows if w.remaining > 0][:500]
        else:
            windows = list(windows[:500])
        return Response(DeliveryWindowSerializer(windows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_windows_create",
        summary="Manager: open a two-hour window of a zone on a date with its capacity (again: sets the capacity)",
        request=DeliveryWindowInputSerializer,
        responses={201: DeliveryWindowSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request):
        serializer = DeliveryWindowInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        window = delivery_window_create(
            zone_id=data["zone"], day=data["date"], start=data["start"], capacity=data["capacity"], actor=request.user
        )
        return Response(DeliveryWindowSerializer(window).data, status=201)


class DeliveryWindowDetailApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="deliveries_windows_capacity",
        summary="Manager: set a window's capacity (never below the places taken)",
        request=DeliveryWindowCapacitySerializer,
        responses={200: DeliveryWindowSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def patch(self, request, window_id: int):
        # PATCH is partial (the schema says so): without `capacity` nothing changes and the window is answered.
        serializer = DeliveryWindowCapacitySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "capacity" not in serializer.validated_data:
            return Response(DeliveryWindowSerializer(selectors.delivery_window_get(window_id=window_id)).data)
        window = delivery_window_capacity_set(
            window_id=window_id, capacity=serializer.validated_data["capacity"], actor=request.user
        )
        return Response(DeliveryWindowSerializer(window).data)
