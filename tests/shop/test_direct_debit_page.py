"""The subscriber's direct debit page (/compte/prelevement/): a mandate signed with a checked IBAN (the API's
service), shown masked with the signed text, withdrawn in one click; a wrong IBAN or no consent is refused next to the
field; the debits listed are one's own; the debits waiting under a withdrawn mandate go out under the next one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from invoicing.models import DirectDebit, SepaMandate
from invoicing.services.invoices import LineData
from invoicing.services.sepa import direct_debits_prepare, mandate_sign
from tests.factories.invoicing import issue_invoice

pytestmark = pytest.mark.django_db
URL = "/compte/prelevement/"


def web_client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    return client


IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next=")


def test_a_subscriber_signs_sees_the_iban_masked_and_withdraws(customer):
    browser = web_client_for(customer)

    empty = browser.get(URL)
    signed = browser.post(URL, {"account_holder": "Camille Martin", "iban": IBAN, "accept": "on"})
    page = browser.get(URL).content.decode()

    assert "Signer un mandat" in empty.content.decode() and "Titulaire du compte" in empty.content.decode()
    assert signed.status_code == 302
    mandate = SepaMandate.objects.get(customer=customer, revoked_at__isnull=True)
    assert mandate.iban == "FR7630006000011234567890189" and mandate.account_holder == "Camille Martin"
    assert mandate.reference in page and "***********************0189" in page
    assert "30006000011234567890" not in page.replace(" ", "")  # the whole IBAN is never shown back
    assert "Votre mandat est signé" in page

    withdrawn = browser.post("/compte/prelevement/retirer/")
    again = browser.post("/compte/prelevement/retirer/")  # twice: nothing more

    mandate.refresh_from_db()
    assert withdrawn.status_code == again.status_code == 302
    assert mandate.revoked_at is not None
    assert "Signer un mandat" in browser.get(URL).content.decode()


def test_a_wrong_iban_or_no_consent_is_refused_next_to_the_field(customer):
    browser = web_client_for(customer)

    wrong = browser.post(
        URL, {"account_holder": "Camille", "iban": "FR76 3000 6000 0112 3456 7890 188", "accept": "on"}
    )
    no_consent = browser.post(URL, {"account_holder": "Camille", "iban": IBAN})

    assert wrong.status_code == no_consent.status_code == 400
    assert "id_iban-erreur" in wrong.content.decode() and "IBAN n&#x27;est pas valide" in wrong.content.decode()
    assert "id_accept-erreur" in no_consent.content.decode()
    assert not SepaMandate.objects.exists()


def test_the_debits_listed_are_ones_own_and_wait_for_a_new_mandate_after_a_withdrawal(customer, other_customer):
    mandate_sign(customer=customer, account_holder="Camille Martin", iban=IBAN)
    mandate_sign(customer=other_customer, account_holder="Dominique Petit", iban="FR14 2004 1010 0505 0001 3M02 606")
    line = LineData(
        description="Cabas moyen", quantity=Decimal(1), unit_price=Decimal("26.00"), vat_rate=Decimal("5.5")
    )
    mine = issue_invoice(customer=customer, source=f"cabas:{customer.pk}:2026-10", lines=[line])
    theirs = issue_invoice(customer=other_customer, source=f"cabas:{other_customer.pk}:2026-10", lines=[line])
    october = date(2026, 10, 1)
    direct_debits_prepare(month=october)
    browser = web_client_for(customer)

    page = browser.get(URL).content.decode()
    browser.post("/compte/prelevement/retirer/")
    waiting = [d.invoice_id for d in direct_debits_prepare(month=october)]
    browser.post(URL, {"account_holder": "Camille Martin", "iban": IBAN, "accept": "on"})
    back = {d.invoice_id: d.mandate for d in direct_debits_prepare(month=october)}

    assert mine.reference in page and theirs.reference not in page
    assert waiting == [theirs.pk]  # mine waits: its mandate was withdrawn
    assert back[mine.pk].revoked_at is None and back[mine.pk].customer_id == customer.pk
    assert DirectDebit.objects.count() == 2
