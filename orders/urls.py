from django.urls import path

from .apis import (
    CounterSaleApi,
    DeliveryDaysApi,
    OrderCancelApi,
    OrderDetailApi,
    OrderLinesApi,
    OrderListCreateApi,
    OrderLockerApi,
    OrderLockerCodeApi,
    OrderPaymentApi,
    OrderPreparedQuantitiesApi,
    OrderTransitionApi,
    OrderVoucherApi,
    PreparationListApi,
)

app_name = "orders"
urlpatterns = [
    path("", OrderListCreateApi.as_view(), name="list"),
    path("counter-sales/", CounterSaleApi.as_view(), name="counter-sales"),
    path("delivery-days/", DeliveryDaysApi.as_view(), name="delivery-days"),
    path("preparation-list/", PreparationListApi.as_view(), name="preparation-list"),
    path("<int:order_id>/", OrderDetailApi.as_view(), name="detail"),
    path("<int:order_id>/lines/", OrderLinesApi.as_view(), name="lines"),
    path("<int:order_id>/cancel/", OrderCancelApi.as_view(), name="cancel"),
    path("<int:order_id>/transition/", OrderTransitionApi.as_view(), name="transition"),
    path("<int:order_id>/prepared-quantities/", OrderPreparedQuantitiesApi.as_view(), name="prepared-quantities"),
    path("<int:order_id>/payment/", OrderPaymentApi.as_view(), name="payment"),
    path("<int:order_id>/voucher/", OrderVoucherApi.as_view(), name="voucher"),
    path("<int:order_id>/locker/", OrderLockerApi.as_view(), name="locker"),
    path("<int:order_id>/locker/code/", OrderLockerCodeApi.as_view(), name="locker-code"),
]
