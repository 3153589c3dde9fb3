"""The retention schedule (`PERSONAL_DATA_RETENTION`, ecopole/core/retention.py): what each rule changes, and that a
second run the same day changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import time_machine
from django.apps import apps
from django.core import mail
from django.utils import timezone
from PIL import Image

from accounts.models import User
from ecopole.core.audit import personal_data_access_record
from ecopole.core.models import AuditEvent, OutboxMessage, RetentionRun, SentEmail
from ecopole.core.tasks import personal_data_retention
from tests.core.full_world import PROJECT_APPS
from tests.factories.accounts import StaffFactory, UserFactory

LONG_AGO = timedelta(days=4 * 365)


def _snapshot() -> dict:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model is not RetentionRun
    }


def _old_things():
    now = timezone.now()
    sleeping = UserFactory(email="dormeur@example.org", full_name="Dormeur")
    User.objects.filter(pk=sleeping.pk).update(date_joined=now - LONG_AGO, last_login=now - LONG_AGO)
    awake = UserFactory(email="eveille@example.org")
    User.objects.filter(pk=awake.pk).update(date_joined=now - LONG_AGO, last_login=now - timedelta(days=3))
    staff = StaffFactory(groups=["manager"])
    User.objects.filter(pk=staff.pk).update(date_joined=now - LONG_AGO, last_login=now - LONG_AGO)
    old = OutboxMessage.objects.create(
        key="old", handler="accounts.emails.send_welcome", payload={"user_id": 1}, status="sent"
    )
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=100))
    OutboxMessage.objects.create(key="recent", handler="accounts.emails.send_welcome", payload={"user_id": 2})
    SentEmail.objects.create(to="dormeur@example.org", subject="Ancien", sent_at=now - timedelta(days=400))
    SentEmail.objects.create(to="dormeur@example.org", subject="Récent", sent_at=now - timedelta(days=10))
    access = personal_data_access_record(actor=staff, subject_id=awake.pk, obj=awake, where="admin:user")
    AuditEvent.objects.filter(pk=access.pk).update(created_at=now - timedelta(days=400))
    return sleeping, awake, staff, old


def test_the_retention_run_applies_each_rule_and_is_reported(db, django_capture_on_commit_callbacks):
    sleeping, awake, staff, old = _old_things()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        personal_data_retention.apply()

    run = RetentionRun.objects.get()
    assert run.finished_at is not None and run.error == ""
    assert run.changed["accounts.inactive_warn"] == 1
    assert run.changed["core.outbox_payloads"] == 1
    assert run.changed["core.sent_emails"] == 1
    assert run.changed["core.access_log"] == 1
    assert User.objects.get(pk=sleeping.pk).inactivity_warned_at is not None
    assert User.objects.get(pk=awake.pk).inactivity_warned_at is None
    assert User.objects.get(pk=staff.pk).inactivity_warned_at is None  # staff accounts are not customers
    assert OutboxMessage.objects.get(pk=old.pk).payload == {}
    assert OutboxMessage.objects.get(key="recent").payload == {"user_id": 2}
    assert "Ancien" not in set(SentEmail.objects.values_list("subject", flat=True))
    assert [m.to for m in mail.outbox] == [["dormeur@example.org"]]
    assert "anonymisé" in mail.outbox[0].subject
    assert SentEmail.objects.filter(recipient=sleeping, subject=mail.outbox[0].subject).exists()  # the log


def test_run_twice_the_same_day_the_second_run_changes_nothing(db):
    _old_things()
    personal_data_retention.apply()
    before = _snapshot()

    first = RetentionRun.objects.get()

    second = personal_data_retention.apply().result

    assert second == 0
    assert RetentionRun.objects.get().total == first.total  # the day's report, unchanged
    assert _snapshot() == before


def test_a_warned_account_is_anonymised_after_the_grace_period_unless_it_came_back(db):
    sleeping, _awake, _staff, _old = _old_things()
    came_back = UserFactory(email="revenu@example.org")
    User.objects.filter(pk=came_back.pk).update(date_joined=timezone.now() - LONG_AGO, last_login=None)
    personal_data_retention.apply()
    User.objects.filter(pk=came_back.pk).update(last_login=timezone.now() + timedelta(days=5))

    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        personal_data_retention.apply()
        run = RetentionRun.objects.order_by("-pk").first()
        again = personal_data_retention.apply().result

    erased = User.objects.get(pk=sleeping.pk)
    assert erased.erased_at is not None and erased.full_name.startswith("Client effacé ")
    assert erased.email.endswith("@anonyme.invalid") and not erased.is_active
    assert run.changed["accounts.inactive_anonymise"] == 1
    assert User.objects.get(pk=came_back.pk).inactivity_warned_at is None  # the warning was withdrawn
    assert User.objects.get(pk=came_back.pk).erased_at is None
    assert again == 0


def test_a_files_rule_deletes_old_files_once(db, monkeypatch, tmp_path, settings):
    """The hook a table of photos or signatures uses (`retention_files_rule`), shown on a product's photo."""
    from django.core.files.base import ContentFile

    from catalogue.models import Product
    from ecopole.core import personal_data
    from ecopole.core.retention import retention_files_rule
    from tests.factories.catalogue import ProductFactory

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(personal_data, "RETENTION_RULES", {})
    monkeypatch.setattr("ecopole.core.retention.RETENTION_RULES", personal_data.RETENTION_RULES)
    retention_files_rule(
        "test.photos", Product, fields=("photo",), dated_by="updated_at", setting="proof_of_delivery_photos_days"
    )
    old, recent = ProductFactory(), ProductFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (60, 140, 60)).save(buffer, "JPEG")
    for product in (old, recent):
        product.photo.save("photo.jpg", ContentFile(buffer.getvalue()), save=True)
    Product.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=100))
    path = Product.objects.get(pk=old.pk).photo.path

    first = personal_data_retention.apply().result
    second = personal_data_retention.apply().result

    assert (first, second) == (1, 0)
    assert Product.objects.get(pk=old.pk).photo.name == ""
    assert Product.objects.get(pk=recent.pk).photo.name != ""
    assert not Path(path).exists()
