"""HTTP edge of the catalogue: parse input, check the role, call one service or selector, serialize."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.pagination import WindowCountPagination
from ecopole.core.permissions import IsManager, IsStaffMember, is_staff_member
from ecopole.core.schema import error_responses

from . import selectors
from .errors import ImportFileUnreadable
from .filters import ProductFilterSerializer, StockMovementFilterSerializer
from .models import Category, Producer, Product, StockMovement
from .serializers import (
    CategorySerializer,
    PhotoInputSerializer,
    PhotoSerializer,
    ProducerSerializer,
    ProductCreateInputSerializer,
    ProductImportInputSerializer,
    ProductImportSerializer,
    ProductSerializer,
    ProductUpdateInputSerializer,
    StockMovementSerializer,
    StockRecordInputSerializer,
    StockRecordResultSerializer,
    photo_data,
    product_rows_data,
)
from .services.imports import product_import_csv
from .services.photos import producer_photo_remove, producer_photo_set, product_photo_remove, product_photo_set
from .services.products import product_create, product_update
from .services.stock import stock_record

MAX_IMPORT_BYTES = 512 * 1024


def _require_product_writer(user) -> None:
    if not (user and user.is_authenticated):
        raise NotAuthenticated()
    if not (is_staff_member(user) or getattr(user, "producer_id", None)):
        raise PermissionDenied()


class ProducerListApi(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProducerSerializer
    queryset = Producer.objects.none()  # for the schema; reads go through selectors

    @extend_schema(
        tags=["catalogue"],
        summary="Producers",
        responses={200: ProducerSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.producer_list())
        return self.get_paginated_response(ProducerSerializer(page, many=True).data)


class ProducerDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["catalogue"], summary="A producer", responses={200: ProducerSerializer, **error_responses(404)}
    )
    def get(self, request, slug: str):
        return Response(ProducerSerializer(selectors.producer_get(slug=slug)).data)


class CategoryListApi(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    queryset = Category.objects.none()

    @extend_schema(
        tags=["catalogue"],
        summary="Categories",
        responses={200: CategorySerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.category_list())
        return self.get_paginated_response(CategorySerializer(page, many=True).data)


class ProductListCreateApi(GenericAPIView):
    serializer_class = ProductSerializer
    queryset = Product.objects.none()
    pagination_class = WindowCountPagination  # the busiest list: one query per page

    def get_permissions(self):
        return [AllowAny()]  # writers are checked in post(): 401 anonymous, 403 customers

    @extend_schema(
        tags=["catalogue"],
        summary="The catalogue",
        parameters=[ProductFilterSerializer],
        responses={200: ProductSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        params = ProductFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        rows = selectors.product_list_rows(user=request.user, filters=params.to_filters())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(product_rows_data(page, today=timezone.localdate()))

    @extend_schema(
        tags=["catalogue"],
        summary="Create a product (staff, or a member for its own producer)",
        request=ProductCreateInputSerializer,
        responses={201: ProductSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request):
        _require_product_writer(request.user)
        serializer = ProductCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        producer = data.pop("producer", None)
        if is_staff_member(request.user):
            if producer is None:
                raise DrfValidationError({"producer": [_("This field is required.")]})
        elif producer is None:
            producer = request.user.producer
        elif producer.pk != request.user.producer_id:
            raise PermissionDenied(_("You can only add products of your own producer."))
        product = product_create(producer=producer, actor=request.user, **data)
        product = selectors.product_get(user=request.user, pk=product.pk)
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=["catalogue"], summary="A product", responses={200: ProductSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(ProductSerializer(selectors.product_get(user=request.user, pk=pk)).data)

    @extend_schema(
        tags=["catalogue"],
        summary="Change a product (staff, or a member of its producer)",
        request=ProductUpdateInputSerializer,
        responses={200: ProductSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        _require_product_writer(request.user)
        product = selectors.product_get_for_update(user=request.user, pk=pk)
        serializer = ProductUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        product_update(product=product, actor=request.user, **serializer.validated_data)
        return Response(ProductSerializer(selectors.product_get(user=request.user, pk=pk)).data)


class StockMovementListCreateApi(GenericAPIView):
    serializer_class = StockMovementSerializer
    queryset = StockMovement.objects.none()

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsStaffMember()]
        return [IsAuthenticated()]

    @extend_schema(
        tags=["stock"],
        summary="Read the stock ledger (staff; a producer member for its own products)",
        parameters=[StockMovementFilterSerializer],
        responses={200: StockMovementSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        if not (is_staff_member(request.user) or getattr(request.user, "producer_id", None)):
            raise PermissionDenied()
        params = StockMovementFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        movements = selectors.stock_movement_list(
            user=request.user,
            product_id=params.validated_data.get("product"),
            reason=params.validated_data.get("reason"),
        )
        page = self.paginate_queryset(movements)
        context = {"show_actor": is_staff_member(request.user)}
        return self.get_paginated_response(StockMovementSerializer(page, many=True, context=context).data)

    @extend_schema(
        tags=["stock"],
        summary="Record a receipt, a loss or an inventory count (staff)",
        description="An inventory count records the difference with the ledger as an `adjustment` movement "
        "(none, and 200, when the count matches). A loss beyond the stock is refused with `insufficient_stock`.",
        request=StockRecordInputSerializer,
        responses={
            201: StockRecordResultSerializer,
            200: StockRecordResultSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request):
        serializer = StockRecordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product = selectors.product_get(user=request.user, pk=data["product"])
        movement, level = stock_record(
            product_id=product.pk,
            kind=data["operation"],
            quantity=data["quantity"],
            user=request.user,
            note=data["note"],
        )
        body = StockRecordResultSerializer(
            {"movement": movement, "stock_available": level},
            context={"show_actor": True},  # staff only
        ).data
        return Response(body, status=status.HTTP_201_CREATED if movement else status.HTTP_200_OK)


class ProductImportApi(APIView):
    permission_classes = [IsManager]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["catalogue"],
        summary="Import a producer's CSV price list (manager): all rows or none",
        description=(
            "Columns `name`, `unit`, `price`, `vat`, `category`, `stock` (French names accepted: nom, unité, prix, "
            'tva, catégorie). Separator `;` or `,`. Prices accept "2,80" and "2.80"; VAT 5.5, 10 or 20. Every row '
            "is validated before anything is written; errors come back as `import_invalid` with "
            '`fields.rows` = {"<line>": {"<column>": ["message"]}} (the header is line 1). The stock column is '
            "received into the ledger. The same file twice is refused with `import_already_applied`."
        ),
        request={"multipart/form-data": ProductImportInputSerializer},
        responses={201: ProductImportSerializer, **error_responses(400, 401, 403, 409)},
        parameters=[OpenApiParameter("Content-Type", str, OpenApiParameter.HEADER, required=False, exclude=True)],
    )
    def post(self, request):
        serializer = ProductImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ImportFileUnreadable(reason=_("the file is larger than 512 KB."))
        batch = product_import_csv(
            producer=serializer.validated_data["producer"],
            content=upload.read(),
            filename=upload.name or "",
            user=request.user,
        )
        return Response(ProductImportSerializer(batch).data, status=status.HTTP_201_CREATED)


_PHOTO_DESCRIPTION = (
    "Multipart field `photo`: a JPEG, PNG or WebP image of at most PHOTO_MAX_BYTES (5 MB by default). The content "
    "is checked, not the name: a renamed PDF is `photo_invalid`, a file too large `photo_too_large` (400). "
    "Renditions of 400×300 and 800×600 (cropped to fill) are made once, when the photo is saved."
)


class ProductPhotoApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["catalogue"],
        summary="Set a product's photo (staff, or a member of its producer)",
        description=_PHOTO_DESCRIPTION,
        request={"multipart/form-data": PhotoInputSerializer},
        responses={200: PhotoSerializer, **error_responses(400, 401, 403, 404)},
        parameters=[OpenApiParameter("Content-Type", str, OpenApiParameter.HEADER, required=False, exclude=True)],
    )
    def put(self, request, pk: int):
        _require_product_writer(request.user)
        product = selectors.product_get_for_update(user=request.user, pk=pk)
        serializer = PhotoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = product_photo_set(product=product, upload=serializer.validated_data["photo"], actor=request.user)
        return Response(photo_data(product))

    @extend_schema(
        tags=["catalogue"],
        summary="Remove a product's photo (staff, or a member of its producer)",
        request=None,
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, pk: int):
        _require_product_writer(request.user)
        product_photo_remove(product=selectors.product_get_for_update(user=request.user, pk=pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProducerPhotoApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["catalogue"],
        summary="Set a producer's photo (staff, or a member of that producer)",
        description=_PHOTO_DESCRIPTION,
        request={"multipart/form-data": PhotoInputSerializer},
        responses={200: PhotoSerializer, **error_responses(400, 401, 403, 404)},
        parameters=[OpenApiParameter("Content-Type", str, OpenApiParameter.HEADER, required=False, exclude=True)],
    )
    def put(self, request, slug: str):
        _require_product_writer(request.user)
        producer = selectors.producer_get_for_update(user=request.user, slug=slug)
        serializer = PhotoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        producer = producer_photo_set(producer=producer, upload=serializer.validated_data["photo"], actor=request.user)
        return Response(photo_data(producer))

    @extend_schema(
        tags=["catalogue"],
        summary="Remove a producer's photo (staff, or a member of that producer)",
        request=None,
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, slug: str):
        _require_product_writer(request.user)
        producer_photo_remove(
            producer=selectors.producer_get_for_update(user=request.user, slug=slug), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
