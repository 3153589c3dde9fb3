from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from ecopole.core.admin import ReadOnlyAdminMixin
from tests.factories.accounts import StaffFactory

PROJECT_APPS = {
    "accounts",
    "catalogue",
    "orders",
    "baskets",
    "deliveries",
    "processing",
    "vending",
    "core",
    "invoicing",
    "payments",
}


def test_every_model_of_the_project_is_in_the_admin_as_a_page_or_an_inline():
    inlined = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model not in admin.site._registry and model not in inlined
    ]
    assert missing == []


def test_the_manager_group_may_change_every_project_model(db):
    from django.contrib.auth.models import Group, Permission

    manager = Group.objects.get(name="manager")
    expected = Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
    assert set(expected) <= set(manager.permissions.all())


def test_the_read_only_pages_refuse_adding_changing_and_deleting_even_to_a_superuser(db, rf):
    request = rf.get("/")
    request.user = StaffFactory(is_superuser=True)
    pages = [page for page in admin.site._registry.values() if isinstance(page, ReadOnlyAdminMixin)]
    inlines = [
        inline(page.model, admin.site)
        for page in admin.site._registry.values()
        for inline in page.inlines
        if issubclass(inline, ReadOnlyAdminMixin)
    ]
    assert len(pages) > 30 and len(inlines) > 5  # orders, payments, invoicing, ledgers and journals of every app
    for page in pages + inlines:
        assert not page.has_add_permission(request, None), page
        assert not page.has_change_permission(request, None), page
        assert page.has_delete_permission(request, None) == page.deletable, page

    # and the add page of an order is refused, the list offers no "add" link
    client = Client()
    client.force_login(request.user)
    assert client.get(reverse("admin:orders_order_add")).status_code == 403
    listing = client.get(reverse("admin:orders_order_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:orders_order_add") not in listing.content.decode()
