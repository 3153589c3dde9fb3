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
