from django.urls import path

from .apis import MeApi, RegisterApi, TokenApi

app_name = "accounts"
urlpatterns = [
    path("register/", RegisterApi.as_view(), name="register"),
    path("token/", TokenApi.as_view(), name="token"),
    path("me/", MeApi.as_view(), name="me"),
]
