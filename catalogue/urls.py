from django.urls import path

from . import apis

app_name = "catalogue"
urlpatterns = [
    path("producers/", apis.ProducerListApi.as_view(), name="producer-list"),
    path("producers/<slug:slug>/", apis.ProducerDetailApi.as_view(), name="producer-detail"),
    path("producers/<slug:slug>/photo/", apis.ProducerPhotoApi.as_view(), name="producer-photo"),
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("products/", apis.ProductListCreateApi.as_view(), name="product-list"),
    path("products/import/", apis.ProductImportApi.as_view(), name="product-import"),
    path("products/<int:pk>/", apis.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<int:pk>/photo/", apis.ProductPhotoApi.as_view(), name="product-photo"),
    path("stock-movements/", apis.StockMovementListCreateApi.as_view(), name="stock-movement-list"),
]
