"""Load the demo data: the organisations and places of DOMAIN.md, users of every role, and each app's demo set.

Idempotent: every row is found by a natural key (email, slug, name) before it is created, so running it twice
creates nothing twice, and a run stopped half-way is finished by the next. Each app contributes through
`<app>/demo.py: seed(stdout)`, called in dependency order; a step that joins two apps belongs to the upper one and
runs once both have seeded (the locker order after the machine; the demo day's rounds, planned from every registered
stop source, last), so that no lower app's demo imports an upper one.
"""

import importlib

from django.core.management.base import BaseCommand

APPS_IN_ORDER = ["accounts", "catalogue", "deliveries", "payments", "orders", "baskets", "processing", "vending"]
# (app, function of `<app>.demo`), in order.
STEPS = [(app, "seed") for app in APPS_IN_ORDER] + [
    ("orders", "click_and_collect_seed"),
    ("deliveries", "demo_day_seed"),
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
        for app, step in STEPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            # No transaction around a step: the services it calls open their own, durable ones.
            getattr(module, step)(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"demo: {app} {step} ok"))
