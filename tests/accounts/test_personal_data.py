"""Right of access and right to erasure, table by table, on a customer who is in every table of the register
(tests/factories/personal_data.py)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pypdf
import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import personal_data_user_erase
from baskets.models import BasketSubscription, SubscriptionStatus
from catalogue.services.stock import stock_available
from deliveries.models import Stop
from ecopole.core.models import AuditEvent
from ecopole.core.personal_data import ANONYMISED_TEXT, PERSONAL_TABLES, pseudonym
from invoicing.models import DirectDebit, Invoice, SepaMandate
from invoicing.services.documents import invoice_pdf
from orders.models import Order, OrderStatus
from tests.core.full_world import PROJECT_APPS
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.personal_data import (
    EMAIL,
    IBAN,
    NAME,
    NEIGHBOUR,
    NOTE,
    OLD_IBAN,
    PHONE,
    STREET,
    customer_everything,
)

IDENTIFYING = (NAME, EMAIL, PHONE, STREET, NOTE, "Philomène", "Delacourt", "06 12 34 56 78", "Mouettes Rieuses")


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _where_it_remains() -> list[str]:
    """Every (table, row, field) of the project whose value still holds something that identifies the customer."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in PROJECT_APPS:
            continue
        fields = [f for f in model._meta.concrete_fields if not f.is_relation]
        for row in model._default_manager.values("pk", *[f.attname for f in fields]):
            for name, value in row.items():
                text = json.dumps(value, ensure_ascii=False, default=str) if value is not None else ""
                if any(needle.lower() in text.lower() for needle in IDENTIFYING):
                    found.append(f"{model._meta.label}#{row['pk']}.{name}")
    return found


def test_the_everything_customer_has_rows_in_every_registered_table(db):
    everything = customer_everything()

    empty = [label for label, table in PERSONAL_TABLES.items() if not table.rows(everything.customer).exists()]

    assert empty == []


def test_the_export_holds_every_registered_field_of_every_table(db):
    everything = customer_everything()

    response = _client(everything.token_key).get("/api/v1/auth/me/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ecopole-mes-donnees-')
    data = json.loads(response.content)
    sections = {section["table"]: section for section in data["sections"]}
    assert set(sections) == set(PERSONAL_TABLES)
    for label, table in PERSONAL_TABLES.items():
        rows = sections[label]["rows"]
        assert rows, label
        assert all(set(row) == set(table.export) for row in rows), label
        # each declared field has a value in at least one row (the factory fills them all)
        # every exported field that erasure touches held a value (the factory fills them all)
        personal = [f for f in table.export if f in table.erase]
        missing = [f for f in personal if all(row[f] in (None, "", [], {}) for row in rows)]
        assert missing == [], label
    text = response.content.decode()
    assert all(value in text for value in (NAME, EMAIL, PHONE, STREET, NOTE))
    # the person's home stops (the order's and the cabas's), not the pickup point's, which names other customers
    assert len(sections["deliveries.Stop"]["rows"]) == 2 and NEIGHBOUR not in text
    assert "Bonjour Philomène Delacourt-Vasseur, votre commande" in text  # an email sent: subject and date


def test_erasure_leaves_no_name_email_phone_or_address_in_any_table_and_the_accounts_still_add_up(db):
    everything = customer_everything()
    assert _where_it_remains()  # the check sees them before
    stop = Stop.objects.get(orders=everything.paid_order)
    proof_files = [
        (stop.proof_photo.storage, stop.proof_photo.name),
        (stop.proof_signature.storage, stop.proof_signature.name),
    ]
    assert all(storage.exists(name) for storage, name in proof_files)

    response = _client(everything.token_key).delete("/api/v1/auth/me/", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 204
    assert _where_it_remains() == []
    # the open order was cancelled first and its stock released; the subscription ended
    assert Order.objects.get(pk=everything.open_order.pk).status == OrderStatus.CANCELLED
    assert stock_available(product_id=everything.product_id) == Decimal("10")
    assert not BasketSubscription.objects.exclude(status=SubscriptionStatus.CANCELLED).filter(
        customer=everything.customer
    )
    # the accounting record is kept, readable, under the pseudonym, and its amounts add up
    paid = Order.objects.select_related("customer").get(pk=everything.paid_order.pk)
    assert paid.customer.full_name == pseudonym(everything.customer) != NAME
    assert paid.customer.full_name.startswith("Client effacé ")
    lines = sum(line.line_total for line in paid.lines.all())
    assert (lines, paid.delivery_fee, paid.total) == (Decimal("10.00"), Decimal("4.50"), Decimal("14.50"))
    assert lines + paid.delivery_fee == paid.total
    assert paid.delivery_address == "" and paid.note == ""
    user = User.objects.get(pk=everything.customer.pk)
    assert not user.is_active and not user.has_usable_password() and user.erased_at is not None
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="account.erase", object_id=str(user.pk)).count() == 1
    # the cabas's home stop is erased like the order's; the pickup point's stop keeps its place and its other
    # customers, only the person's entry leaves its hand-over list
    basket_stop = Stop.objects.get(source_key__startswith="basket:")
    assert (basket_stop.label, basket_stop.address, basket_stop.handover) == (ANONYMISED_TEXT, "", [])
    point_stop = Stop.objects.get(kind="pickup_point")
    assert point_stop.label == "Ilôt Jacquard" and point_stop.received_by == "Accueil de l'Ilôt"
    assert [entry["customer"] for entry in point_stop.handover] == [NEIGHBOUR]
    # the invoices and the credit note are kept as issued, under the pseudonym: they still add up and print
    invoices = Invoice.objects.filter(customer=user).order_by("pk")
    assert [(i.kind, i.total_incl_vat) for i in invoices] == [
        ("invoice", Decimal("14.50")),
        ("credit_note", Decimal("14.50")),
        ("invoice", Decimal("6.00")),
    ]
    for invoice in invoices:
        assert invoice.buyer["name"] == pseudonym(user) and invoice.buyer_pseudonymised_at is not None
        assert sum(line.amount_incl_vat for line in invoice.lines.all()) == invoice.total_incl_vat
        assert invoice.total_excl_vat + invoice.vat_total == invoice.total_incl_vat
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)
        total = f"{invoice.total_incl_vat:.2f}".replace(".", ",")
        assert pseudonym(user) in text and invoice.reference in text and total in text
        assert not any(needle in text for needle in (NAME, EMAIL, STREET, "Philomène"))
    # the mandates are revoked (no future debit), their IBAN kept while the debits may be disputed
    mandates = SepaMandate.objects.filter(customer=user)
    assert all(m.revoked_at and m.account_holder == pseudonym(user) for m in mandates)
    assert {m.iban for m in mandates} == {IBAN, OLD_IBAN}
    assert DirectDebit.objects.filter(mandate__customer=user).get().amount == Decimal("6.00")
    # the proof of delivery's photo and signature are deleted from their storage, not only unlinked
    stop.refresh_from_db()
    assert (stop.received_by, stop.proof_photo.name, stop.proof_signature.name) == ("", "", "")
    assert not any(storage.exists(name) for storage, name in proof_files)


def test_erasing_twice_is_harmless_and_writes_one_audit_event(db, manager):
    everything = customer_everything()
    personal_data_user_erase(user_id=everything.customer.pk, actor=manager)
    first = list(Order.objects.filter(customer=everything.customer).order_by("pk").values())
    erased_at = User.objects.get(pk=everything.customer.pk).erased_at

    personal_data_user_erase(user_id=everything.customer.pk, actor=manager)

    assert list(Order.objects.filter(customer=everything.customer).order_by("pk").values()) == [
        {**row, "updated_at": row["updated_at"]} for row in first
    ]
    assert User.objects.get(pk=everything.customer.pk).erased_at == erased_at
    assert AuditEvent.objects.filter(action="account.erase").count() == 1
    assert _where_it_remains() == []


def test_a_wrong_password_erases_nothing(db):
    everything = customer_everything()

    response = _client(everything.token_key).delete("/api/v1/auth/me/", {"password": "pas-le-bon"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_password"
    assert User.objects.get(pk=everything.customer.pk).full_name == NAME
    assert Order.objects.get(pk=everything.open_order.pk).status == OrderStatus.PLACED


def test_after_erasure_the_token_and_the_session_stop_working(db, client):
    everything = customer_everything()
    assert client.login(email=EMAIL, password=DEFAULT_PASSWORD)
    assert client.get("/compte/").status_code == 200
    api = _client(everything.token_key)

    api.delete("/api/v1/auth/me/", {"password": DEFAULT_PASSWORD}, format="json")

    assert api.get("/api/v1/auth/me/").status_code == 401
    assert client.get("/compte/").status_code == 302  # back to the login page
    assert not APIClient().post("/api/v1/auth/token/", {"email": EMAIL, "password": DEFAULT_PASSWORD}).data.get("token")


@pytest.mark.parametrize("field_type", [models.CharField, models.TextField])
@isolate_apps("ecopole.core")
def test_text_fields_erased_to_blank_or_placeholder(field_type):
    from ecopole.core.personal_data import ANONYMISED_TEXT, ERASE, _erased_value

    class Row(models.Model):
        required = field_type(max_length=10)
        optional = field_type(max_length=10, blank=True)

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return self.required

    row = Row(required="Philomène", optional="Philomène")
    assert _erased_value(row, "required", ERASE, "P") == ANONYMISED_TEXT
    assert _erased_value(row, "optional", ERASE, "P") == ""
