"""The customer's account, under /compte/ (included by ecopole/urls.py with the namespace `account`).

The saved addresses (`account:addresses`, /compte/adresses/…) are the patterns of `shop/urls_addresses.py`.
"""

from django.urls import path

from shop import urls_addresses

from . import direct_debit, invoices, orders, privacy, views

app_name = "account"

urlpatterns = [
    path("", views.account_home, name="home"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("inscription/", views.register_view, name="register"),
    path("inscription/envoyee/", views.register_done, name="register-done"),
    path("confirmer-email/renvoyer/", views.email_confirm_resend, name="email-confirm-resend"),
    path("email/", views.email_change, name="email-change"),
    path("email/confirmer/", views.email_change_confirm, name="email-change-confirm"),
    path("mot-de-passe/", views.password_change, name="password-change"),
    path("mot-de-passe/oublie/", views.password_reset, name="password-reset"),
    path("mot-de-passe/oublie/envoye/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("mot-de-passe/nouveau/fait/", views.password_reset_complete, name="password-reset-complete"),
    path("commandes/", orders.order_list, name="orders"),
    path("commandes/<int:order_id>/", orders.order_detail, name="order-detail"),
    path("commandes/<int:order_id>/annuler/", orders.order_cancel_view, name="order-cancel"),
    path("commandes/<int:order_id>/modifier/", orders.order_modify_view, name="order-modify"),
    path("factures/", invoices.invoice_list, name="invoices"),
    path("factures/<int:invoice_id>/pdf/", invoices.invoice_pdf, name="invoice-pdf"),
    path("prelevement/", direct_debit.direct_debit, name="direct-debit"),
    path("prelevement/retirer/", direct_debit.direct_debit_revoke, name="direct-debit-revoke"),
    path("mes-donnees/", privacy.my_data, name="my-data"),
    path("mes-donnees/telecharger/", privacy.my_data_download, name="my-data-download"),
    path("mes-donnees/newsletter/", privacy.newsletter_consent, name="newsletter-consent"),
    path("supprimer/", privacy.account_delete, name="delete"),
    path("supprime/", privacy.account_deleted, name="deleted"),
    *urls_addresses.urlpatterns,
]
