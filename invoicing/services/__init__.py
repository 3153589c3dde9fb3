"""Every write of the invoicing app: issuing invoices and credit notes, their email, SEPA mandates and debits."""
