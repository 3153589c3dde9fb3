"""Stops' hand-over lists in the one shape of `deliveries.ports.Handover`: `{"source", "id", "customer", "phone",
"items"}`. Before, grocery items were `{"order": id, ...}`, baskets `{"basket": id, ...}` and refills
`{"order": null, ...}` (the refill request's id only in the stop's `source_key`, "refill:<id>")."""

from django.db import migrations


def _convert(item: dict, source_key: str) -> dict:
    if not isinstance(item, dict) or "source" in item:
        return item
    item = dict(item)
    if item.get("basket"):
        source, ref = "baskets", item.pop("basket")
        item.pop("order", None)
    elif item.get("order"):
        source, ref = "grocery", item.pop("order")
    elif source_key.startswith("refill:"):
        source, ref = "vending", int(source_key.split(":", 1)[1])
        item.pop("order", None)
    else:
        return item
    return {"source": source, "id": ref, **item}


def forwards(apps, schema_editor):
    Stop = apps.get_model("deliveries", "Stop")
    for stop in Stop.objects.exclude(handover=[]).only("pk", "handover", "source_key").iterator():
        converted = [_convert(item, stop.source_key) for item in stop.handover or []]
        if converted != stop.handover:
            Stop.objects.filter(pk=stop.pk).update(handover=converted)


class Migration(migrations.Migration):
    dependencies = [("deliveries", "0004_delivery_zone_area")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
