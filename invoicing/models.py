"""Invoices (factures) and credit notes (avoirs) in continuous series, and SEPA direct-debit mandates.

An invoice is a legal document: once issued it never changes (the model and its queryset refuse, and a PostgreSQL
trigger refuses an UPDATE or DELETE that would). A correction is a credit note referring to the invoice. Only the
bookkeeping of its email (`emailed_at`) may be written after issue, and, once, the buyer's pseudonymisation when the
customer's personal data are erased (`ImmutableQuerySet.buyer_pseudonymise`: the invoice is kept 10 years, the
person's name is not).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Series(models.TextChoices):
    """One numbering sequence per series and year: F2026-00001, P2026-00001, A2026-00001."""

    CUSTOMER = "F", _("Customer invoices")
    PRODUCER = "P", _("Producer invoices")
    CREDIT_NOTE = "A", _("Credit notes")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceCounter(models.Model):
    """The last number issued in a series and year; its row is locked by the issuing transaction, so a number is
    consumed only when the invoice commits (no gap, no duplicate)."""

    series = models.CharField(_("series"), max_length=1, choices=Series.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="invoicing_counter_unique")]

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last_number}"


class ImmutableQuerySet(models.QuerySet):
    """Issued documents: no bulk update but of the email bookkeeping, no delete."""

    MUTABLE = frozenset({"emailed_at"})

    def update(self, **kwargs):
        if set(kwargs) - self.MUTABLE:
            raise ImmutableDocument(_("An issued invoice cannot be changed: issue a credit note."))
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableDocument(_("An issued invoice cannot be deleted: issue a credit note."))

    def buyer_pseudonymise(self, *, pseudonym: str, at) -> int:
        """The one change an issued invoice admits besides its email bookkeeping: at the erasure of its customer's
        personal data, the buyer's name becomes `pseudonym` and their email and address are emptied
        (`pseudonymised_buyer`), `buyer_pseudonymised_at` records when. Once per invoice (those already pseudonymised
        are left alone), customers' invoices only (a producer is an organisation). Nothing else changes: the
        database trigger (invoicing/migrations/0002) refuses any other UPDATE. Returns how many invoices changed."""
        rows = self.filter(customer__isnull=False, buyer_pseudonymised_at__isnull=True).values_list("pk", "buyer")
        changed = 0
        for pk, buyer in rows.order_by("pk"):
            changed += models.QuerySet.update(
                self.model._base_manager.filter(pk=pk),
                buyer=pseudonymised_buyer(buyer, pseudonym),
                buyer_pseudonymised_at=at,
            )
        return changed


# The buyer's personal fields: the name (replaced by the pseudonym), how to reach them and where they live (emptied).
# What accounting reads stays: the customer's account number (the FEC's auxiliary account C<id>), the amounts, and the
# name, now the pseudonym, in the journal's labels.
BUYER_PERSONAL_FIELDS = ("name", "email", "address", "postcode", "city")


def pseudonymised_buyer(buyer: dict, pseudonym: str) -> dict:
    """The buyer block with the person's fields replaced: the name by the pseudonym, the others emptied."""
    return {**buyer, **{key: "" for key in BUYER_PERSONAL_FIELDS}, "name": pseudonym}


class ImmutableDocument(Exception):
    """Raised by the model layer when code tries to change an issued invoice."""


class Invoice(models.Model):
    """Facture (or avoir when `kind` is credit_note): a numbered, immutable document with its buyer and seller
    copied at issue. Amounts are VAT included per line, with the VAT per rate in `vat_breakdown`."""

    series = models.CharField(_("series"), max_length=1, choices=Series.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credited invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    source = models.CharField(_("source"), max_length=80, unique=True, help_text=_("What the invoice is for."))
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    producer = models.ForeignKey(
        "catalogue.Producer",
        verbose_name=_("producer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    buyer = models.JSONField(_("buyer"), default=dict)
    seller = models.JSONField(_("seller"), default=dict)
    issue_date = models.DateField(_("issue date"))
    issued_at = models.DateTimeField(_("issued at"))
    total_excl_vat = models.DecimalField(_("total excl. VAT"), max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), max_digits=12, decimal_places=2)
    vat_breakdown = models.JSONField(_("VAT per rate"), default=list)
    e_invoice = models.BooleanField(_("Factur-X e-invoice"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    buyer_pseudonymised_at = models.DateTimeField(
        _("buyer pseudonymised at"),
        null=True,
        blank=True,
        help_text=_("When the customer's personal data were erased: the buyer's name became their pseudonym."),
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["issue_date"])]
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "number"], name="invoicing_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="invoicing_number_positive"),
            models.CheckConstraint(
                condition=Q(total_excl_vat__gte=0) & Q(vat_total__gte=0) & Q(total_incl_vat__gte=0),
                name="invoicing_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(kind="credit_note") & Q(credited_invoice__isnull=False))
                | (Q(kind="invoice") & Q(credited_invoice__isnull=True)),
                name="invoicing_credit_note_refers_to_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not (update_fields and set(update_fields) <= ImmutableQuerySet.MUTABLE):
            raise ImmutableDocument(_("An issued invoice cannot be changed: issue a credit note."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument(_("An issued invoice cannot be deleted: issue a credit note."))

    @property
    def reference(self) -> str:
        return f"{self.series}{self.year}-{self.number:05d}"


class InvoiceLine(models.Model):
    """A line of an invoice: price VAT included, its rate and the VAT it contains."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.CharField(_("description"), max_length=255)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_price = models.DecimalField(_("unit price incl. VAT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    amount_incl_vat = models.DecimalField(_("amount incl. VAT"), max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT included"), max_digits=12, decimal_places=2)
    # A returnable packaging's deposit (consigne), outside the VAT base: the journal credits it to the customers'
    # deposits account (4196), not to sales, as the jars come back to be credited.
    deposit = models.BooleanField(_("jar deposit"), default=False)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoicing_line_position_unique"),
            models.CheckConstraint(condition=Q(amount_incl_vat__gte=0), name="invoicing_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount_incl_vat} €"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableDocument(_("An issued invoice cannot be changed: issue a credit note."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument(_("An issued invoice cannot be deleted: issue a credit note."))

    @property
    def amount_excl_vat(self) -> Decimal:
        return self.amount_incl_vat - self.vat_amount


class SepaMandate(models.Model):
    """Mandat de prélèvement SEPA (CORE, recurrent): a subscriber's IBAN, the unique reference, the date and the
    exact text signed. Revoked, never deleted; at the erasure of the subscriber's data the debtor's name becomes their
    pseudonym, and the IBAN is masked 13 months after the last debit."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sepa_mandates"
    )
    reference = models.CharField(_("mandate reference"), max_length=35, unique=True)
    account_holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    signed_at = models.DateTimeField(_("signed at"))
    text = models.TextField(_("text signed"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The IBAN outlives the mandate while its debits may be disputed (13 months after the last one, SEPA rulebook),
    # then the retention task masks it (`invoicing.personal_data.sepa_bank_details_expire`).
    bank_details_erased_at = models.DateTimeField(_("bank details erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SEPA mandate")
        verbose_name_plural = _("SEPA mandates")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(revoked_at__isnull=True), name="invoicing_one_active_mandate"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class DirectDebitStatus(models.TextChoices):
    PENDING = "pending", _("To collect")
    RETURNED = "returned", _("Returned")


class DirectDebit(models.Model):
    """One invoice collected by direct debit under a mandate; a returned debit (rejet) keeps its reason."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="direct_debit")
    mandate = models.ForeignKey(SepaMandate, on_delete=models.PROTECT, related_name="debits")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    collection_date = models.DateField(_("collection date"))
    status = models.CharField(
        _("status"), max_length=10, choices=DirectDebitStatus.choices, default=DirectDebitStatus.PENDING
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("direct debit")
        verbose_name_plural = _("direct debits")
        ordering = ["collection_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="invoicing_debit_positive")]

    def __str__(self) -> str:
        return f"{self.invoice} ({self.status})"
