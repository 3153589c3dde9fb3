from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("produits/", views.product_list, name="product-list"),
    path("produits/<int:pk>/", views.product_detail, name="product-detail"),
    path("producteurs/", views.producer_list, name="producer-list"),
    path("producteurs/<slug:slug>/", views.producer_detail, name="producer-detail"),
]
