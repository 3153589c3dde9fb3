"""Staff pages: the dashboard, the preparation bench, the counter, orders placed for a customer."""

from django.urls import path

from . import views_counter, views_orders, views_preparation

urlpatterns = [
    path("", views_preparation.dashboard, name="dashboard"),
    path("preparation/", views_preparation.preparation, name="preparation"),
    path("preparation/par-lieu/", views_preparation.preparation_by_place, name="preparation-by-place"),
    path("preparation/commandes/<int:order_id>/", views_preparation.order_detail, name="preparation-order"),
    path("preparation/commandes/<int:order_id>/etiquette/", views_preparation.order_label, name="order-label"),
    path("preparation/commandes/<int:order_id>/commencer/", views_preparation.order_start, name="order-start"),
    path("preparation/commandes/<int:order_id>/pesees/", views_preparation.order_weigh, name="order-weigh"),
    path("preparation/commandes/<int:order_id>/prete/", views_preparation.order_ready, name="order-ready"),
    path("preparation/commandes/<int:order_id>/casier/", views_preparation.order_locker, name="order-locker"),
    path("preparation/commandes/<int:order_id>/paiement/", views_preparation.order_pay, name="order-pay"),
    path(
        "preparation/commandes/<int:order_id>/cheque-alimentaire/",
        views_preparation.order_voucher,
        name="order-voucher",
    ),
    path("preparation/commandes/<int:order_id>/remise/", views_preparation.order_hand_over, name="order-hand-over"),
    path("comptoir/", views_counter.counter, name="counter"),
    path("comptoir/encaisser/", views_counter.counter_checkout, name="counter-checkout"),
    path("comptoir/ventes/<int:sale_id>/", views_counter.counter_receipt, name="counter-receipt"),
    path("commandes/nouvelle/", views_orders.order_new, name="order-new"),
    path("commandes/nouvelle/passer/", views_orders.order_place_for_customer, name="order-place"),
]
