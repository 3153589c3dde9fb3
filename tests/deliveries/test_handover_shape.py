"""The stops stored before the one hand-over shape are converted by migration 0005: grocery items (`order`), basket
items (`basket`) and refills (`order: null`, the request's id in the stop's `source_key`)."""

import importlib

from deliveries.ports import handover_refs

migration = importlib.import_module("deliveries.migrations.0005_stop_handover_one_shape")


def test_the_three_old_shapes_become_one():
    grocery = {"order": 12, "customer": "A", "phone": "06", "items": []}
    basket = {"basket": 7, "customer": "B", "items": [{"name": "Cabas", "quantity": "1", "unit": "basket"}]}
    refill = {"order": None, "customer": "Distributeur", "items": []}

    assert migration._convert(grocery, "order:12") == {
        "source": "grocery",
        "id": 12,
        "customer": "A",
        "phone": "06",
        "items": [],
    }
    assert migration._convert(basket, "point:3")["source"] == "baskets"
    assert migration._convert(basket, "point:3")["id"] == 7 and "basket" not in migration._convert(basket, "point:3")
    assert migration._convert(refill, "refill:5") == {
        "source": "vending",
        "id": 5,
        "customer": "Distributeur",
        "items": [],
    }
    new = {"source": "grocery", "id": 1, "customer": "C", "items": []}
    assert migration._convert(new, "order:1") is new  # already converted: left alone (the migration runs once)


def test_a_stops_references_are_read_per_source_each_once():
    handover = [
        {"source": "grocery", "id": 3, "customer": "A", "items": []},
        {"source": "baskets", "id": 9, "customer": "B", "items": []},
        {"source": "grocery", "id": 3, "customer": "A", "items": []},
        {"source": "grocery", "id": 1, "customer": "C", "items": []},
    ]
    assert handover_refs(handover, "grocery") == (3, 1)
    assert handover_refs(handover, "baskets") == (9,)
    assert handover_refs(None, "vending") == ()
