"""The driver's pages, under /livreur/ (ecopole/urls.py)."""

from django.urls import path

from . import views_driver as views

app_name = "driver"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("tournees/<int:round_id>/", views.round_detail, name="round"),
    path("tournees/<int:round_id>/demarrer/", views.round_start_view, name="round-start"),
    path("tournees/<int:round_id>/terminer/", views.round_finish_view, name="round-finish"),
    path("tournees/<int:round_id>/arrets/<int:stop_id>/", views.stop_detail, name="stop"),
    path("tournees/<int:round_id>/arrets/<int:stop_id>/livre/", views.stop_deliver_view, name="stop-deliver"),
    path("tournees/<int:round_id>/arrets/<int:stop_id>/echec/", views.stop_fail_view, name="stop-fail"),
    # The proof of delivery's files: the stop's staff and the customers of its orders (not drivers only).
    path("preuves/<int:stop_id>/<str:part>/", views.proof_file, name="proof"),
]
