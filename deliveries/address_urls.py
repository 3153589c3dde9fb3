"""`/api/v1/auth/me/addresses/`: included by ecopole/urls.py next to the account's own URLs (accounts sits below
deliveries and cannot import it)."""

from django.urls import path

from .address_apis import SavedAddressDetailApi, SavedAddressListApi

app_name = "addresses"
urlpatterns = [
    path("", SavedAddressListApi.as_view(), name="list"),
    path("<int:address_id>/", SavedAddressDetailApi.as_view(), name="detail"),
]
