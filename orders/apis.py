"""HTTP edge of the online grocery: parse, check the role, call one service or selector, serialize.

Every write runs in the one durable transaction its entry service opens (nothing wraps an API request): it has
committed, and its emails are enqueued, when the service returns.
"""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.audit import personal_data_access_record
from ecopole.core.pagination import PageNumberPagination, WindowCountPagination
from ecopole.core.permissions import IsPreparerOrManager, IsStaffMember, sees_all_orders
from ecopole.core.schema import error_responses
from payments.apis import voucher_answer
from payments.serializers import OrderVoucherInputSerializer, VoucherSerializer

from . import selectors
from .filters import OrderFilter
from .models import Order
from .renderers import PreparationListCsvRenderer
from .serializers import (
    PREPARATION_PAGE_SIZE,
    PREPARATION_PAGE_SIZE_MAX,
    CounterSaleInputSerializer,
    CounterSaleSerializer,
    DeliveryPlaceSerializer,
    OrderCancelSerializer,
    OrderDetailSerializer,
    OrderLinesSerializer,
    OrderLockerLoadSerializer,
    OrderPaymentSerializer,
    OrderPlaceSerializer,
    OrderPreparedQuantitiesSerializer,
    OrderSerializer,
    OrderTransitionSerializer,
    PreparationListQuerySerializer,
    PreparationListSerializer,
)
from .services.counter import counter_sale_record
from .services.grocery import (
    HomeAddress,
    LineRequest,
    order_cancel,
    order_payment_record,
    order_place,
    order_prepared_quantities_set,
    order_transition,
)
from .services.locker import order_locker_code_renew, order_locker_load
from .services.modify import order_modify
from .services.payment import order_voucher_pay

TAGS = ["orders"]
IDEMPOTENCY_KEY_MAX_LENGTH = 255

idempotency_key_parameter = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (at most 255 characters), e.g. a UUID. Retrying with the same key and the same body "
        "returns the first order (200) instead of placing a second one; the same key with another body is refused "
        "with 422 `idempotency_key_reused`."
    ),
)


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and (len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable()):
        raise serializers.ValidationError({"Idempotency-Key": ["At most 255 printable characters."]})
    return key


def _detail(order_id: int, request, *, audit: bool = False) -> dict:
    order = selectors.order_get(user=request.user, order_id=order_id)
    if audit:  # staff reading a customer's address and phone: written to the audit log, once per access
        personal_data_access_record(
            actor=request.user, subject_id=order.customer_id, obj=order, where="api:orders_retrieve"
        )
    return OrderDetailSerializer(order, context={"request": request}).data


class OrderListCreateApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSerializer
    filterset_class = OrderFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Order.objects.none()
        return selectors.order_list(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_list",
        summary="Orders: a customer's own, or all of them for staff (with filters)",
        responses={200: OrderSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_place",
        summary="Place an order for pickup or home delivery",
        description=(
            "Refusals a client should expect besides `validation_error`: 403 `email_not_confirmed` (confirm the "
            "address first); 400 `closed_day` (a public holiday or a closure of the Ecopôle), "
            "`delivery_date_unavailable`, `cutoff_passed`, `below_minimum_order`; 409 `insufficient_stock`, "
            "`unpaid_total_exceeded` and `unpaid_quantity_exceeded` (caps on a customer's open unpaid orders: "
            "`ORDERS_MAX_UNPAID_TOTAL`, `ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT`); 429 `order_rate_exceeded` "
            "(`ORDERS_MAX_PER_CUSTOMER_PER_DAY`, with Retry-After). Staff are not limited. Managers and preparers may "
            "place the order for a customer (`customer`: their id; 400 `validation_error` for an unknown one); "
            "anyone else naming another customer gets 403 `permission_denied`. A home address without "
            "latitude and longitude is geocoded: 400 `outside_delivery_zone`, `coordinates_outside_zone`; 422 "
            "`address_not_found`, `address_ambiguous` (`fields.choices`: the addresses to choose from); 503 "
            "`geocoder_unavailable`."
        ),
        parameters=[idempotency_key_parameter],
        request=OrderPlaceSerializer,
        responses={
            201: OrderDetailSerializer,
            200: OpenApiResponse(OrderDetailSerializer, description="Replay of an Idempotency-Key: the first order."),
            **error_responses(400, 401, 403, 409, 422, 429, 503),
        },
    )
    def post(self, request):
        key = _idempotency_key(request)
        serializer = OrderPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fulfilment = data["fulfilment"]
        address = fulfilment.get("address")
        customer, placed_by = request.user, None
        if data.get("customer") not in (None, request.user.pk):
            if not sees_all_orders(request.user):
                raise PermissionDenied()
            customer = selectors.customer_for_staff_order(customer_id=data["customer"])
            if customer is None:
                raise serializers.ValidationError({"customer": ["Unknown customer."]})
            placed_by = request.user
        placement = order_place(
            customer=customer,
            placed_by=placed_by,
            lines=[LineRequest(line["product"], line["quantity"]) for line in data["lines"]],
            fulfilment=fulfilment["type"],
            pickup_point_id=fulfilment.get("point"),
            address=HomeAddress(**address) if address else None,
            delivery_date=data["delivery_date"],
            note=data["note"],
            idempotency_key=key,
            delivery_window_id=fulfilment.get("window"),
        )
        if not placement.created:
            return Response(_detail(placement.order.pk, request), headers={"Idempotent-Replayed": "true"})
        # The new order comes back with its lines and event in memory: serialized without reading it back.
        body = OrderDetailSerializer(placement.order, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_retrieve",
        summary="One order with its lines and history",
        responses={200: OrderDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request, order_id: int):
        return Response(_detail(order_id, request, audit=True))


class OrderCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_cancel",
        summary="Cancel an order (customer: before the cutoff; staff: before fulfilment)",
        request=OrderCancelSerializer,
        responses={200: OrderDetailSerializer, **error_responses(400, 401, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        serializer = OrderCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        order_cancel(order_id=order_id, actor=request.user, note=serializer.validated_data["note"])
        return Response(_detail(order_id, request))


modification_key_parameter = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (at most 255 characters), e.g. a UUID. Retrying with the same key and the same lines "
        "answers the order (200, `Idempotent-Replayed: true`) without changing it again, even if it changed since; "
        "the same key with other lines is refused with 422 `idempotency_key_reused`."
    ),
)


class OrderLinesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_lines_replace",
        summary="Change an order before its cutoff: its whole new set of lines (quantities, lines added or removed)",
        description=(
            "Only the difference with the order's current lines moves in the stock. Lines already ordered keep "
            "their price; a new line takes today's. Refusals besides `validation_error`: 404 for an order that is "
            "not yours; 409 `modification_closed` (not `placed`, already paid or past its cutoff: `fields` has "
            "`current` and `cutoff_at`), `insufficient_stock`, `unpaid_total_exceeded`, `unpaid_quantity_exceeded`; "
            "400 `invalid_quantity`, `product_unavailable`, `duplicate_product`, `below_minimum_order` (home "
            "delivery); 422 `idempotency_key_reused`. Sending the current lines again changes nothing."
        ),
        parameters=[modification_key_parameter],
        request=OrderLinesSerializer,
        responses={200: OrderDetailSerializer, **error_responses(400, 401, 404, 409, 422, 503)},
    )
    def put(self, request, order_id: int):
        key = _idempotency_key(request)
        serializer = OrderLinesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        result = order_modify(
            order_id=order_id,
            actor=request.user,
            lines=[LineRequest(line["product"], line["quantity"]) for line in serializer.validated_data["lines"]],
            idempotency_key=key,
        )
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(_detail(order_id, request), headers=headers)


class OrderTransitionApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_transition",
        summary="Staff: move an order to its next status (preparing, ready, out_for_delivery, fulfilled, cancelled)",
        request=OrderTransitionSerializer,
        responses={200: OrderDetailSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        serializer = OrderTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        order_transition(
            order_id=order_id,
            target=serializer.validated_data["status"],
            actor=request.user,
            note=serializer.validated_data["note"],
        )
        return Response(_detail(order_id, request))


class OrderPreparedQuantitiesApi(APIView):
    permission_classes = [IsPreparerOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_prepared_quantities",
        summary="Staff: set the weighed quantities of the lines sold by weight (final prices and totals)",
        request=OrderPreparedQuantitiesSerializer,
        responses={200: OrderDetailSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        serializer = OrderPreparedQuantitiesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quantities = serializer.validated_data["lines"]
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        order_prepared_quantities_set(order_id=order_id, quantities=quantities, actor=request.user)
        return Response(_detail(order_id, request))


class OrderPaymentApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_payment",
        summary="Staff: record the payment status and method",
        request=OrderPaymentSerializer,
        responses={200: OrderDetailSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        serializer = OrderPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        order_payment_record(order_id=order_id, actor=request.user, **serializer.validated_data)
        return Response(_detail(order_id, request))


class OrderVoucherApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_voucher_pay",
        summary="Staff: a food-aid voucher pays the order (what exceeds what is due goes to the customer's balance)",
        request=OrderVoucherInputSerializer,
        responses={201: VoucherSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        serializer = OrderVoucherInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        data = serializer.validated_data
        voucher = order_voucher_pay(
            order_id=order_id,
            partner_id=data["partner"],
            number=data["number"],
            value=data["value"],
            actor=request.user,
        )
        return Response(voucher_answer(voucher), status=status.HTTP_201_CREATED)


class OrderLockerApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_locker_load",
        summary="Staff: put an order into a locker of its vending machine; the customer gets a one-time code by email",
        description=(
            "For an order whose pickup point is a vending machine, being prepared (every weight set) or ready: it "
            "becomes ready, the locker is reserved and the customer is emailed a 6-digit code that opens it once, "
            "until the end of the day after the pickup date. The code is never returned by the API."
        ),
        request=OrderLockerLoadSerializer,
        responses={201: OrderDetailSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        serializer = OrderLockerLoadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        order_locker_load(
            order_id=order_id, compartment_code=serializer.validated_data["compartment"], actor=request.user
        )
        return Response(_detail(order_id, request), status=status.HTTP_201_CREATED)


class OrderLockerCodeApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_locker_code_renew",
        summary="Staff: email a new code for an order waiting in its locker (lost email, blocked locker)",
        description=(
            "The old code stops working, the count of wrong codes restarts (a blocked locker opens again), the "
            "validity is unchanged. 409 `order_not_in_locker` when the order waits in no locker."
        ),
        request=None,
        responses={200: OrderDetailSerializer, **error_responses(401, 403, 404, 409, 503)},
    )
    def post(self, request, order_id: int):
        selectors.order_ensure_visible(user=request.user, order_id=order_id)
        order_locker_code_renew(order_id=order_id, actor=request.user)
        return Response(_detail(order_id, request))


class CounterSaleApi(APIView):
    permission_classes = [IsPreparerOrManager]

    @extend_schema(
        tags=TAGS,
        operation_id="orders_counter_sale",
        summary="Staff: record a sale at the épicerie's counter, paid on the spot (cash, card or cheque)",
        description=(
            "The products leave the stock through the ledger (reason `counter_sale`, the sale as source), all or "
            "nothing: 409 `insufficient_stock` when one is short; 400 `product_unavailable`, `invalid_quantity` (the "
            "product's minimum and step), `duplicate_product`. Prices and VAT are the catalogue's at the time of sale."
        ),
        request=CounterSaleInputSerializer,
        responses={201: CounterSaleSerializer, **error_responses(400, 401, 403, 409, 503)},
    )
    def post(self, request):
        serializer = CounterSaleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sale = counter_sale_record(
            seller=request.user,
            lines=[LineRequest(line["product"], line["quantity"]) for line in data["lines"]],
            payment_method=data["payment_method"],
        )
        sale = selectors.counter_sale_get(sale_id=sale.pk)
        return Response(CounterSaleSerializer(sale).data, status=status.HTTP_201_CREATED)


class DeliveryDaysApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="orders_delivery_days",
        summary="Pickup points and delivery zones with their next open delivery dates and cutoffs",
        responses={200: DeliveryPlaceSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.delivery_places_open(), request, view=self)
        return paginator.get_paginated_response(DeliveryPlaceSerializer(page, many=True).data)


class PreparationPagination(WindowCountPagination):
    page_size = PREPARATION_PAGE_SIZE
    max_page_size = PREPARATION_PAGE_SIZE_MAX


class PreparationListApi(APIView):
    permission_classes = [IsPreparerOrManager]
    renderer_classes = [JSONRenderer, PreparationListCsvRenderer]
    pagination_class = PreparationPagination

    @extend_schema(
        tags=TAGS,
        operation_id="orders_preparation_list",
        summary="Staff: quantities to prepare for a delivery date, per product and per pickup point or zone",
        description=(
            "JSON by default, one page of rows (`by=destination`: per pickup point or zone and product; "
            "`by=product`: the totals) with the date's destinations and number of orders. "
            "CSV with `?format=csv` or `Accept: text/csv`: every row in one streamed file, the totals last "
            "(destination_type `total`), unpaginated."
        ),
        parameters=[
            PreparationListQuerySerializer,
            OpenApiParameter("format", str, enum=["json", "csv"], required=False, description="Response format."),
        ],
        responses={
            (200, "application/json"): PreparationListSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per destination and product."),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request):
        query = PreparationListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        day, by, destination = query.validated_data["date"], query.validated_data["by"], query.destination_filter()
        if isinstance(request.accepted_renderer, PreparationListCsvRenderer):
            return self._csv(day, by, destination)
        destinations = selectors.preparation_destinations(delivery_date=day)
        if by == "product":
            rows = selectors.preparation_rows(delivery_date=day, by=by, destination=destination)
        else:  # a page reads only the destinations it spans
            spanned = [place for place in destinations if destination in (None, (place["type"], place["id"]))]
            rows = selectors.PreparationDestinationRows(day, spanned)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        data = {
            "date": day,
            "by": by,
            "orders_count": sum(place["orders_count"] for place in destinations),
            "destinations": destinations,
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": [selectors.preparation_row(row) for row in page],
        }
        return Response(PreparationListSerializer(data).data)

    def _csv(self, day, by, destination) -> StreamingHttpResponse:
        """Every row, streamed as the database cursor yields it (`iterator`): the 10x bench date (34,000 rows)
        starts to arrive before it is all read, and is never held whole in memory."""
        sections = [selectors.preparation_rows(delivery_date=day, by=by, destination=destination)]
        if by == "destination":
            sections.append(selectors.preparation_rows(delivery_date=day, by="product", destination=destination))
        records = (selectors.preparation_row(row) for section in sections for row in section.iterator(2000))
        response = StreamingHttpResponse(
            PreparationListCsvRenderer().stream(day.isoformat(), records), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="preparation-{day.isoformat()}.csv"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and OPTIONS metadata are answered in JSON, whatever format was asked for.
        if response.status_code >= 400 or request.method not in {"GET", "HEAD"}:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
