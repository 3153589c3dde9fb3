from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.schema import error_responses
from ecopole.core.throttling import ScopedRateThrottle

from . import services
from .serializers import (
    MeSerializer,
    MeUpdateSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        tags=["auth"],
        summary="Create a customer account",
        request=RegisterSerializer,
        responses={201: MeSerializer, **error_responses(400, 409, 429)},
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        tags=["auth"],
        summary="Log in: exchange email and password for an API token",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.token_obtain(**serializer.validated_data, request=request)
        return Response({"token": token.key})


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], summary="My account", responses={200: MeSerializer, **error_responses(401)})
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        tags=["auth"],
        summary="Update my name or phone",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, **error_responses(400, 401)},
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)
