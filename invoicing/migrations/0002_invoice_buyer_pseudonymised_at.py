from django.db import migrations, models

# The one change an issued invoice admits besides its email bookkeeping: at the erasure of its customer's personal
# data (GDPR art. 17; the invoice itself is kept 10 years, Code de commerce L123-22), the buyer's name becomes the
# account's pseudonym ("Client effacé" and 10 hexadecimal digits, ecopole.core.personal_data.PSEUDONYM_PATTERN) and
# their email and address are emptied, once, with `buyer_pseudonymised_at` set. Every other column, the buyer's other
# keys and the lines stay as issued; anything else is refused as before, whatever the code path.
PSEUDONYMISABLE_SQL = """
CREATE OR REPLACE FUNCTION invoicing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    personal CONSTANT text[] := ARRAY['name', 'email', 'address', 'postcode', 'city'];
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'invoicing_invoice' THEN
        IF (to_jsonb(NEW) - 'emailed_at') = (to_jsonb(OLD) - 'emailed_at') THEN
            RETURN NEW;
        END IF;
        IF OLD.customer_id IS NOT NULL
           AND OLD.buyer_pseudonymised_at IS NULL
           AND NEW.buyer_pseudonymised_at IS NOT NULL
           AND (to_jsonb(NEW) - 'buyer' - 'buyer_pseudonymised_at') = (to_jsonb(OLD) - 'buyer' - 'buyer_pseudonymised_at')
           AND jsonb_typeof(NEW.buyer) = 'object'
           AND (NEW.buyer - personal) = (OLD.buyer - personal)
           AND (NEW.buyer ->> 'name') ~ '^Client effacé [0-9A-F]{10}$'
           AND NEW.buyer ->> 'email' = '' AND NEW.buyer ->> 'address' = ''
           AND NEW.buyer ->> 'postcode' = '' AND NEW.buyer ->> 'city' = '' THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'an issued invoice cannot be changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""
# Back to 0001's function (the column it does not know is dropped after it).
IMMUTABLE_SQL = """
CREATE OR REPLACE FUNCTION invoicing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'invoicing_invoice'
       AND (to_jsonb(NEW) - 'emailed_at') = (to_jsonb(OLD) - 'emailed_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an issued invoice cannot be changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="buyer_pseudonymised_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the customer's personal data were erased: the buyer's name became their pseudonym.",
                null=True,
                verbose_name="buyer pseudonymised at",
            ),
        ),
        migrations.AddField(
            model_name="sepamandate",
            name="bank_details_erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="bank details erased at"),
        ),
        migrations.RunSQL(PSEUDONYMISABLE_SQL, IMMUTABLE_SQL),
    ]
