"""The cabas bio models moved to the `baskets` app: removed from orders' state only. Their tables stay (the
models keep `db_table = "orders_…"` in `baskets/models.py`), so no row moves and nothing is dropped; `baskets`'
0001 takes them over in its own state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_basket_delivery_round_status"),
        ("baskets", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="basketcompositionline",
                    name="composition",
                ),
                migrations.RemoveField(
                    model_name="basketrun",
                    name="composition",
                ),
                migrations.RemoveField(
                    model_name="basketcompositionline",
                    name="product",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="customer",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="delivery_zone",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="offer",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="pickup_point",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="status_changed_by",
                ),
                migrations.RemoveField(
                    model_name="basketdelivery",
                    name="subscription",
                ),
                migrations.RemoveField(
                    model_name="basketrun",
                    name="offer",
                ),
                migrations.RemoveField(
                    model_name="basketsubscription",
                    name="offer",
                ),
                migrations.RemoveField(
                    model_name="basketpause",
                    name="subscription",
                ),
                migrations.RemoveField(
                    model_name="basketrun",
                    name="generated_by",
                ),
                migrations.RemoveField(
                    model_name="basketskip",
                    name="subscription",
                ),
                migrations.RemoveField(
                    model_name="basketsubscription",
                    name="customer",
                ),
                migrations.RemoveField(
                    model_name="basketsubscription",
                    name="delivery_zone",
                ),
                migrations.RemoveField(
                    model_name="basketsubscription",
                    name="pickup_point",
                ),
                migrations.RemoveField(
                    model_name="solidarityeligibility",
                    name="customer",
                ),
                migrations.RemoveField(
                    model_name="solidarityeligibility",
                    name="granted_by",
                ),
                migrations.DeleteModel(
                    name="BasketComposition",
                ),
                migrations.DeleteModel(
                    name="BasketCompositionLine",
                ),
                migrations.DeleteModel(
                    name="BasketDelivery",
                ),
                migrations.DeleteModel(
                    name="BasketOffer",
                ),
                migrations.DeleteModel(
                    name="BasketPause",
                ),
                migrations.DeleteModel(
                    name="BasketRun",
                ),
                migrations.DeleteModel(
                    name="BasketSkip",
                ),
                migrations.DeleteModel(
                    name="BasketSubscription",
                ),
                migrations.DeleteModel(
                    name="SolidarityEligibility",
                ),
            ],
        ),
    ]
