"""HTTP edge of the cabas bio: parse, check the role, call one service or selector, serialize.

Every write runs in the durable transaction of the service it calls. Roles: anyone reads the offers and the published
compositions; customers manage their own subscriptions (another's is 404); preparers and managers compose and
publish; staff read the pickup sheet and mark baskets collected; managers generate and grant the solidarity price.
"""

from __future__ import annotations

import io
from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from ecopole.core.csv_export import csv_writer
from ecopole.core.exceptions import NotFound
from ecopole.core.fields import MONTH_PATTERN
from ecopole.core.pagination import PageNumberPagination
from ecopole.core.permissions import IsManager, IsPreparerOrManager, IsStaffMember, is_manager, is_staff_member
from ecopole.core.schema import error_responses

from . import selectors
from .errors import InvalidWeek
from .models import BasketComposition, BasketSubscription, SolidarityEligibility, SolidarityRequest
from .serializers import (
    ID_QUERY_SCHEMA,
    WEEK_PATTERN,
    BasketStatementSerializer,
    CompositionPublishSerializer,
    CompositionSerializer,
    CompositionSetSerializer,
    DateQuerySerializer,
    DeliverySerializer,
    DeliveryStatusSerializer,
    EligibilitySerializer,
    EmptySerializer,
    GenerateSerializer,
    GenerationSerializer,
    OfferSerializer,
    PauseSerializer,
    PickupSheetSerializer,
    PublicationSerializer,
    SkipSerializer,
    SolidarityGrantSerializer,
    SolidarityRequestCreateSerializer,
    SolidarityRequestDecideSerializer,
    SolidarityRequestSerializer,
    StatementQuerySerializer,
    SubscriptionChangeSerializer,
    SubscriptionCreateSerializer,
    SubscriptionDetailSerializer,
    SubscriptionSerializer,
    WeekQuerySerializer,
)
from .services.calendar import iso_week_parse
from .services.compositions import CompositionLineRequest, composition_publish, composition_set
from .services.deliveries import delivery_status_set
from .services.generation import basket_runs_generate_on
from .services.solidarity import solidarity_grant, solidarity_request_decide, solidarity_request_submit
from .services.subscriptions import (
    PlaceRequest,
    subscription_cancel,
    subscription_change,
    subscription_create,
    subscription_pause,
    subscription_resume,
    subscription_skip,
)

TAGS = ["baskets"]


class BasketPagination(PageNumberPagination):
    """The shared pagination (which refuses a malformed `page_size`), also refusing a `page` that is not a number
    (400) instead of silently serving the first page (`?page=` is page 1 for DRF)."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            raise serializers.ValidationError({self.page_query_param: ["A page number is required."]})
        return super().paginate_queryset(queryset, request, view=view)


week_path = OpenApiParameter(
    "week", str, location=OpenApiParameter.PATH, pattern=WEEK_PATTERN, description="ISO week, e.g. 2026-W49."
)


def _week(value: str) -> date:
    try:
        return iso_week_parse(value)
    except ValueError as exc:
        raise InvalidWeek() from exc


def _place(data: dict | None) -> PlaceRequest | None:
    if data is None:
        return None
    address = data.get("address") or {}
    return PlaceRequest(
        fulfilment=data["type"],
        pickup_point_id=data.get("point"),
        address=address.get("address", ""),
        postcode=address.get("postcode", ""),
        commune=address.get("commune", ""),
        latitude=address.get("latitude"),
        longitude=address.get("longitude"),
    )


# --- Offers and compositions ----------------------------------------------------------------------------------


class OfferListApi(GenericAPIView):
    pagination_class = BasketPagination
    permission_classes = [AllowAny]
    serializer_class = OfferSerializer

    def get_queryset(self):
        return selectors.offer_list()

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_offers_list",
        summary="Basket offers (small, medium, large) with their prices",
        responses={200: OfferSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(OfferSerializer(page, many=True).data)


class CompositionListApi(GenericAPIView):
    pagination_class = BasketPagination
    permission_classes = [AllowAny]
    serializer_class = CompositionSerializer

    def get_queryset(self):
        return BasketComposition.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_compositions_list",
        summary="The published compositions of an offer (staff: drafts too), latest week first",
        parameters=[
            OpenApiParameter("week", str, pattern=WEEK_PATTERN, required=False, description="ISO week, e.g. 2026-W49.")
        ],
        responses={200: CompositionSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request, offer_id: int):
        query = WeekQuerySerializer(data=request.query_params.dict())  # a dict: DRF skips "" in a QueryDict
        query.is_valid(raise_exception=True)
        selectors.offer_get(offer_id=offer_id, active_only=not is_staff_member(request.user))
        queryset = selectors.composition_list(
            user=request.user, offer_id=offer_id, week_start=query.validated_data.get("week")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(CompositionSerializer(page, many=True).data)


class CompositionSetApi(APIView):
    permission_classes = [IsPreparerOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_compositions_set",
        summary="Staff: compose an offer's basket for a week (replaces the lines; back to draft until published)",
        parameters=[week_path],
        request=CompositionSetSerializer,
        responses={200: CompositionSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def put(self, request, offer_id: int, week: str):
        week_start = _week(week)
        serializer = CompositionSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        composition_set(
            offer_id=offer_id,
            week_start=week_start,
            lines=[CompositionLineRequest(line["product"], line["quantity"]) for line in data["lines"]],
            note=data["note"],
            actor=request.user,
        )
        return Response(CompositionSerializer(selectors.composition_get(offer_id=offer_id, week_start=week_start)).data)


class CompositionPublishApi(APIView):
    permission_classes = [IsPreparerOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_compositions_publish",
        summary="Staff: publish a composition after checking the stock covers the expected baskets",
        description=(
            "The expected baskets are the active subscriptions due that week (neither skipped nor paused); the "
            "stock must cover them together with the other published compositions of the week not generated yet. "
            "Short: 409 `insufficient_stock` with `fields.shortages` (product, required, available, missing), "
            "unless `force` is true: then it is published and the shortages are returned."
        ),
        parameters=[week_path],
        request=CompositionPublishSerializer,
        responses={200: PublicationSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, offer_id: int, week: str):
        week_start = _week(week)
        serializer = CompositionPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        publication = composition_publish(
            offer_id=offer_id, week_start=week_start, actor=request.user, force=serializer.validated_data["force"]
        )
        composition = selectors.composition_get(offer_id=offer_id, week_start=week_start)
        return Response(
            PublicationSerializer(
                {
                    "composition": composition,
                    "baskets_expected": publication.baskets_expected,
                    "shortages": [s.as_dict() for s in publication.shortages],
                }
            ).data
        )


# --- Subscriptions --------------------------------------------------------------------------------------------


def _subscription(request, subscription_id: int) -> dict:
    return SubscriptionDetailSerializer(
        selectors.subscription_get(user=request.user, subscription_id=subscription_id)
    ).data


class SubscriptionListCreateApi(GenericAPIView):
    pagination_class = BasketPagination
    permission_classes = [IsAuthenticated]
    serializer_class = SubscriptionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BasketSubscription.objects.none()
        return selectors.subscription_list(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_subscriptions_list",
        summary="Basket subscriptions: a customer's own (staff: all)",
        responses={200: SubscriptionSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SubscriptionSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_subscriptions_create",
        summary="Subscribe to a basket offer, every week or every two weeks, at a pickup point or at home",
        description=(
            "A home address without latitude and longitude is geocoded (Base Adresse Nationale): 400 "
            "`outside_delivery_zone`, `coordinates_outside_zone`; 422 `address_not_found`, `address_ambiguous`; "
            "503 `geocoder_unavailable`."
        ),
        request=SubscriptionCreateSerializer,
        responses={201: SubscriptionDetailSerializer, **error_responses(400, 401, 409, 422, 503)},
    )
    def post(self, request):
        serializer = SubscriptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription = subscription_create(
            customer=request.user,
            offer_id=data["offer"],
            frequency=data["frequency"],
            place=_place(data.get("fulfilment")),
            start_date=data.get("start_date"),
        )
        return Response(_subscription(request, subscription.pk), status=status.HTTP_201_CREATED)


class SubscriptionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_subscriptions_retrieve",
        summary="One subscription with its next distributions, skips and pauses",
        responses={200: SubscriptionDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request, subscription_id: int):
        return Response(_subscription(request, subscription_id))


class _SubscriptionActionApi(APIView):
    permission_classes = [IsAuthenticated]
    input_serializer = EmptySerializer

    def perform(self, request, subscription_id: int, data: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, subscription_id: int):
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.subscription_get(user=request.user, subscription_id=subscription_id)  # 404 unless visible
        self.perform(request, subscription_id, serializer.validated_data)
        return Response(_subscription(request, subscription_id))


def _action_schema(operation_id: str, summary: str, request, *extra_statuses: int):
    return extend_schema(
        tags=TAGS,
        operation_id=operation_id,
        summary=summary,
        request=request,
        responses={200: SubscriptionDetailSerializer, **error_responses(400, 401, 404, 409, *extra_statuses, 503)},
    )


class SubscriptionSkipApi(_SubscriptionActionApi):
    input_serializer = SkipSerializer

    @_action_schema("baskets_subscriptions_skip", "Skip one distribution (until its cutoff)", SkipSerializer)
    def post(self, request, subscription_id: int):
        return super().post(request, subscription_id)

    def perform(self, request, subscription_id, data):
        subscription_skip(subscription_id=subscription_id, on=data["date"], actor=request.user)


class SubscriptionPauseApi(_SubscriptionActionApi):
    input_serializer = PauseSerializer

    @_action_schema(
        "baskets_subscriptions_pause",
        "Pause for a period (until the cutoff of its first distribution)",
        PauseSerializer,
    )
    def post(self, request, subscription_id: int):
        return super().post(request, subscription_id)

    def perform(self, request, subscription_id, data):
        subscription_pause(
            subscription_id=subscription_id,
            start_date=data["start_date"],
            end_date=data["end_date"],
            actor=request.user,
        )


class SubscriptionResumeApi(_SubscriptionActionApi):
    @_action_schema(
        "baskets_subscriptions_resume", "End the current or planned pause from the next distribution", EmptySerializer
    )
    def post(self, request, subscription_id: int):
        return super().post(request, subscription_id)

    def perform(self, request, subscription_id, data):
        subscription_resume(subscription_id=subscription_id, actor=request.user)


class SubscriptionChangeApi(_SubscriptionActionApi):
    input_serializer = SubscriptionChangeSerializer

    @_action_schema(
        "baskets_subscriptions_change",
        "Change the size, the frequency or the place from the next distribution (until its cutoff)",
        SubscriptionChangeSerializer,
        422,  # a home address typed without coordinates that the geocoder cannot place
    )
    def post(self, request, subscription_id: int):
        return super().post(request, subscription_id)

    def perform(self, request, subscription_id, data):
        subscription_change(
            subscription_id=subscription_id,
            actor=request.user,
            offer_id=data.get("offer"),
            frequency=data.get("frequency"),
            place=_place(data.get("fulfilment")),
        )


class SubscriptionCancelApi(_SubscriptionActionApi):
    @_action_schema(
        "baskets_subscriptions_cancel", "Cancel from the next distribution (until its cutoff)", EmptySerializer
    )
    def post(self, request, subscription_id: int):
        return super().post(request, subscription_id)

    def perform(self, request, subscription_id, data):
        subscription_cancel(subscription_id=subscription_id, actor=request.user)


class StatementApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_statement",
        summary="Monthly statement: the baskets delivered in a month and their prices",
        parameters=[
            OpenApiParameter("month", str, required=True, pattern=MONTH_PATTERN, description="e.g. 2026-11"),
            OpenApiParameter("customer", ID_QUERY_SCHEMA, required=False, description="Manager: whose statement."),
        ],
        responses={200: BasketStatementSerializer, **error_responses(400, 401, 404)},
    )
    def get(self, request):
        query = StatementQuerySerializer(data=request.query_params.dict())  # a dict: DRF skips "" in a QueryDict
        query.is_valid(raise_exception=True)
        customer = request.user
        wanted = query.validated_data.get("customer")
        wanted = int(wanted) if wanted is not None else None
        if wanted is not None and wanted != request.user.pk:
            # Another customer's statement (their prices tell their solidarity status): managers only.
            customer = User.objects.filter(pk=wanted).first() if is_manager(request.user) else None
            if customer is None:
                raise NotFound()
        return Response(
            BasketStatementSerializer(
                selectors.statement(customer=customer, month_start=query.validated_data["month"])
            ).data
        )


# --- Staff: pickup sheet, generation, solidarity ----------------------------------------------------------------

SHEET_CSV_COLUMNS = ["date", "place_type", "place_id", "place", "basket", "customer", "offer", "size", "status"]


class PickupSheetCsvRenderer(BaseRenderer):
    """The pickup sheet as CSV: one row per basket. Errors are answered in JSON by the view."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(SHEET_CSV_COLUMNS)
        for place in data["places"]:
            for basket in place["baskets"]:
                writer.writerow(
                    [
                        data["date"],
                        place["type"],
                        place["id"],
                        place["name"],
                        basket["id"],
                        basket["customer_name"],
                        basket["offer_name"],
                        basket["size"],
                        basket["status"],
                    ]
                )
        return buffer.getvalue().encode(self.charset)


class PickupSheetApi(APIView):
    permission_classes = [IsStaffMember]
    renderer_classes = [JSONRenderer, PickupSheetCsvRenderer]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_deliveries_sheet",
        summary="Staff: the baskets of a distribution date per pickup point or zone (counts per size and names)",
        description="JSON by default; CSV with `?format=csv` or `Accept: text/csv`.",
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, required=True, description="Distribution date (YYYY-MM-DD)."),
            OpenApiParameter("format", str, enum=["json", "csv"], required=False, description="Response format."),
        ],
        responses={
            (200, "application/json"): PickupSheetSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per basket."),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request):
        query = DateQuerySerializer(data={"date": request.query_params.get("date")})
        query.is_valid(raise_exception=True)
        day = query.validated_data["date"]
        response = Response(PickupSheetSerializer(selectors.pickup_sheet(on=day, user=request.user)).data)
        if isinstance(request.accepted_renderer, PickupSheetCsvRenderer):
            response["Content-Disposition"] = f'attachment; filename="cabas-{day.isoformat()}.csv"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and anything but the sheet itself (OPTIONS metadata) are answered in JSON.
        if response.status_code >= 400 or request.method != "GET":
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class DeliveryStatusApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_deliveries_status",
        summary="Staff: mark a basket collected or not collected (or back to collect)",
        request=DeliveryStatusSerializer,
        responses={200: DeliverySerializer, **error_responses(400, 401, 403, 404, 503)},
    )
    def post(self, request, delivery_id: int):
        serializer = DeliveryStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.basket_delivery_ensure_visible(user=request.user, delivery_id=delivery_id)
        delivery = delivery_status_set(
            delivery_id=delivery_id, status=serializer.validated_data["status"], actor=request.user
        )
        return Response(DeliverySerializer(delivery).data)


class GenerateApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_generate",
        summary="Manager: generate the baskets of a distribution date now (what the hourly task does)",
        description=(
            "Idempotent: an offer and date already generated is reported `already_done` and nothing is created. "
            "Refused before the cutoff (409 `cutoff_not_passed`) unless `force`; refused when the stock cannot "
            "cover every basket (409 `insufficient_stock` with `fields.shortages`): nothing is generated."
        ),
        request=GenerateSerializer,
        responses={200: GenerationSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request):
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        day = data["date"]
        results = basket_runs_generate_on(on=day, offer_id=data.get("offer"), actor=request.user, force=data["force"])
        return Response(
            GenerationSerializer({"date": day, "created": sum(r.created for r in results), "runs": results}).data
        )


class SolidarityListApi(GenericAPIView):
    pagination_class = BasketPagination
    permission_classes = [IsManager]
    serializer_class = EligibilitySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SolidarityEligibility.objects.none()
        return selectors.eligibility_list()

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_solidarity_list",
        summary="Manager: customers eligible for the solidarity price",
        responses={200: EligibilitySerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EligibilitySerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_solidarity_grant",
        summary="Manager: grant (or extend, or revoke with a past date) a customer's solidarity price",
        request=SolidarityGrantSerializer,
        responses={200: EligibilitySerializer, **error_responses(400, 401, 403, 404, 503)},
    )
    def post(self, request):
        serializer = SolidarityGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        eligibility = solidarity_grant(
            customer_id=data["customer"], valid_until=data["valid_until"], note=data["note"], actor=request.user
        )
        return Response(EligibilitySerializer(selectors.eligibility_list().get(pk=eligibility.pk)).data)


class SolidarityRequestListCreateApi(GenericAPIView):
    pagination_class = BasketPagination
    permission_classes = [IsAuthenticated]
    serializer_class = SolidarityRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SolidarityRequest.objects.none()
        return selectors.solidarity_request_list(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_solidarity_requests_list",
        summary="Requests for the solidarity price: a customer's own (managers: all), latest first",
        responses={200: SolidarityRequestSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SolidarityRequestSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_solidarity_requests_create",
        summary="Ask for the solidarity price (a manager decides; the customer gets an email either way)",
        description=(
            "A short text and/or a declared situation. Idempotent: while the customer has a pending request it is "
            "returned unchanged (200); a new one is 201. Empty: 400 `solidarity_request_empty`."
        ),
        request=SolidarityRequestCreateSerializer,
        responses={
            201: SolidarityRequestSerializer,
            200: SolidarityRequestSerializer,
            **error_responses(400, 401, 503),
        },
    )
    def post(self, request):
        serializer = SolidarityRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        solidarity_request, created = solidarity_request_submit(
            customer=request.user, message=data["message"], situation=data["situation"]
        )
        return Response(
            SolidarityRequestSerializer(solidarity_request).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class SolidarityRequestDecideApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=TAGS,
        operation_id="baskets_solidarity_requests_decide",
        summary="Manager: grant (until a date, default a year) or refuse (with a reason) a pending request",
        description=(
            "Granting creates or extends the customer's eligibility (never shortens it). Already decided: 409 "
            "`solidarity_request_decided`; refused without a reason: 400 `refusal_reason_required`; granted until a "
            "past date: 400 `valid_until_past`."
        ),
        request=SolidarityRequestDecideSerializer,
        responses={200: SolidarityRequestSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, request_id: int):
        serializer = SolidarityRequestDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided = solidarity_request_decide(
            request_id=request_id,
            grant=data["decision"] == "grant",
            valid_until=data.get("valid_until"),
            reason=data["reason"],
            actor=request.user,
        )
        return Response(
            SolidarityRequestSerializer(selectors.solidarity_request_list(user=request.user).get(pk=decided.pk)).data
        )
