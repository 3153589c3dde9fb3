"""Follow-up of the move from `orders`: what the database names by app label or module path.

- The content types of the moved models become `baskets.*`, so their permissions (and the groups holding them,
  the manager group of `roles_ensure`) and the admin history follow without a new row.
- Outbox messages name their handler by dotted path: `orders.basket_emails.*` becomes `baskets.emails.*`, so an
  email queued before the deploy is still sent after it.
- Audit events name their object by model label: `orders.basketsubscription` becomes `baskets.basketsubscription`,
  so an object's history stays in one piece. (Generic foreign keys, e.g. the stock ledger's `source_type`, point at
  the content type's id, which does not change.)

The Celery task names (`orders.basket_runs_generate`, `orders.basket_reminders_queue`) are kept by the tasks
themselves, so the django-celery-beat rows need no change.
"""

from django.db import migrations

MODELS = (
    "basketoffer",
    "solidarityeligibility",
    "basketcomposition",
    "basketcompositionline",
    "basketsubscription",
    "basketskip",
    "basketpause",
    "basketrun",
    "basketdelivery",
)
OLD_HANDLER, NEW_HANDLER = "orders.basket_emails.", "baskets.emails."


def _relabel(apps, *, source: str, target: str, old_prefix: str, new_prefix: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        # Relabel in place: the row keeps its id, so its permissions, the groups holding them and the admin history
        # follow. A content type already under the target label (a post_migrate run in between) is left as it is:
        # deleting it would cascade to whatever points at it.
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for message in OutboxMessage.objects.filter(handler__startswith=old_prefix).only("pk", "handler"):
        message.handler = new_prefix + message.handler.removeprefix(old_prefix)
        message.save(update_fields=["handler"])
    AuditEvent = apps.get_model("core", "AuditEvent")
    for model in MODELS:
        AuditEvent.objects.filter(object_type=f"{source}.{model}").update(object_type=f"{target}.{model}")


def forwards(apps, schema_editor) -> None:
    _relabel(apps, source="orders", target="baskets", old_prefix=OLD_HANDLER, new_prefix=NEW_HANDLER)


def backwards(apps, schema_editor) -> None:
    _relabel(apps, source="baskets", target="orders", old_prefix=NEW_HANDLER, new_prefix=OLD_HANDLER)


class Migration(migrations.Migration):
    dependencies = [
        ("baskets", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_closure_calendar"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
