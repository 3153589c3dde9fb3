import pytest
from django.apps import apps
from django.core.management import call_command


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    # given the demo data loaded once
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}

    # when it is loaded again
    call_command("seed_demo", stdout=open("/dev/null", "w"))

    # then nothing was created twice
    again = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}
    assert again == counts
    assert counts["accounts.User"] >= 9


@pytest.mark.django_db
def test_every_demo_account_logs_in_with_the_demo_password(api_client):
    # given the demo data (its accounts share one password hash, computed once)
    from accounts.demo import DEMO_PASSWORD, DEMO_USERS
    from accounts.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))

    # when each account asks for a token with the password README prints
    emails = [email for email, *_ in DEMO_USERS] + ["admin@ecopole.example"]
    statuses = {
        email: api_client.post("/api/v1/auth/token/", {"email": email, "password": DEMO_PASSWORD}).status_code
        for email in emails
    }

    # then every one gets it, and the administrator is a superuser
    assert statuses == dict.fromkeys(emails, 200)
    admin = User.objects.get(email="admin@ecopole.example")
    assert admin.is_superuser and admin.is_staff
