"""A manager administers accounts in the admin without escalating their own rights or anyone's to superuser."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.models import User
from tests.factories.accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_browser(manager):
    client = Client()
    client.force_login(manager)
    return client


def _change(client, user, **changes):
    url = f"/{settings.ADMIN_URL}accounts/user/{user.pk}/change/"
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
        **changes,
    }
    return client.post(url, {k: v for k, v in data.items() if v not in ("", None)})


def test_a_manager_cannot_make_anyone_superuser(manager_browser):
    customer = UserFactory()

    response = _change(manager_browser, customer, is_superuser="on", full_name="Renommé")

    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.full_name == "Renommé"  # the form was accepted
    assert not customer.is_superuser


def test_a_manager_cannot_grant_a_permission_they_lack(manager_browser):
    customer = UserFactory()
    foreign = Permission.objects.get(content_type__app_label="auth", codename="change_group")

    response = _change(manager_browser, customer, user_permissions=[foreign.pk])

    assert response.status_code == 200  # the form refuses the choice
    assert not customer.user_permissions.exists()


def test_a_manager_cannot_join_a_group_with_more_rights(manager_browser, manager):
    powerful = Group.objects.create(name="tout-puissant")
    powerful.permissions.add(Permission.objects.get(content_type__app_label="auth", codename="change_group"))
    target = UserFactory()

    response = _change(manager_browser, target, groups=[powerful.pk])

    assert response.status_code == 200
    assert not target.groups.filter(pk=powerful.pk).exists()


def test_a_manager_cannot_widen_their_own_rights(manager_browser, manager):
    perm = Permission.objects.get(content_type__app_label="auth", codename="change_group")
    _change(manager_browser, manager, user_permissions=[perm.pk], is_staff="on")
    manager.refresh_from_db()
    assert not manager.user_permissions.exists()


def test_a_manager_cannot_open_a_superuser_account(manager_browser):
    boss = StaffFactory(is_superuser=True)
    response = manager_browser.get(f"/{settings.ADMIN_URL}accounts/user/{boss.pk}/password/")
    assert response.status_code in (302, 404)
    assert User.objects.get(pk=boss.pk).password == boss.password


def test_a_superuser_still_can(manager):
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    customer = UserFactory()
    _change(client, customer, is_superuser="on")
    customer.refresh_from_db()
    assert customer.is_superuser
