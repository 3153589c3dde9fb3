from django.urls import path

from . import apis

app_name = "vending"
urlpatterns = [
    path("machines/", apis.MachineListApi.as_view(), name="machine-list"),
    path("machines/<int:pk>/", apis.MachineDetailApi.as_view(), name="machine-detail"),
    path("machines/<int:pk>/sales/", apis.MachineSalesApi.as_view(), name="machine-sales"),
    path("machines/<int:pk>/inventory/", apis.MachineInventoryApi.as_view(), name="machine-inventory"),
    path("machines/<int:pk>/unlock/", apis.MachineUnlockApi.as_view(), name="machine-unlock"),
    path("machines/<int:pk>/key/", apis.MachineKeyApi.as_view(), name="machine-key"),
    path("machines/<int:pk>/refills/", apis.MachineRefillsApi.as_view(), name="machine-refills"),
    path("machines/<int:pk>/removals/", apis.MachineRemovalsApi.as_view(), name="machine-removals"),
    path("machines/<int:pk>/report/", apis.MachineReportApi.as_view(), name="machine-report"),
    path("sales/flagged/", apis.FlaggedSaleListApi.as_view(), name="sale-flagged-list"),
    path("sales/<int:pk>/accept/", apis.SaleAcceptApi.as_view(), name="sale-accept"),
    path("refill-requests/", apis.RefillRequestListApi.as_view(), name="refill-request-list"),
]
