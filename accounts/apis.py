from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecopole.core.schema import error_responses
from ecopole.core.throttling import ScopedRateThrottle

from . import services
from .models import ApiToken
from .serializers import (
    AccountEraseSerializer,
    EmailConfirmedSerializer,
    EmailConfirmSerializer,
    LoggedOutSerializer,
    LogoutSerializer,
    MeSerializer,
    MeUpdateSerializer,
    PasswordChangeSerializer,
    RegisteredSerializer,
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
        description=(
            "The answer is the same whether the address already has an account or not: a new address gets a "
            "welcome email with its confirmation link, a known one an email saying someone tried to register."
        ),
        request=RegisterSerializer,
        responses={202: RegisteredSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_register(**serializer.validated_data)
        detail = _("Thank you. We have sent an email to this address: follow it to finish your registration.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        tags=["auth"],
        summary="Log in: exchange email and password for a new API token",
        description=(
            "Each login makes a new token, shown this once. After LOGIN_FAILURES_BEFORE_DELAY failures on an "
            "account, it waits (429 `login_delayed`, Retry-After)."
        ),
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.token_obtain(**serializer.validated_data, request=request)
        return Response({"token": token.key})


class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Log out: revoke the token used, or every token of the account",
        request=LogoutSerializer,
        responses={200: LoggedOutSerializer, **error_responses(400, 401)},
    )
    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        revoked = services.token_revoke(
            user=request.user, token=token, everywhere=serializer.validated_data["everywhere"]
        )
        return Response({"revoked": revoked})


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Change my password",
        description="Every token of the account is revoked; the answer carries a new one for this client.",
        request=PasswordChangeSerializer,
        responses={200: TokenSerializer, **error_responses(400, 401)},
    )
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.user_password_change(user=request.user, **serializer.validated_data)
        return Response({"token": token.key})


class EmailConfirmApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        tags=["auth"],
        summary="Confirm an email address with the token of the emailed link",
        request=EmailConfirmSerializer,
        responses={200: EmailConfirmedSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        serializer = EmailConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_confirm(**serializer.validated_data)
        # No personal data: whoever holds the link learns only that it worked.
        return Response({"email_confirmed_at": user.email_confirmed_at})


class EmailConfirmResendApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "confirm_email"

    @extend_schema(
        tags=["auth"],
        summary="Send the confirmation link of my email address again",
        request=None,
        responses={202: RegisteredSerializer, **error_responses(401, 409, 429)},
    )
    def post(self, request):
        services.email_confirmation_resend(user=request.user)
        return Response({"detail": _("A new confirmation link is on its way.")}, status=status.HTTP_202_ACCEPTED)


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

    @extend_schema(
        tags=["auth"],
        summary="Erase my account (right to erasure)",
        description=(
            "With the account's password. Open orders are cancelled (stock released) and subscriptions ended; "
            "addresses, phone, notes and the solidarity status are erased; orders stay as accounting records under "
            "a pseudonym (10 years). Every token and session of the account stops working at once."
        ),
        request=AccountEraseSerializer,
        responses={204: None, **error_responses(400, 401)},
    )
    def delete(self, request):
        serializer = AccountEraseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_erase(user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "personal_data_export"

    @extend_schema(
        tags=["auth"],
        summary="Download all the data the Ecopôle holds about me (right of access)",
        description=(
            "A JSON file: `{generated_at, account, sections: [{table, section, fields, rows}]}`, one section per "
            "table of the register of personal data (account, addresses, orders and lines, subscriptions and "
            "deliveries, emails sent, solidarity status, audit events; a producer member's producer)."
        ),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), **error_responses(401, 429)},
    )
    def get(self, request):
        from ecopole.core.personal_data import personal_data_export_json

        response = HttpResponse(
            personal_data_export_json(user=request.user), content_type="application/json; charset=utf-8"
        )
        filename = f"ecopole-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
