"""The register of personal data covers the schema: a table added without its declaration breaks CI until it is
declared (`ecopole.core.personal_data`) or reviewed (tests/core/personal_data_rules.py)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.test.utils import isolate_apps

from ecopole.core.personal_data import PERSONAL_TABLES
from tests.core.full_world import PROJECT_APPS
from tests.core.personal_data_rules import PERSONAL_FIELD, REVIEWED


def undeclared(models) -> list[str]:
    """Each personal-looking field or user reference of `models` neither declared nor reviewed."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    problems = []
    for model in models:
        label = model._meta.label
        if label in PERSONAL_TABLES or label in REVIEWED:
            continue
        for field in model._meta.concrete_fields:
            # (a model outside the app registry has its target still as the "app.Model" string)
            refers_to_user = field.is_relation and field.related_model in (user_model, settings.AUTH_USER_MODEL)
            if not (refers_to_user or PERSONAL_FIELD.search(field.name)):
                continue
            if f"{label}.{field.name}" not in REVIEWED:
                problems.append(f"{label}.{field.name}")
    return problems


def project_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
    ]


def test_every_table_holding_personal_data_is_declared_or_reviewed():
    assert undeclared(project_models()) == []


@isolate_apps("deliveries")
def test_a_new_table_with_a_user_reference_or_a_personal_field_fails_the_check():
    from django.db import models

    class ProofOfDelivery(models.Model):
        driver_note = models.CharField(max_length=100)
        signature = models.FileField()
        customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "deliveries"

        def __str__(self) -> str:
            return self.driver_note

    assert undeclared([ProofOfDelivery]) == [
        "deliveries.ProofOfDelivery.driver_note",
        "deliveries.ProofOfDelivery.signature",
        "deliveries.ProofOfDelivery.customer",
    ]


def test_reviewed_exceptions_name_real_tables_or_fields_and_give_a_reason():
    labels = {model._meta.label: model for model in project_models()}
    for key, reason in REVIEWED.items():
        model_label = key if key in labels else key.rpartition(".")[0]
        assert model_label in labels, key
        if key not in labels:
            assert any(f.name == key.rpartition(".")[2] for f in labels[model_label]._meta.concrete_fields), key
        assert reason.strip()
        assert key not in PERSONAL_TABLES, f"{key} is declared: drop it from REVIEWED"


def test_every_declaration_says_what_each_erased_or_kept_field_is():
    for table in PERSONAL_TABLES.values():
        assert table.export, table.label
        assert table.delete_rows or table.erase or table.erase_with or table.keep, (
            f"{table.label}: say what erasure does"
        )
        if table.erase_with is not None:
            assert table.keep, f"{table.label}: say what its erasure service keeps and why"
