import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command

from accounts.models import User
from vending.models import Compartment, LockerReservation, Machine, Sale
from vending.services import vending_check_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(email="admin@example.org", password="un-mot-de-passe-solide-42")
    client.force_login(user)
    return client


def test_every_vending_model_has_a_working_admin_page(admin_client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    models = [model for model in admin.site._registry if model._meta.app_label == "vending"]
    assert len(models) == 13
    for model in models:
        url = f"/{settings.ADMIN_URL}vending/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
    machine = Machine.objects.get(slug="distributeur-ilot-jacquard")
    assert admin_client.get(f"/{settings.ADMIN_URL}vending/machine/{machine.pk}/change/").status_code == 200


def test_the_demo_machine_has_24_lockers_and_a_week_of_sales(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    sales = Sale.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))

    machine = Machine.objects.get(slug="distributeur-ilot-jacquard")
    codes = list(Compartment.objects.filter(machine=machine).values_list("code", flat=True))
    assert len(codes) == 24 and {"A1", "D6"} <= set(codes)
    assert sales >= 7 * 4 and Sale.objects.count() == sales
    assert len({s.sold_at.date() for s in Sale.objects.all()}) == 7
    assert vending_check_ledger() == {}
    # row D is kept for click and collect: one demo order waits in D1, through the machine's pickup point
    reservation = LockerReservation.objects.select_related("order", "compartment").get(is_active=True)
    assert reservation.compartment.code == "D1" and reservation.order.status == "ready"
    assert reservation.order.pickup_point_id == machine.pickup_point_id is not None
    assert not Sale.objects.filter(compartment__code__startswith="D").exists()


def test_the_vending_periodic_tasks_are_in_the_beat_schedule(db):
    from django_celery_beat.models import PeriodicTask

    from ecopole.core.schedule import periodic_tasks_ensure

    periodic_tasks_ensure()
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"vending.check_machines", "vending.expire_locker_reservations"} <= tasks
