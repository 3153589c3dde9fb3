from django.urls import path, re_path

from .apis import (
    CompositionListApi,
    CompositionPublishApi,
    CompositionSetApi,
    DeliveryStatusApi,
    GenerateApi,
    OfferListApi,
    PickupSheetApi,
    SolidarityListApi,
    SolidarityRequestDecideApi,
    SolidarityRequestListCreateApi,
    StatementApi,
    SubscriptionCancelApi,
    SubscriptionChangeApi,
    SubscriptionDetailApi,
    SubscriptionListCreateApi,
    SubscriptionPauseApi,
    SubscriptionResumeApi,
    SubscriptionSkipApi,
)

WEEK = r"(?P<week>\d{4}-W\d{2})"

app_name = "baskets"
urlpatterns = [
    path("offers/", OfferListApi.as_view(), name="offers"),
    path("offers/<int:offer_id>/compositions/", CompositionListApi.as_view(), name="compositions"),
    re_path(rf"^offers/(?P<offer_id>[0-9]+)/compositions/{WEEK}/$", CompositionSetApi.as_view(), name="composition"),
    re_path(
        rf"^offers/(?P<offer_id>[0-9]+)/compositions/{WEEK}/publish/$",
        CompositionPublishApi.as_view(),
        name="composition-publish",
    ),
    path("subscriptions/", SubscriptionListCreateApi.as_view(), name="subscriptions"),
    path("subscriptions/<int:subscription_id>/", SubscriptionDetailApi.as_view(), name="subscription"),
    path("subscriptions/<int:subscription_id>/skip/", SubscriptionSkipApi.as_view(), name="subscription-skip"),
    path("subscriptions/<int:subscription_id>/pause/", SubscriptionPauseApi.as_view(), name="subscription-pause"),
    path("subscriptions/<int:subscription_id>/resume/", SubscriptionResumeApi.as_view(), name="subscription-resume"),
    path("subscriptions/<int:subscription_id>/change/", SubscriptionChangeApi.as_view(), name="subscription-change"),
    path("subscriptions/<int:subscription_id>/cancel/", SubscriptionCancelApi.as_view(), name="subscription-cancel"),
    path("statement/", StatementApi.as_view(), name="statement"),
    path("deliveries/", PickupSheetApi.as_view(), name="deliveries"),
    path("deliveries/<int:delivery_id>/status/", DeliveryStatusApi.as_view(), name="delivery-status"),
    path("generate/", GenerateApi.as_view(), name="generate"),
    path("solidarity/", SolidarityListApi.as_view(), name="solidarity"),
    path("solidarity-requests/", SolidarityRequestListCreateApi.as_view(), name="solidarity-requests"),
    path(
        "solidarity-requests/<int:request_id>/decide/",
        SolidarityRequestDecideApi.as_view(),
        name="solidarity-request-decide",
    ),
]
