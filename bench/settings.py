"""Settings of `make bench`: the application's own settings (base, DEBUG off) plus the floor view's URL.

DEBUG stays off as in production (with DEBUG on, Django keeps every query in memory and the figures would measure
that). Database connections persist between requests (`DB_CONN_MAX_AGE`, 60 s unless set), as a deployment would
configure them; the floor view is served by the same process with the same settings, so both pay the same.
"""

from decimal import Decimal

from ecopole.settings.base import *  # noqa: F403
from ecopole.settings.base import DATABASES, env_int

DEBUG = False
ROOT_URLCONF = "bench.urls"
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The bench's 8 customers place hundreds of orders each: the daily guard still counts (its query is measured) but
# never refuses.
ORDERS_MAX_PER_CUSTOMER_PER_DAY = 10**9
# The same for the caps on a customer's open unpaid orders (`unpaid_caps_check`): the bench's customers pile up
# hundreds of unpaid orders, so with the default 500 € every order of row 2 was refused (409 `unpaid_total_exceeded`)
# and the row measured refusals. The check still runs (its query is measured) but never refuses.
ORDERS_MAX_UNPAID_TOTAL = Decimal(10**9)
ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT = Decimal(10**9)
