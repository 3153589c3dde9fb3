"""The periodic tasks of the project, in one table. They are created in django-celery-beat after `migrate`
(and by seed_demo) when missing, and never overwritten: once created, staff edit them in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    # crontab fields, in Europe/Paris (CELERY_TIMEZONE)
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    description: str = ""


PERIODIC_TASKS: list[Periodic] = [
    Periodic(
        name="Newsletter: the week's products, to those who asked for it",
        task="orders.newsletter_week_queue",
        minute="0",
        hour="8",
        day_of_week="1",
        description="Monday morning, only to accounts with a recorded opt-in; one-click unsubscribe in every email.",
    ),
    Periodic(
        name="Personal data: apply the retention schedule",
        task="core.personal_data_retention",
        minute="30",
        hour="3",
        description="Daily, in bounded batches (PERSONAL_DATA_RETENTION): inactive accounts warned then anonymised, "
        "outbox payloads and logs bounded. Each run is listed in the admin (retention runs).",
    ),
    Periodic(
        name="Outbox: deliver what was not delivered",
        task="core.outbox_sweep",
        minute="*",
        description="Emails and after-commit work left behind when the broker or a worker was down.",
    ),
    Periodic(
        name="Payments: settle what the card authorised",
        task="payments.settle_sweep",
        minute="20",
        description="Hourly: online payments still authorised (or a saved card) whose order is weighed and ready are "
        "captured at the final amount, those of cancelled orders released, when the task that should have done it "
        "was lost.",
    ),
    Periodic(
        name="Workshop: monthly statements",
        task="processing.build_monthly_statements",
        minute="0",
        hour="6",
        day_of_month="1",
        description="Each producer's statement of the légumerie-conserverie for the month just ended, emailed.",
    ),
    Periodic(
        name="Cabas bio: monthly invoices",
        task="baskets.invoices_monthly",
        minute="30",
        hour="6",
        day_of_month="1",
        description="Each subscriber's invoice of the baskets of the month just ended, emailed; they feed the "
        "month's SEPA direct-debit file.",
    ),
    Periodic(
        name="Workshop: expire waiting-list offers",
        task="processing.expire_offers",
        minute="*/10",
        description="Offers of freed slots whose hold is over go to the next producer in line.",
    ),
    Periodic(
        name="Cabas bio: generate the baskets of distributions past their cutoff",
        task="orders.basket_runs_generate",
        minute="5",
        description="Every hour: one basket per subscription due, stock allocated once per offer and date.",
    ),
    Periodic(
        name="Cabas bio: reminder emails of tomorrow's baskets",
        task="orders.basket_reminders_queue",
        minute="*/15",
        hour="9-19",
        description="The day before each distribution, in batches of 500: composition and where to collect.",
    ),
    Periodic(
        name="Vending: check fill levels and freshness",
        task="vending.check_machines",
        minute="0",
        hour="7,15",
        description="Compartments low or past the freshness limit give one refill request per machine per day.",
    ),
    Periodic(
        name="Vending: free the lockers of orders not collected",
        task="vending.expire_locker_reservations",
        minute="10",
        description="Click and collect: flag orders not collected in time and free their lockers.",
    ),
    Periodic(
        name="Deliveries: plan the next delivery day after its cutoff",
        task="deliveries.plan_due_rounds",
        minute="5,35",
        description="Plans the rounds of each delivery date once its order cutoffs have passed, then emails every "
        "home-delivery customer a two-hour arrival window. Runs once per date (later runs do nothing).",
    ),
]


def periodic_tasks_ensure() -> int:
    """Create the missing periodic tasks; returns how many were created. Idempotent."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = 0
    for periodic in PERIODIC_TASKS:
        if PeriodicTask.objects.filter(name=periodic.name).exists():
            continue
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=periodic.minute,
            hour=periodic.hour,
            day_of_week=periodic.day_of_week,
            day_of_month=periodic.day_of_month,
            month_of_year="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.create(
            name=periodic.name, task=periodic.task, crontab=schedule, description=periodic.description
        )
        created += 1
    return created
