"""Staff pages: the planning board (/equipe/tournees/), managers only (staff/views_planning.py)."""

from django.urls import path

from . import views_planning as views

urlpatterns = [
    path("", views.planning_board, name="planning-board"),
    path("planifier/", views.planning_start, name="planning-start"),
    path("progression/", views.planning_progress, name="planning-progress"),
    path("feuilles/", views.planning_sheets, name="planning-sheets"),
    path("<int:round_id>/arrets/<int:stop_id>/deplacer/", views.round_move_stop, name="planning-stop-move"),
    path("<int:round_id>/verrou/", views.round_lock, name="planning-round-lock"),
    path("<int:round_id>/chauffeur/", views.round_driver, name="planning-round-driver"),
]
