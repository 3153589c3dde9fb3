from django.apps import apps
from django.contrib import admin

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
