"""The register of personal data: every table that holds data about a person declares, once, how to find that
person's rows, what to export and how to erase it. The export (the right of access, art. 15 GDPR), the erasure
(art. 17) and the retention task walk this registry and know no app.

An app declares its tables in its `AppConfig.ready()`:

    from ecopole.core.personal_data import ERASE, PSEUDONYMISE, personal_data_register

    personal_data_register(
        Order,
        section=_("Orders"),
        rows=lambda user: Order.objects.filter(customer=user),
        export=("id", "status", "delivery_date", "delivery_address", "note", "total"),
        erase={"delivery_address": ERASE, "note": ERASE},
        keep={"total": "accounting record, 10 years (Code de commerce L123-22)"},
    )

Rules, per field: `ERASE` (empty value: "" / NULL / the field's default), `ANONYMISE` (a neutral placeholder, for
required text), `PSEUDONYMISE` (the person's pseudonym, for what the law makes us keep: a name on an invoice), or a
function `(row, pseudonym) -> value`. `delete_rows=True` deletes the person's rows instead. `erase_with=` names the
owning app's service for a table whose rows only that service may change (an issued invoice, which the database
refuses to change otherwise): `erase_with(user=..., pseudonym=...) -> rows changed`, called in the walk's
transaction. A field in `keep` is kept as is, with the reason written down (the register and the tests read it).
`erase_rows` when the rows to erase differ from the rows to export (audit events about a person's orders are
exported, kept as the audit trail; a pickup point's stop is not exported, but the person's entries leave its
hand-over list).

Two more ports: `erasure_step_register(name, function)` for what must happen before the walk (open orders cancelled
with their stock released, subscriptions ended: each app through its own services), and
`retention_rule_register(name, function)` for the daily retention task (`ecopole.core.retention`).

`tests/core/test_personal_data_registry.py` fails when a project model with a foreign key to the user model, or a
field that looks personal, is neither declared here nor in its reviewed allowlist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ERASE = "erase"
ANONYMISE = "anonymise"
PSEUDONYMISE = "pseudonymise"
ANONYMISED_TEXT = "[effacé]"
PSEUDONYM_PREFIX = "Client effacé "
# What a pseudonym looks like (`pseudonym()`); invoicing's database trigger allows an issued invoice's buyer name to
# become only this (invoicing/migrations/0002_invoice_buyer_pseudonymised_at.py).
PSEUDONYM_PATTERN = r"^Client effacé [0-9A-F]{10}$"

Rule = str | Callable[[Model, str], Any]


@dataclass(frozen=True)
class PersonalTable:
    model: type[Model]
    section: str
    rows: Callable[[Any], QuerySet]
    export: tuple[str, ...]
    erase: dict[str, Rule] = field(default_factory=dict)
    keep: dict[str, str] = field(default_factory=dict)
    delete_rows: bool = False
    erase_rows: Callable[[Any], QuerySet] | None = None
    erase_with: Callable[..., int] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def export_row(self, row: Model) -> dict[str, Any]:
        return {name: _plain(_value(row, name)) for name in self.export}


PERSONAL_TABLES: dict[str, PersonalTable] = {}
ERASURE_STEPS: dict[str, Callable[..., object]] = {}
RETENTION_RULES: dict[str, Callable[..., int]] = {}


def personal_data_register(
    model: type[Model],
    *,
    section: str,
    rows: Callable[[Any], QuerySet],
    export: Iterable[str],
    erase: dict[str, Rule] | None = None,
    keep: dict[str, str] | None = None,
    delete_rows: bool = False,
    erase_rows: Callable[[Any], QuerySet] | None = None,
    erase_with: Callable[..., int] | None = None,
) -> PersonalTable:
    """Declare a table holding personal data (from an `AppConfig.ready()`). Declaring the same model twice with
    another declaration is refused; field names are checked at once, so a typo fails at startup."""
    erase, keep = dict(erase or {}), dict(keep or {})
    names = {f.name for f in model._meta.concrete_fields} | {f.attname for f in model._meta.concrete_fields}
    for name in [*export, *erase, *keep]:
        root = name.split("__")[0]
        if root not in names and not hasattr(model, root):
            raise ImproperlyConfigured(f"{model._meta.label}: no field {name!r} to declare as personal data")
    for name, rule in erase.items():
        if not callable(rule) and rule not in (ERASE, ANONYMISE, PSEUDONYMISE):
            raise ImproperlyConfigured(f"{model._meta.label}.{name}: unknown erasure rule {rule!r}")
    table = PersonalTable(
        model=model,
        section=str(section),
        rows=rows,
        export=tuple(export),
        erase=erase,
        keep=keep,
        delete_rows=delete_rows,
        erase_rows=erase_rows,
        erase_with=erase_with,
    )
    current = PERSONAL_TABLES.get(table.label)
    if current is not None and (current.export, sorted(current.erase), current.delete_rows) != (
        table.export,
        sorted(table.erase),
        table.delete_rows,
    ):
        raise ImproperlyConfigured(f"{table.label} is already declared as personal data")
    PERSONAL_TABLES[table.label] = table
    return table


def erasure_step_register(name: str, step: Callable[..., object]) -> None:
    """A step run before the erasure walk, in its own transactions: `step(user=..., actor=...)`. Must be
    idempotent (an erasure may be run twice)."""
    ERASURE_STEPS[name] = step


def retention_rule_register(name: str, rule: Callable[..., int]) -> None:
    """A rule of the daily retention task: `rule(now=..., batch_size=...) -> rows changed`. Must change nothing
    when run again the same day (select by state, not by a counter)."""
    RETENTION_RULES[name] = rule


def personal_tables() -> list[PersonalTable]:
    return sorted(PERSONAL_TABLES.values(), key=lambda table: table.label)


def pseudonym(user) -> str:
    """The stable pseudonym of an account: the same at every erasure, not derivable from the name or email."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:pseudonym:{user.pk}".encode()).hexdigest()[:10].upper()
    return f"{PSEUDONYM_PREFIX}{digest}"


def personal_data_export(*, user) -> dict[str, Any]:
    """Everything the registry knows of `user`: one section per declared table, its rows with the declared fields.
    JSON-ready (dates as ISO strings, decimals as strings)."""
    sections = []
    for table in personal_tables():
        queryset = table.rows(user).order_by("pk")
        sections.append(
            {
                "table": table.label,
                "section": table.section,
                "fields": list(table.export),
                "labels": [_label(table.model, name) for name in table.export],
                "rows": [table.export_row(row) for row in queryset],
            }
        )
    return {
        "generated_at": timezone.localtime().isoformat(),
        "account": {"id": user.pk, "email": user.email},
        "sections": sections,
    }


def personal_data_export_json(*, user) -> str:
    return json.dumps(personal_data_export(user=user), ensure_ascii=False, indent=2)


def personal_data_erase(*, user, actor) -> dict[str, int]:
    """Erase what the Ecopôle holds about `user`, as the registry says; returns rows touched per table.

    First the registered steps (open orders cancelled with their stock released, subscriptions ended: each app's
    own services, their own transactions), then, in one transaction, each declared table: rows deleted, or
    fields erased, anonymised or replaced by the pseudonym (what the law makes us keep). The caller's account
    (the user row is declared like any table) ends inactive with an unusable password, its tokens deleted: its
    sessions and tokens stop working at once. Idempotent: a second erasure writes the same values.
    """
    for step in ERASURE_STEPS.values():
        step(user=user, actor=actor)
    name = pseudonym(user)
    touched: dict[str, int] = {}
    with transaction.atomic(durable=True):
        # The user table last: the others find their rows through it.
        tables = sorted(personal_tables(), key=lambda table: table.model is type(user))
        for table in tables:
            queryset = (table.erase_rows or table.rows)(user)
            if table.delete_rows:
                touched[table.label] = queryset.delete()[0]
                continue
            if table.erase_with is not None:
                touched[table.label] = table.erase_with(user=user, pseudonym=name)
                continue
            if not table.erase:
                continue
            count = 0
            for row in queryset.select_for_update(of=("self",)).order_by("pk"):
                for field_name, rule in table.erase.items():
                    setattr(row, field_name, _erased_value(row, field_name, rule, name))
                row.save(update_fields=list(table.erase))
                count += 1
            touched[table.label] = count
    return touched


def _erased_value(row: Model, field_name: str, rule: Rule, name: str) -> Any:
    if callable(rule):
        return rule(row, name)
    if rule == PSEUDONYMISE:
        return name
    model_field = row._meta.get_field(field_name)
    if rule == ANONYMISE and isinstance(model_field, models.CharField | models.TextField):
        return ANONYMISED_TEXT
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    if isinstance(model_field, models.CharField | models.TextField):
        return "" if model_field.blank else ANONYMISED_TEXT
    if isinstance(model_field, models.FileField):
        return ""
    raise ImproperlyConfigured(f"{row._meta.label}.{field_name}: no empty value to erase it with")


def _label(model: type[Model], name: str) -> str:
    """The field's verbose name (for the readable page), following `a__b` paths."""
    for part in name.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return name
        if field.is_relation and field.related_model is not None and part != name.split("__")[-1]:
            model = field.related_model
    return str(getattr(field, "verbose_name", name))


def _value(row: Model, name: str) -> Any:
    value: Any = row
    for part in name.split("__"):
        value = getattr(value, part, None) if value is not None else None
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, Model):
        return str(value.pk)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def user_rows(model: type[Model], *fields: str) -> Callable[[AbstractBaseUser], QuerySet]:
    """`rows` for a table that points at the user: the rows where any of `fields` is the user."""

    def rows(user):
        condition = models.Q()
        for name in fields:
            condition |= models.Q(**{name: user})
        return model._default_manager.filter(condition)

    return rows
