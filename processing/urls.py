from django.urls import path

from . import apis

app_name = "processing"

urlpatterns = [
    path("equipment/", apis.EquipmentListApi.as_view(), name="equipment-list"),
    path("availability/", apis.AvailabilityApi.as_view(), name="availability"),
    path("bookings/", apis.BookingListCreateApi.as_view(), name="booking-list"),
    path("bookings/<int:pk>/", apis.BookingDetailApi.as_view(), name="booking-detail"),
    path("bookings/<int:pk>/cancel/", apis.BookingCancelApi.as_view(), name="booking-cancel"),
    path("bookings/<int:pk>/accept-offer/", apis.BookingAcceptOfferApi.as_view(), name="booking-accept-offer"),
    path("bookings/<int:pk>/confirm/", apis.BookingConfirmApi.as_view(), name="booking-confirm"),
    path("bookings/<int:pk>/no-show/", apis.BookingNoShowApi.as_view(), name="booking-no-show"),
    path("bookings/<int:pk>/complete/", apis.BookingCompleteApi.as_view(), name="booking-complete"),
    path("lots/", apis.LotListApi.as_view(), name="lot-list"),
    path("lots/<str:code>/", apis.LotTraceApi.as_view(), name="lot-trace"),
    path("lots/<str:code>/recall/", apis.LotRecallApi.as_view(), name="lot-recall"),
    path("lots/<str:code>/recall/csv/", apis.LotRecallCsvApi.as_view(), name="lot-recall-csv"),
    path("statements/", apis.StatementListApi.as_view(), name="statement-list"),
    path("statements/<int:pk>/", apis.StatementDetailApi.as_view(), name="statement-detail"),
    path("statements/<int:pk>/csv/", apis.StatementCsvApi.as_view(), name="statement-csv"),
    path("statements/<int:pk>/pdf/", apis.StatementPdfApi.as_view(), name="statement-pdf"),
    path("calendar-feed/", apis.CalendarFeedApi.as_view(), name="calendar-feed"),
    path("ical/<str:token>.ics", apis.IcalFeedApi.as_view(), name="ical-feed"),
]
