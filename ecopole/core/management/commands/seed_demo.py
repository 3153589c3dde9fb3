"""Load the demo data: the organisations and places of DOMAIN.md, users of every role, and each app's demo set.

Idempotent: every row is found by a natural key (email, slug, name) before it is created, so running it twice
creates nothing twice. Each app contributes through `<app>/demo.py: seed(stdout)`, called in dependency order.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

APPS_IN_ORDER = ["accounts", "catalogue", "deliveries", "orders", "baskets", "processing", "vending"]


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"demo: {app} ok"))
