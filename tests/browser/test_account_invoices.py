"""The customer's invoices in a real browser: "Mes factures" from the account menu, an invoice and its credit note,
the PDF downloaded by its accessible name. Through axe-core on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from invoicing.services.invoices import credit_note_issue
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.invoicing import issue_invoice

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_my_invoices_lists_an_invoice_and_its_credit_note_and_downloads_the_pdf(page, live_server):
    customer = UserFactory(email="client@example.org", full_name="Claude Client")
    invoice = issue_invoice(customer=customer, source="order:1")
    credit = credit_note_issue(invoice_id=invoice.pk, reason="Produit abîmé")
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(customer.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()

    page.goto(live_server.url + "/compte/")
    page.get_by_role("navigation", name="Menu du compte").get_by_role("link", name="Factures").click()

    expect(page.get_by_role("heading", name="Mes factures", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=f"Facture {invoice.reference}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Avoir {credit.reference}")).to_be_visible()
    check_page(page, "factures 01 liste")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Télécharger {invoice.reference} (PDF)").click()
    assert download.value.suggested_filename == f"facture-{invoice.reference}.pdf"


def test_a_subscriber_signs_a_direct_debit_mandate_from_the_account_menu(page, live_server):
    customer = UserFactory(email="abonne@example.org", full_name="Camille Martin")
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(customer.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    page.goto(live_server.url + "/compte/")
    page.get_by_role("navigation", name="Menu du compte").get_by_role("link", name="Prélèvement").click()
    expect(page.get_by_role("heading", name="Prélèvement de mes cabas", level=1)).to_be_visible()
    check_page(page, "prelevement 01 sans mandat")

    page.get_by_label("Titulaire du compte").fill("Camille Martin")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 188")  # one digit wrong
    page.get_by_label("Je signe ce mandat").check()
    page.get_by_role("button", name="Signer le mandat").click()
    expect(page.get_by_text("Cet IBAN n'est pas valide")).to_be_visible()
    check_page(page, "prelevement 02 iban faux")

    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("Je signe ce mandat").check()
    page.get_by_role("button", name="Signer le mandat").click()

    expect(page.get_by_role("heading", name="Mon mandat")).to_be_visible()
    expect(page.get_by_text("***********************0189", exact=True)).to_be_visible()
    check_page(page, "prelevement 03 mandat signe")
    page.get_by_role("button", name="Retirer mon mandat").click()
    expect(page.get_by_role("heading", name="Signer un mandat")).to_be_visible()
