"""HTTP edge of the workshop: parse, check the role, call one selector or service, serialize."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.models import Producer
from ecopole.core.exceptions import NotFound
from ecopole.core.fields import MONTH_PATTERN
from ecopole.core.permissions import IsManager, is_manager
from ecopole.core.schema import error_responses

from . import selectors
from .errors import InvalidRange, ProducerRequired
from .models import Booking, Equipment, Lot, Statement
from .permissions import IsProducerMemberOrManager, IsWorkshopUser, is_producer_member
from .serializers import (
    BOOKING_STATUSES_PATTERN,
    EQUIPMENT_REFS_PATTERN,
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BookingCompleteSerializer,
    BookingCreateSerializer,
    BookingDetailSerializer,
    BookingListQuerySerializer,
    BookingSerializer,
    CalendarFeedQuerySerializer,
    CalendarFeedSerializer,
    EquipmentSerializer,
    LotRecallBodySerializer,
    LotRecallDetailSerializer,
    LotRecallSerializer,
    LotSerializer,
    LotTraceSerializer,
    StatementDetailSerializer,
    StatementListQuerySerializer,
    StatementSerializer,
)
from .services.billing import statement_csv, statement_pdf
from .services.bookings import (
    BookingRequest,
    booking_accept_offer,
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_mark_no_show,
)
from .services.calendar import local_date
from .services.feeds import calendar_feed_revoke, calendar_feed_rotate
from .services.ical import render_calendar
from .services.lots import Output, RawInput, booking_complete
from .services.recall import lot_recall, lot_recall_request, recall_report_csv

TAG = "processing"
FROM_TO = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (Europe/Paris). Default: today."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive. Default: 8 weeks after `from`."),
]


def _query(serializer_class, request):
    data = {k: v for k, v in request.query_params.items() if k not in {"from", "to"}}
    if "from" in request.query_params:
        data["from_date"] = request.query_params["from"]
    if "to" in request.query_params:
        data["to_date"] = request.query_params["to"]
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class EquipmentListApi(GenericAPIView):
    queryset = Equipment.objects.none()  # for the schema: the selectors build the real querysets
    permission_classes = [IsWorkshopUser]
    serializer_class = EquipmentSerializer

    @extend_schema(
        tags=[TAG],
        summary="Equipment of the workshop, with rates",
        responses={200: EquipmentSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.equipment_list())
        return self.get_paginated_response(EquipmentSerializer(page, many=True).data)


class AvailabilityApi(APIView):
    permission_classes = [IsWorkshopUser]

    @extend_schema(
        tags=[TAG],
        summary="Free slots of the equipment over a range (Europe/Paris)",
        parameters=[
            OpenApiParameter(
                "equipment",
                OpenApiTypes.STR,
                pattern=EQUIPMENT_REFS_PATTERN,
                description="Comma-separated ids or slugs; default all.",
            ),
            *FROM_TO,
            OpenApiParameter("include_taken", OpenApiTypes.BOOL, description="Also list taken slots."),
        ],
        responses={200: AvailabilitySerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = _query(AvailabilityQuerySerializer, request)
        start = query.get("from_date") or local_date(timezone.now())
        end = query.get("to_date") or start + timedelta(weeks=8)
        max_days = int(settings.PROCESSING_AVAILABILITY_MAX_DAYS)
        if end < start or (end - start).days > max_days:
            raise InvalidRange(max_days=max_days)
        refs = [ref.strip() for ref in (query.get("equipment") or "").split(",") if ref.strip()] or None
        rows = selectors.availability(equipment_refs=refs, start=start, end=end, include_taken=query["include_taken"])
        body = {"from_date": start, "to_date": end, "timezone": "Europe/Paris", "equipment": rows}
        return Response(AvailabilitySerializer(body).data)


class BookingListCreateApi(GenericAPIView):
    queryset = Booking.objects.none()  # for the schema: the selectors build the real querysets
    serializer_class = BookingSerializer

    def get_permissions(self):
        return [IsProducerMemberOrManager()] if self.request.method == "POST" else [IsWorkshopUser()]

    @extend_schema(
        tags=[TAG],
        summary="Bookings (a producer member sees its producer's; staff see all)",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, pattern=BOOKING_STATUSES_PATTERN, description="Comma-separated statuses."
            ),
            *FROM_TO,
        ],
        responses={200: BookingSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(BookingListQuerySerializer, request)
        queryset = selectors.booking_list(
            user=request.user, status=query.get("status"), start=query.get("from_date"), end=query.get("to_date")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(BookingSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Book equipment for a slot, or join its waiting list",
        description=(
            "Rules: at least 48 h and at most 8 weeks ahead (`too_late_to_book`, `too_far_ahead`), an open day "
            "(`workshop_closed`) and slot (`not_a_slot`), no overlap including the cleaning buffer (`slot_taken`, "
            "409), jars within the autoclave's capacity (`capacity_exceeded`), the weekly quota "
            "(`weekly_quota_exceeded`). With `waitlist: true` a taken slot gives a `waiting` booking instead."
        ),
        request=BookingCreateSerializer,
        responses={201: BookingDetailSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request):
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if is_producer_member(request.user):
            producer_id = request.user.producer_id
        else:
            producer_id = data.get("producer")
            if not producer_id or not Producer.objects.filter(pk=producer_id).exists():
                raise ProducerRequired()
        booking = booking_create(
            producer_id=producer_id,
            user=request.user,
            waitlist=data["waitlist"],
            request=BookingRequest(
                equipment_ids=data["equipment"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                process=data["process"],
                raw_product_id=data.get("raw_product"),
                raw_product_name=data.get("raw_product_name") or "",
                raw_quantity_kg=data["raw_quantity_kg"],
                expected_output=data["expected_output"],
                jars=data.get("jars"),
                organic=data["organic"],
                needs_technician=data["needs_technician"],
                notes=data["notes"],
            ),
        )
        booking = selectors.booking_get(user=request.user, pk=booking.pk)
        return Response(BookingDetailSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingDetailApi(APIView):
    permission_classes = [IsWorkshopUser]

    @extend_schema(
        tags=[TAG],
        summary="A booking, its events, billing lines and lots",
        responses={200: BookingDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(BookingDetailSerializer(selectors.booking_get(user=request.user, pk=pk)).data)


class _BookingActionApi(APIView):
    """POST /bookings/{id}/<action>/: find the booking in the user's scope (404 otherwise), run the service."""

    permission_classes = [IsProducerMemberOrManager]

    def act(self, request, booking):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, pk: int):
        booking = selectors.booking_get(user=request.user, pk=pk)
        self.act(request, booking)
        return Response(BookingDetailSerializer(selectors.booking_get(user=request.user, pk=pk)).data)


_ACTION_RESPONSES = {200: BookingDetailSerializer, **error_responses(400, 401, 403, 404, 409)}


class BookingCancelApi(_BookingActionApi):
    @extend_schema(
        tags=[TAG],
        summary="Cancel a booking, leave the waiting list or decline an offer",
        description="Free until 48 h before the start; later a `late_cancellation` line is billed.",
        request=None,
        responses=_ACTION_RESPONSES,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking):
        booking_cancel(booking_id=booking.pk, user=request.user)


class BookingAcceptOfferApi(_BookingActionApi):
    @extend_schema(
        tags=[TAG],
        summary="Take the slot offered from the waiting list (held → requested)",
        request=None,
        responses=_ACTION_RESPONSES,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking):
        booking_accept_offer(booking_id=booking.pk, user=request.user)


class BookingConfirmApi(_BookingActionApi):
    permission_classes = [IsManager]

    @extend_schema(tags=[TAG], summary="Staff: confirm a requested booking", request=None, responses=_ACTION_RESPONSES)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking):
        booking_confirm(booking_id=booking.pk, user=request.user)


class BookingNoShowApi(_BookingActionApi):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG], summary="Staff: the producer did not come (billed)", request=None, responses=_ACTION_RESPONSES
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking):
        booking_mark_no_show(booking_id=booking.pk, user=request.user)


class BookingCompleteApi(_BookingActionApi):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Staff: complete a booking with its outputs (lots, stock, billing)",
        request=BookingCompleteSerializer,
        responses=_ACTION_RESPONSES,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, booking):
        serializer = BookingCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outputs = [
            Output(
                description=item["description"],
                quantity=item["quantity"],
                unit=item["unit"],
                product_id=item.get("product"),
                container=item["container"],
                inputs=[
                    RawInput(
                        name=raw["name"],
                        quantity_kg=raw["quantity_kg"],
                        raw_product_id=raw.get("raw_product"),
                        origin=raw["origin"],
                    )
                    for raw in item["inputs"]
                ],
            )
            for item in data["outputs"]
        ]
        booking_complete(booking_id=booking.pk, user=request.user, outputs=outputs, hours_used=data.get("hours_used"))


class LotListApi(GenericAPIView):
    queryset = Lot.objects.none()  # for the schema: the selectors build the real querysets
    permission_classes = [IsWorkshopUser]
    serializer_class = LotSerializer

    @extend_schema(
        tags=[TAG],
        summary="Lots (numéros de lot)",
        responses={200: LotSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.lot_list(user=request.user))
        return self.get_paginated_response(LotSerializer(page, many=True).data)


class LotTraceApi(APIView):
    permission_classes = [IsWorkshopUser]

    @extend_schema(
        tags=[TAG],
        summary="Trace a lot: producer, raw inputs, dates, quantities, where its jars went",
        responses={200: LotTraceSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, code: str):
        return Response(LotTraceSerializer(selectors.lot_trace(user=request.user, code=code)).data)


class StatementListApi(GenericAPIView):
    queryset = Statement.objects.none()  # for the schema: the selectors build the real querysets
    permission_classes = [IsProducerMemberOrManager]
    serializer_class = StatementSerializer

    @extend_schema(
        tags=[TAG],
        summary="Monthly statements (a producer member sees its own)",
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, pattern=MONTH_PATTERN, description="YYYY-MM")],
        responses={200: StatementSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(StatementListQuerySerializer, request)
        page = self.paginate_queryset(selectors.statement_list(user=request.user, month=query.get("month")))
        return self.get_paginated_response(StatementSerializer(page, many=True).data)


class StatementDetailApi(APIView):
    permission_classes = [IsProducerMemberOrManager]

    @extend_schema(
        tags=[TAG],
        summary="A monthly statement (JSON)",
        responses={200: StatementDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(StatementDetailSerializer(selectors.statement_get(user=request.user, pk=pk)).data)


class StatementCsvApi(APIView):
    permission_classes = [IsProducerMemberOrManager]

    @extend_schema(
        tags=[TAG],
        summary="A monthly statement as CSV",
        operation_id="processing_statements_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        statement = selectors.statement_get(user=request.user, pk=pk)
        response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="releve-{statement.producer.slug}-{statement.month:%Y-%m}.csv"'
        )
        return response


class StatementPdfApi(APIView):
    permission_classes = [IsProducerMemberOrManager]

    @extend_schema(
        tags=[TAG],
        summary="A monthly statement as PDF",
        operation_id="processing_statements_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        statement = selectors.statement_get(user=request.user, pk=pk)
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="releve-{statement.producer.slug}-{statement.month:%Y-%m}.pdf"'
        )
        return response


class CalendarFeedApi(APIView):
    """The private iCalendar URL of the user's producer; a manager: of a producer (`?producer=`) or of the workshop."""

    permission_classes = [IsProducerMemberOrManager]

    def _owner(self, request) -> int | None:
        # Checked for everyone, as the schema says, though a producer member's own producer wins.
        query = CalendarFeedQuerySerializer(data=request.query_params.dict())  # a dict: DRF skips "" in a QueryDict
        query.is_valid(raise_exception=True)
        if is_producer_member(request.user) and not is_manager(request.user):
            return request.user.producer_id
            return request.user.producer_id
        producer_id = query.validated_data.get("producer")
        if producer_id is not None and not Producer.objects.filter(pk=producer_id).exists():
            raise NotFound()
        return producer_id

    def _body(self, request, feed, producer_id):
        url = None
        if feed is not None:
            path = reverse("processing:ical-feed", kwargs={"token": feed.token})
            base = settings.PROCESSING_PUBLIC_BASE_URL
            url = f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)
        return {
            "url": url,
            "scope": "producer" if producer_id else "workshop",
            "producer": producer_id,
            "created_at": feed.created_at if feed else None,
        }

    _params = [
        OpenApiParameter(
            "producer",
            {"type": "integer", "format": "int64", "minimum": 0, "maximum": 10**18 - 1},
            description="Staff: a producer's feed.",
        )
    ]

    @extend_schema(
        tags=[TAG],
        summary="The current private calendar URL (url is null when none)",
        parameters=_params,
        responses={200: CalendarFeedSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        producer_id = self._owner(request)
        feed = selectors.calendar_feed_active(producer_id=producer_id)
        return Response(CalendarFeedSerializer(self._body(request, feed, producer_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Issue a new private calendar URL (the previous one stops working)",
        parameters=_params,
        request=None,
        responses={201: CalendarFeedSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        producer_id = self._owner(request)
        feed = calendar_feed_rotate(producer_id=producer_id, user=request.user)
        return Response(CalendarFeedSerializer(self._body(request, feed, producer_id)).data, status=201)

    @extend_schema(
        tags=[TAG],
        summary="Revoke the private calendar URL",
        parameters=_params,
        request=None,
        responses={204: OpenApiResponse(description="Revoked."), **error_responses(400, 401, 403, 404)},
    )
    def delete(self, request):
        producer_id = self._owner(request)
        calendar_feed_revoke(producer_id=producer_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ICalendarRenderer(BaseRenderer):
    """Lets content negotiation accept `Accept: text/calendar` (calendar apps send it); the view builds the body."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data or "").encode(self.charset)


class IcalFeedApi(APIView):
    """The feed itself: no login (calendar apps cannot log in), the unguessable token is the credential."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = [JSONRenderer, ICalendarRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (404) are answered in JSON whatever the client accepts, like every error of the API.
        if response.status_code >= 400 or request.method != "GET":
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="iCalendar feed (secret URL)",
        auth=[],
        responses={(200, "text/calendar"): OpenApiTypes.STR, **error_responses(404)},
    )
    def get(self, request, token: str):
        feed = selectors.calendar_feed_by_token(token=token)
        if feed is None:
            raise NotFound()
        now = timezone.now()
        name = f"Légumerie-conserverie – {feed.producer.name}" if feed.producer_id else "Légumerie-conserverie Ecopôle"
        body = render_calendar(
            name=name,
            bookings=selectors.calendar_feed_bookings(feed=feed, now=now),
            now=now,
            with_producer=feed.producer_id is None,
        )
        response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, max-age=300"
        return response


# --- Recalls -------------------------------------------------------------------------------------------------------


class LotRecallApi(APIView):
    """A manager recalls a lot (or confirms its producer's request); a member of the lot's producer requests it."""

    permission_classes = [IsProducerMemberOrManager]

    @extend_schema(
        tags=[TAG],
        summary="Recall a lot (manager), or ask for its recall (its producer's members)",
        description=(
            "A manager: in one transaction the lot's remaining stock is blocked, the vending compartments holding it "
            "are flagged for removal, every customer who received it is emailed once (after commit) and the report "
            "is stored; 200 with the recall. Calling it again changes nothing (200, same recall). A member of the "
            "lot's producer: the recall is requested (202) and a manager confirms it."
        ),
        request=LotRecallBodySerializer,
        responses={
            200: LotRecallDetailSerializer,
            202: LotRecallSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request, code: str):
        body = LotRecallBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lot = selectors.lot_list(user=request.user).filter(code=code).first()
        if lot is None:
            raise NotFound()
        if is_manager(request.user):
            recall, _done = lot_recall(lot_id=lot.pk, user=request.user, reason=body.validated_data["reason"])
            return Response(LotRecallDetailSerializer(recall).data)
        recall = lot_recall_request(lot_id=lot.pk, user=request.user, reason=body.validated_data["reason"])
        return Response(LotRecallSerializer(recall).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=[TAG],
        summary="Manager: the recall of a lot and its report (who got how much and when)",
        responses={200: LotRecallDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, code: str):
        return Response(LotRecallDetailSerializer(selectors.lot_recall_get(code=code)).data)

    def get_permissions(self):
        # The report names the customers: the manager's only; a producer member may only ask for a recall.
        if self.request.method == "GET":
            return [IsManager()]
        return super().get_permissions()


class LotRecallCsvApi(APIView):
    permission_classes = [IsManager]

    @extend_schema(
        tags=[TAG],
        summary="Manager: the recall report of a lot as CSV",
        operation_id="processing_lots_recall_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(401, 403, 404)},
    )
    def get(self, request, code: str):
        recall = selectors.lot_recall_get(code=code)
        response = HttpResponse(recall_report_csv(recall), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="rappel-{recall.lot.code}.csv"'
        return response
