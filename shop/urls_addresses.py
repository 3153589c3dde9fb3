"""The saved addresses' pages, under `/compte/` in the `account` namespace (`account:addresses`…). The patterns
are a plain list so that the account pages' URL module can take them in (`*urls_addresses.urlpatterns`)."""

from django.urls import path

from . import views_addresses as views

urlpatterns = [
    path("adresses/", views.address_list, name="addresses"),
    path("adresses/ajouter/", views.address_create, name="address-create"),
    path("adresses/<int:address_id>/modifier/", views.address_edit, name="address-edit"),
    path("adresses/<int:address_id>/supprimer/", views.address_delete, name="address-delete"),
    path("adresses/suggestions/", views.address_suggestions, name="address-suggestions"),
    path("adresses/champs/", views.address_fields, name="address-fields"),
]
