"""Click and collect wired to the orders: a real foreign key from a locker reservation to its order, and the
pickup point through which customers choose a machine.

The reservation's former `order_id` integer is kept under another name while the foreign key is filled from it;
reservations pointing to no existing order (possible only before this link existed) cannot be kept and are deleted.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_order_ids(apps, schema_editor):
    reservation_model = apps.get_model("vending", "LockerReservation")
    order_model = apps.get_model("orders", "Order")
    existing = set(order_model.objects.values_list("pk", flat=True))
    for reservation in reservation_model.objects.all():
        if reservation.legacy_order_id in existing:
            reservation.order_id = reservation.legacy_order_id
            reservation.save(update_fields=["order"])
        else:
            reservation.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0002_fleet_and_rounds"),
        ("orders", "0003_order_total_rounded"),
        ("vending", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="lockerreservation", name="vending_one_active_locker_per_order"),
        migrations.RenameField(model_name="lockerreservation", old_name="order_id", new_name="legacy_order_id"),
        migrations.AddField(
            model_name="lockerreservation",
            name="order",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="locker_reservations",
                to="orders.order",
                verbose_name="order",
            ),
        ),
        migrations.RunPython(copy_order_ids, migrations.RunPython.noop),
        migrations.RemoveField(model_name="lockerreservation", name="legacy_order_id"),
        migrations.AlterField(
            model_name="lockerreservation",
            name="order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="locker_reservations",
                to="orders.order",
                verbose_name="order",
            ),
        ),
        migrations.AddConstraint(
            model_name="lockerreservation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)), fields=("order",), name="vending_one_active_locker_per_order"
            ),
        ),
        migrations.AddField(
            model_name="machine",
            name="pickup_point",
            field=models.OneToOneField(
                blank=True,
                help_text=(
                    "The pickup point (of kind vending machine) customers choose to collect an order from one of its "
                    "lockers."
                ),
                limit_choices_to={"kind": "vending_machine"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="vending_machine",
                to="deliveries.pickuppoint",
                verbose_name="pickup point",
            ),
        ),
    ]
