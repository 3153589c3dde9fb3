"""The cabas bio models, taken over from `orders` in the state only: their tables were created by
`orders/0002_baskets` and keep their names (`db_table = "orders_…"`), so this migration touches no table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orders", "0007_basket_delivery_round_status"),
        ("catalogue", "0005_product_and_producer_photos"),
        ("deliveries", "0005_stop_handover_one_shape"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="BasketOffer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                        ("slug", models.SlugField(max_length=110, unique=True, verbose_name="slug")),
                        (
                            "size",
                            models.CharField(
                                choices=[
                                    ("small", "Small basket"),
                                    ("medium", "Medium basket"),
                                    ("large", "Large basket"),
                                ],
                                max_length=10,
                                verbose_name="size",
                            ),
                        ),
                        ("description", models.CharField(blank=True, max_length=2000, verbose_name="description")),
                        ("price", models.DecimalField(decimal_places=2, max_digits=8, verbose_name="price incl. VAT")),
                        (
                            "solidarity_price",
                            models.DecimalField(
                                decimal_places=2,
                                help_text="Price for the customers whom a manager has marked eligible.",
                                max_digits=8,
                                verbose_name="solidarity price incl. VAT",
                            ),
                        ),
                        (
                            "indicative_weight",
                            models.DecimalField(decimal_places=3, max_digits=6, verbose_name="indicative weight (kg)"),
                        ),
                        (
                            "distribution_weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ],
                                default=4,
                                verbose_name="distribution weekday",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "basket offer",
                        "verbose_name_plural": "basket offers",
                        "db_table": "orders_basketoffer",
                        "ordering": ["position", "price", "id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("price__gt", 0)), name="basket_offer_price_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("solidarity_price__gt", 0), ("solidarity_price__lte", models.F("price"))
                                ),
                                name="basket_offer_solidarity_price_between_zero_and_price",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("indicative_weight__gt", 0)), name="basket_offer_weight_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("distribution_weekday__lte", 6)), name="basket_offer_weekday_valid"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="BasketComposition",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("week_start", models.DateField(verbose_name="week (Monday)")),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "Draft"), ("published", "Published")],
                                default="draft",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                        ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published at")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "published_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="published by",
                            ),
                        ),
                        (
                            "offer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="compositions",
                                to="baskets.basketoffer",
                                verbose_name="offer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "basket composition",
                        "verbose_name_plural": "basket compositions",
                        "db_table": "orders_basketcomposition",
                        "ordering": ["-week_start", "offer_id"],
                    },
                ),
                migrations.CreateModel(
                    name="BasketRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(verbose_name="distribution date")),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Not generated"), ("done", "Generated")],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("deliveries_count", models.PositiveIntegerField(default=0, verbose_name="baskets")),
                        (
                            "solidarity_count",
                            models.PositiveIntegerField(default=0, verbose_name="baskets at the solidarity price"),
                        ),
                        ("last_error", models.JSONField(blank=True, default=dict, verbose_name="last error")),
                        ("attempted_at", models.DateTimeField(blank=True, null=True, verbose_name="last attempt")),
                        ("generated_at", models.DateTimeField(blank=True, null=True, verbose_name="generated at")),
                        (
                            "composition",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="runs",
                                to="baskets.basketcomposition",
                                verbose_name="composition",
                            ),
                        ),
                        (
                            "generated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="generated by",
                            ),
                        ),
                        (
                            "offer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="runs",
                                to="baskets.basketoffer",
                                verbose_name="offer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "basket run",
                        "verbose_name_plural": "basket runs",
                        "db_table": "orders_basketrun",
                        "ordering": ["-date", "offer_id"],
                    },
                ),
                migrations.CreateModel(
                    name="BasketSubscription",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "frequency",
                            models.CharField(
                                choices=[("weekly", "Every week"), ("every_two_weeks", "Every two weeks")],
                                default="weekly",
                                max_length=20,
                                verbose_name="frequency",
                            ),
                        ),
                        ("start_date", models.DateField(verbose_name="first distribution")),
                        (
                            "anchor_week_parity",
                            models.PositiveSmallIntegerField(default=0, verbose_name="parity of the first week"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("cancelled", "Cancelled")],
                                default="active",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "fulfilment",
                            models.CharField(
                                choices=[("pickup", "Pickup at a point"), ("home", "Home delivery")],
                                max_length=10,
                                verbose_name="fulfilment",
                            ),
                        ),
                        (
                            "delivery_address",
                            models.CharField(blank=True, max_length=255, verbose_name="delivery address"),
                        ),
                        ("delivery_postcode", models.CharField(blank=True, max_length=10, verbose_name="postcode")),
                        ("delivery_commune", models.CharField(blank=True, max_length=100, verbose_name="commune")),
                        (
                            "delivery_latitude",
                            models.DecimalField(
                                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="latitude"
                            ),
                        ),
                        (
                            "delivery_longitude",
                            models.DecimalField(
                                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="longitude"
                            ),
                        ),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True, verbose_name="cancelled at")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="basket_subscriptions",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "delivery_zone",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="basket_subscriptions",
                                to="deliveries.deliveryzone",
                                verbose_name="delivery zone",
                            ),
                        ),
                        (
                            "offer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subscriptions",
                                to="baskets.basketoffer",
                                verbose_name="offer",
                            ),
                        ),
                        (
                            "pickup_point",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="basket_subscriptions",
                                to="deliveries.pickuppoint",
                                verbose_name="pickup point",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "basket subscription",
                        "verbose_name_plural": "basket subscriptions",
                        "db_table": "orders_basketsubscription",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="BasketSkip",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="skips",
                                to="baskets.basketsubscription",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "skipped distribution",
                        "verbose_name_plural": "skipped distributions",
                        "db_table": "orders_basketskip",
                        "ordering": ["date"],
                    },
                ),
                migrations.CreateModel(
                    name="BasketPause",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("start_date", models.DateField(verbose_name="from")),
                        ("end_date", models.DateField(verbose_name="to")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pauses",
                                to="baskets.basketsubscription",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "pause",
                        "verbose_name_plural": "pauses",
                        "db_table": "orders_basketpause",
                        "ordering": ["start_date"],
                    },
                ),
                migrations.CreateModel(
                    name="BasketDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(verbose_name="distribution date")),
                        (
                            "fulfilment",
                            models.CharField(
                                choices=[("pickup", "Pickup at a point"), ("home", "Home delivery")],
                                max_length=10,
                                verbose_name="fulfilment",
                            ),
                        ),
                        (
                            "delivery_address",
                            models.CharField(blank=True, max_length=255, verbose_name="delivery address"),
                        ),
                        ("delivery_commune", models.CharField(blank=True, max_length=100, verbose_name="commune")),
                        ("price", models.DecimalField(decimal_places=2, max_digits=8, verbose_name="price incl. VAT")),
                        ("solidarity", models.BooleanField(default=False, verbose_name="solidarity price")),
                        (
                            "delivery_fee",
                            models.DecimalField(
                                decimal_places=2, default=0, max_digits=8, verbose_name="delivery fee incl. VAT"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("to_collect", "To collect"),
                                    ("collected", "Collected"),
                                    ("not_collected", "Not collected"),
                                ],
                                default="to_collect",
                                max_length=15,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "status_changed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="status changed at"),
                        ),
                        (
                            "reminder_queued_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="reminder queued at"),
                        ),
                        (
                            "round_status",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("", "Not carried by a round"),
                                    ("delivered", "Delivered by the round"),
                                    ("failed", "Delivery failed"),
                                ],
                                default="",
                                max_length=10,
                                verbose_name="round status",
                            ),
                        ),
                        (
                            "round_status_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="round status recorded at"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="basket_deliveries",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "delivery_zone",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="deliveries.deliveryzone",
                            ),
                        ),
                        (
                            "pickup_point",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="deliveries.pickuppoint",
                            ),
                        ),
                        (
                            "status_changed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "offer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="baskets.basketoffer",
                                verbose_name="offer",
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="deliveries",
                                to="baskets.basketrun",
                            ),
                        ),
                        (
                            "subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="deliveries",
                                to="baskets.basketsubscription",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "basket delivery",
                        "verbose_name_plural": "basket deliveries",
                        "db_table": "orders_basketdelivery",
                        "ordering": ["date", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="SolidarityEligibility",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("valid_until", models.DateField(verbose_name="valid until")),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "customer",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="basket_solidarity",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "granted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="granted by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "solidarity price eligibility",
                        "verbose_name_plural": "solidarity price eligibilities",
                        "db_table": "orders_solidarityeligibility",
                        "ordering": ["-valid_until", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="BasketCompositionLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "quantity",
                            models.DecimalField(decimal_places=3, max_digits=10, verbose_name="quantity per basket"),
                        ),
                        (
                            "composition",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="baskets.basketcomposition",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalogue.product",
                                verbose_name="product",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "composition line",
                        "verbose_name_plural": "composition lines",
                        "db_table": "orders_basketcompositionline",
                        "ordering": ["composition_id", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("composition", "product"), name="basket_composition_line_one_per_product"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gt", 0)),
                                name="basket_composition_line_quantity_positive",
                            ),
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="basketcomposition",
                    constraint=models.UniqueConstraint(
                        fields=("offer", "week_start"), name="basket_composition_one_per_offer_week"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketrun",
                    constraint=models.UniqueConstraint(fields=("offer", "date"), name="basket_run_once_per_offer_date"),
                ),
                migrations.AddIndex(
                    model_name="basketsubscription",
                    index=models.Index(fields=["offer", "status", "start_date"], name="orders_bask_offer_i_558a49_idx"),
                ),
                migrations.AddConstraint(
                    model_name="basketsubscription",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("fulfilment", "pickup"),
                                ("pickup_point__isnull", False),
                                ("delivery_zone__isnull", True),
                            ),
                            models.Q(
                                ("fulfilment", "home"), ("pickup_point__isnull", True), ("delivery_zone__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="basket_subscription_fulfilment_has_its_place",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketsubscription",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("anchor_week_parity__in", [0, 1])), name="basket_subscription_parity"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketsubscription",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "active")),
                        fields=("customer", "offer"),
                        name="basket_subscription_one_active_per_offer",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketskip",
                    constraint=models.UniqueConstraint(
                        fields=("subscription", "date"), name="basket_skip_once_per_date"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketpause",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("end_date__gte", models.F("start_date"))), name="basket_pause_ordered"
                    ),
                ),
                migrations.AddIndex(
                    model_name="basketdelivery",
                    index=models.Index(fields=["date", "pickup_point"], name="orders_bask_date_dcf9d8_idx"),
                ),
                migrations.AddIndex(
                    model_name="basketdelivery",
                    index=models.Index(fields=["customer", "date"], name="orders_bask_custome_18e6c1_idx"),
                ),
                migrations.AddIndex(
                    model_name="basketdelivery",
                    index=models.Index(fields=["date", "reminder_queued_at"], name="orders_bask_date_39ec96_idx"),
                ),
                migrations.AddConstraint(
                    model_name="basketdelivery",
                    constraint=models.UniqueConstraint(
                        fields=("subscription", "date"), name="basket_delivery_once_per_date"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketdelivery",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("fulfilment", "pickup"),
                                ("pickup_point__isnull", False),
                                ("delivery_zone__isnull", True),
                            ),
                            models.Q(
                                ("fulfilment", "home"), ("pickup_point__isnull", True), ("delivery_zone__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="basket_delivery_fulfilment_has_its_place",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="basketdelivery",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("price__gte", 0), ("delivery_fee__gte", 0)),
                        name="basket_delivery_amounts_not_negative",
                    ),
                ),
            ],
        ),
    ]
