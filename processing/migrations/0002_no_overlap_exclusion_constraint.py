"""No double booking, enforced by PostgreSQL: an exclusion constraint on the active, exclusive booking lines.

Two lines of one equipment may not have overlapping [starts_at, blocked_until) intervals (the booked time plus the
cleaning buffer) while both are active (held, requested, confirmed, completed). The services check the same rule
under row locks first, so that a refusal is a 409 `slot_taken`, not an IntegrityError.
"""

from django.db import migrations

CONSTRAINT = "processing_line_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE processing_bookingline
    ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        equipment_id WITH =,
        tstzrange(starts_at, blocked_until, '[)') WITH &&
    ) WHERE (is_active AND exclusive);
"""

DROP = f"ALTER TABLE processing_bookingline DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


class Migration(migrations.Migration):
    dependencies = [("processing", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
