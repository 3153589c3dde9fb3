"""The farmers' space, under /producteurs/ (ecopole/urls.py).

/producteurs/ used to be the shop's public list of producers: that list moved to /nos-producteurs/ (shop/urls.py),
and an old producer address /producteurs/<slug>/ that is not a page of the space redirects there permanently
(the last pattern here)."""

from django.urls import path

from . import views_products, views_redirect, views_sales, views_workshop

app_name = "farmers"

urlpatterns = [
    path("", views_workshop.home, name="home"),
    path("atelier/", views_workshop.workshop_week, name="workshop"),
    path("atelier/reserver/", views_workshop.booking_new, name="booking-new"),
    path("reservations/", views_workshop.booking_list, name="bookings"),
    path("reservations/<int:pk>/annuler/", views_workshop.booking_cancel_page, name="booking-cancel"),
    path("reservations/<int:pk>/accepter/", views_workshop.booking_accept, name="booking-accept"),
    path("calendrier/", views_workshop.calendar_link, name="calendar"),
    path("lots/", views_workshop.lot_list, name="lots"),
    path("produits/", views_products.product_list, name="products"),
    path("produits/<int:pk>/", views_products.product_edit, name="product-edit"),
    path("ventes/", views_sales.sales, name="sales"),
    path("ventes.csv", views_sales.sales_csv, name="sales-csv"),
    path("releves/", views_sales.statement_list, name="statements"),
    path("releves/<int:pk>/", views_sales.statement_detail, name="statement"),
    path("releves/<int:pk>/pdf/", views_sales.statement_pdf_download, name="statement-pdf"),
    path("<slug:slug>/", views_redirect.old_producer_page, name="old-producer-page"),
]
