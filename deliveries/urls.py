from django.urls import path

from .apis import (
    DeliveryWindowDetailApi,
    DeliveryWindowListApi,
    MyRoundListApi,
    PlanningJobApi,
    RoundDetailApi,
    RoundDriverApi,
    RoundFinishApi,
    RoundListApi,
    RoundLockApi,
    RoundPlanApi,
    RoundReorderApi,
    RoundSheetApi,
    RoundStartApi,
    StopDeliveredApi,
    StopFailedApi,
    StopMoveApi,
    StopResolveApi,
)

app_name = "deliveries"
urlpatterns = [
    path("rounds/", RoundListApi.as_view(), name="round-list"),
    path("rounds/plan/", RoundPlanApi.as_view(), name="round-plan"),
    path("planning-jobs/<int:job_id>/", PlanningJobApi.as_view(), name="planning-job"),
    path("my-rounds/", MyRoundListApi.as_view(), name="my-rounds"),
    path("rounds/<int:round_id>/", RoundDetailApi.as_view(), name="round-detail"),
    path("rounds/<int:round_id>/start/", RoundStartApi.as_view(), name="round-start"),
    path("rounds/<int:round_id>/finish/", RoundFinishApi.as_view(), name="round-finish"),
    path("rounds/<int:round_id>/reorder/", RoundReorderApi.as_view(), name="round-reorder"),
    path("rounds/<int:round_id>/lock/", RoundLockApi.as_view(), name="round-lock"),
    path("rounds/<int:round_id>/driver/", RoundDriverApi.as_view(), name="round-driver"),
    path("rounds/<int:round_id>/sheet/", RoundSheetApi.as_view(), name="round-sheet"),
    path("rounds/<int:round_id>/stops/<int:stop_id>/delivered/", StopDeliveredApi.as_view(), name="stop-delivered"),
    path("rounds/<int:round_id>/stops/<int:stop_id>/failed/", StopFailedApi.as_view(), name="stop-failed"),
    path("rounds/<int:round_id>/stops/<int:stop_id>/resolve/", StopResolveApi.as_view(), name="stop-resolve"),
    path("rounds/<int:round_id>/stops/<int:stop_id>/move/", StopMoveApi.as_view(), name="stop-move"),
    path("windows/", DeliveryWindowListApi.as_view(), name="window-list"),
    path("windows/<int:window_id>/", DeliveryWindowDetailApi.as_view(), name="window-detail"),
]
