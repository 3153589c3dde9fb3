from django.urls import path

from . import views, views_cabas, views_checkout, views_payment
from .account import privacy

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("confidentialite/", privacy.privacy, name="privacy"),
    path("newsletter/desabonnement/<str:token>/", privacy.newsletter_unsubscribe, name="newsletter-unsubscribe"),
    path("produits/", views.product_list, name="product-list"),
    path("produits/<int:pk>/", views.product_detail, name="product-detail"),
    path("panier/", views.cart_detail, name="cart"),
    path("panier/ajouter/", views.cart_add, name="cart-add"),
    path("panier/modifier/", views.cart_update, name="cart-update"),
    path("commande/", views_checkout.checkout, name="checkout"),
    path("commande/<int:order_id>/merci/", views_checkout.checkout_thanks, name="checkout-thanks"),
    path("commande/<int:order_id>/paiement/", views_payment.order_payment, name="order-payment"),
    path("nos-producteurs/", views.producer_list, name="producer-list"),
    path("nos-producteurs/<slug:slug>/", views.producer_detail, name="producer-detail"),
    path("cabas/", views_cabas.cabas, name="cabas"),
    path("cabas/abonnement/", views_cabas.cabas_subscribe, name="cabas-subscribe"),
    path("cabas/abonnements/<int:pk>/", views_cabas.cabas_subscription, name="cabas-subscription"),
    path("cabas/abonnements/<int:pk>/sauter/", views_cabas.cabas_skip, name="cabas-skip"),
    path("cabas/abonnements/<int:pk>/pause/", views_cabas.cabas_pause, name="cabas-pause"),
    path("cabas/abonnements/<int:pk>/reprendre/", views_cabas.cabas_resume, name="cabas-resume"),
    path("cabas/abonnements/<int:pk>/modifier/", views_cabas.cabas_change, name="cabas-change"),
    path("cabas/abonnements/<int:pk>/resilier/", views_cabas.cabas_cancel, name="cabas-cancel"),
    path("cabas/tarif-solidaire/", views_cabas.cabas_solidarity, name="cabas-solidarity"),
]
