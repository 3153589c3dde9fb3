from django.urls import path

from .apis import (
    EmailConfirmApi,
    EmailConfirmResendApi,
    LogoutApi,
    MeApi,
    MeExportApi,
    PasswordChangeApi,
    RegisterApi,
    TokenApi,
)

app_name = "accounts"
urlpatterns = [
    path("register/", RegisterApi.as_view(), name="register"),
    path("token/", TokenApi.as_view(), name="token"),
    path("logout/", LogoutApi.as_view(), name="logout"),
    path("password/", PasswordChangeApi.as_view(), name="password"),
    path("confirm-email/", EmailConfirmApi.as_view(), name="confirm-email"),
    path("confirm-email/resend/", EmailConfirmResendApi.as_view(), name="confirm-email-resend"),
    path("me/", MeApi.as_view(), name="me"),
    path("me/export/", MeExportApi.as_view(), name="me-export"),
]
