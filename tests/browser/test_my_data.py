"""Personal data in a real browser: the privacy page from the footer, "Mes données" (the readable export and the
newsletter consent), the deletion of the account with its confirmation. Every page through axe-core."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_privacy_page_my_data_newsletter_and_account_deletion(page, live_server):
    user = UserFactory(email="rgpd@example.org", full_name="Romane Gaudin", phone="0321987654")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Données personnelles et confidentialité").click()
    expect(page.get_by_role("heading", name="Données personnelles et confidentialité", level=1)).to_be_visible()
    check_page(page, "donnees 01 confidentialite")

    page.goto(live_server.url + "/compte/connexion/?next=/compte/mes-donnees/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", name="Mes données", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="Romane Gaudin")).to_be_visible()
    page.get_by_role("button", name="Recevoir la lettre").click()
    expect(page.get_by_role("button", name="Arrêter la lettre")).to_be_visible()
    check_page(page, "donnees 02 mes donnees")
    assert User.objects.get(pk=user.pk).newsletter_opt_in_at is not None

    page.get_by_role("link", name="Supprimer mon compte et effacer mes données personnelles").click()
    page.get_by_label("Votre mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(
        page.get_by_label("Je comprends que mon compte et mes données personnelles seront effacés")
    ).to_have_attribute("aria-invalid", "true")
    check_page(page, "donnees 03 suppression erreur")
    page.get_by_label("Votre mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_label("Je comprends que mon compte et mes données personnelles seront effacés").check()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("heading", name="Compte supprimé", level=1)).to_be_visible()
    check_page(page, "donnees 04 compte supprime")
    assert User.objects.get(pk=user.pk).erased_at is not None
