"""The cabas models left `orders` for `baskets` without losing a row: a database filled by `seed_demo` at the
previous head (orders 0005, no baskets app) is migrated to the new head and every table is compared, row by row.

The only changes allowed are the ones the move is for: the moved models' content types change label in place
(same ids, so permissions, groups and generic foreign keys follow), and the rows that name them by label or by
module path (audit events, outbox handlers) follow too.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PRE_MOVE = [("orders", "0007_basket_delivery_round_status"), ("baskets", None)]
# The move's own last migration: later baskets migrations (new models) are not part of what this test compares.
MOVE_HEAD = ("baskets", "0002_content_types_and_outbox_from_orders")
# Likewise for orders: its migrations after the move (new columns) are left out of the comparison.
ORDERS_MOVE_HEAD = ("orders", "0009_order_event_lines_changed")
# Columns of orders added after the move (today's seed writes them: they exist, empty, while it runs), with their
# type and what a row that holds something would show.
LATER_ORDER_COLUMNS = [
    ("orders_order", "delivery_window_id", "bigint NULL", "IS NOT NULL"),
    ("orders_order", "deposit_total", "numeric(10, 2) NOT NULL DEFAULT 0", "<> 0"),
    ("orders_orderline", "deposit", "numeric(6, 2) NOT NULL DEFAULT 0", "<> 0"),
    ("orders_orderline", "deposit_amount", "numeric(10, 2) NOT NULL DEFAULT 0", "<> 0"),
]
MOVED = (
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


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _snapshot() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of the database: its column names and its rows, ordered by primary key."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            pk = connection.introspection.get_primary_key_column(cursor, table)
            order = connection.ops.quote_name(pk) if pk else ", ".join(str(i + 1) for i in range(len(columns)))
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")
            tables[table] = (columns, cursor.fetchall())
    return tables


def _as_previous_head_wrote() -> None:
    """The seed ran with today's code on the previous schema; the previous code named the moved models
    `orders.*` in the audit trail and its email handlers `orders.basket_emails.*`: write them so."""
    with connection.cursor() as cursor:
        for model in MOVED:
            cursor.execute(
                "UPDATE core_auditevent SET object_type = %s WHERE object_type = %s",
                [f"orders.{model}", f"baskets.{model}"],
            )
        cursor.execute(
            "UPDATE core_outboxmessage SET handler = replace(handler, 'baskets.emails.', 'orders.basket_emails.') "
            "WHERE handler LIKE 'baskets.emails.%%'"
        )


def _expected_after(before: dict) -> dict:
    """`before` with the changes the move makes, and nothing else."""
    expected = dict(before)

    def rewrite(table, column, change):
        columns, rows = before[table]
        index = columns.index(column)
        expected[table] = (
            columns,
            [tuple(change(v) if i == index else v for i, v in enumerate(row)) for row in rows],
        )

    moved_types = {f"orders.{m}": f"baskets.{m}" for m in MOVED}
    columns, rows = before["django_content_type"]
    label, model = columns.index("app_label"), columns.index("model")
    expected["django_content_type"] = (
        columns,
        [
            tuple(
                "baskets" if i == label and row[label] == "orders" and row[model] in MOVED else v
                for i, v in enumerate(row)
            )
            for row in rows
        ],
    )
    rewrite("core_auditevent", "object_type", lambda v: moved_types.get(v, v))
    rewrite(
        "core_outboxmessage",
        "handler",
        lambda v: (
            "baskets.emails." + v.removeprefix("orders.basket_emails.") if v.startswith("orders.basket_emails.") else v
        ),
    )
    return expected


@pytest.mark.django_db(transaction=True)
def test_a_database_seeded_at_the_previous_head_keeps_every_row_through_the_move(monkeypatch):
    # given a database at the previous head (the cabas models still in orders) filled by seed_demo — today's demo, less
    # its step for a table created after the move (a pending solidarity request: baskets 0003), and its jars' deposit
    # (the previous head's orders have none: their total is the subtotal plus the fee, a constraint says so)
    monkeypatch.setattr("baskets.demo._solidarity_request", lambda: None)
    monkeypatch.setattr("catalogue.demo.JAR_DEPOSIT", Decimal("0.00"))
    leaves = _leaves()
    head = [node for node in leaves if node[0] not in ("baskets", "orders")] + [MOVE_HEAD, ORDERS_MOVE_HEAD]
    _migrate(PRE_MOVE)
    # the content types of baskets models added after the move (made when the test database was set up) did not
    # exist at the previous head
    ContentType.objects.filter(app_label="baskets").exclude(model__in=MOVED).delete()
    with connection.cursor() as cursor:
        for table, column, definition, _holds in LATER_ORDER_COLUMNS:
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    call_command("seed_demo", stdout=StringIO())
    with connection.cursor() as cursor:
        for table, column, _definition, holds in LATER_ORDER_COLUMNS:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {column} {holds}")
            assert cursor.fetchone()[0] == 0, column  # the demo writes none: dropping the column loses nothing
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    _as_previous_head_wrote()
    ContentType.objects.clear_cache()
    before = _snapshot()
    assert before["orders_basketoffer"][1], "the demo has basket offers"
    assert before["orders_basketsubscription"][1], "the demo has basket subscriptions"
    cabas_types = {
        row[0] for row in ContentType.objects.filter(app_label="orders", model__in=MOVED).values_list("pk", "model")
    }
    assert len(cabas_types) == len(MOVED)
    assert not ContentType.objects.filter(app_label="baskets").exists()

    # when it is migrated to the new head
    _migrate(head)
    after = _snapshot()

    # then no table was dropped or created, the applied-migrations list only grew by the new migrations
    assert set(after) == set(before)
    migrations_before, migrations_after = before.pop("django_migrations"), after.pop("django_migrations")
    applied = lambda snapshot: {(app, name) for _id, app, name, _at in snapshot[1]}  # noqa: E731
    assert applied(migrations_before) < applied(migrations_after)
    assert {app for app, _name in applied(migrations_after) - applied(migrations_before)} <= {"orders", "baskets"}
    # and every other table holds the same rows, but for the labels that follow the models
    expected = _expected_after(before)
    for table in sorted(before):
        changed = [
            [(a, b) for a, b in zip(old, new, strict=True) if a != b]
            for old, new in zip(expected[table][1], after[table][1], strict=False)
            if old != new
        ]
        assert after[table] == expected[table], (table, changed[:3])
    # and the moved models' content types kept their ids (their permissions and the groups' grants with them)
    assert set(ContentType.objects.filter(app_label="baskets").values_list("pk", flat=True)) == cabas_types
    assert not ContentType.objects.filter(app_label="orders", model__in=MOVED).exists()
    _migrate(leaves)  # back to the real head for the tests that follow
