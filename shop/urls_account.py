"""The customer's account pages, `/compte/…`, namespace `account`. For now the saved addresses only: the account
pages (profile, orders, cabas) add their own patterns here."""

from . import urls_addresses

app_name = "account"

urlpatterns = [
    *urls_addresses.urlpatterns,
]
