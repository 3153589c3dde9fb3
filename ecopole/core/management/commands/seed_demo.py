"""Load the demo data: the organisations and places of DOMAIN.md, users of every role, and each app's demo set.

Idempotent: every row is found by a natural key (email, slug, name) before it is created, so running it twice
creates nothing twice, and a run stopped half-way is finished by the next. Each app contributes through
`<app>/demo.py: seed(stdout)`, called in dependency order.
"""

import importlib

from django.core.management.base import BaseCommand

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
            # No transaction around a whole app: the services it calls open their own, durable ones.
            module.seed(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"demo: {app} ok"))
