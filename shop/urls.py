from django.urls import path

from . import views, views_checkout

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("produits/", views.product_list, name="product-list"),
    path("produits/<int:pk>/", views.product_detail, name="product-detail"),
    path("panier/", views.cart_detail, name="cart"),
    path("panier/ajouter/", views.cart_add, name="cart-add"),
    path("panier/modifier/", views.cart_update, name="cart-update"),
    path("commande/", views_checkout.checkout, name="checkout"),
    path("commande/<int:order_id>/merci/", views_checkout.checkout_thanks, name="checkout-thanks"),
    path("producteurs/", views.producer_list, name="producer-list"),
    path("producteurs/<slug:slug>/", views.producer_detail, name="producer-detail"),
]
