"""The treasurer's exports of a period: invoices and movements (payments, refunds, vouchers) as CSV, and the
accounting journal with the columns of the French FEC (fichier des écritures comptables, art. A47 A-1 of the LPF).

Sources: the invoices and credit notes of this app, and the movements every app registers through
`invoicing.ports` (orders' recorded payments today; the payments app's captures, refunds and vouchers once merged:
it registers one more source and nothing here changes). Every entry of the journal balances by construction (an
invoice's total = its bases + its VAT, per rate, from the same rounded figures).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ecopole.core.csv_export import csv_writer
from ecopole.core.money import ZERO

from ..models import Invoice, InvoiceKind, Series
from ..ports import CashSale, Movement, MovementKind, cash_sales, movements

FEC_COLUMNS = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
    "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
    "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip
CUSTOMERS_ACCOUNT = ("411000", "Clients")
VAT_ACCOUNT = ("445710", "TVA collectée")
# Sales: goods (the grocery, the cabas) in 707, services (the workshop, invoiced to producers) in 706; one
# sub-account per VAT rate, so the VAT return reads straight from the balance.
SALES_ACCOUNTS = {Series.CUSTOMER: ("707", "Ventes de marchandises"), Series.PRODUCER: ("706", "Prestations")}
TREASURY_ACCOUNTS = {
    "cash": ("530000", "Caisse"),
    "cheque": ("511200", "Chèques à encaisser"),
    "voucher": ("467100", "Chèques alimentaires à recevoir"),
    # What the association owes customers: their balances (refunds and vouchers credited, spent at checkout).
    "balance": ("419100", "Clients – soldes créditeurs"),
}
BANK_ACCOUNT = ("512000", "Banque")
BALANCE_METHOD = "balance"
# The names of the accounts a movement may name itself (`Movement.account`, `Movement.counter_account`).
ACCOUNT_NAMES = {
    CUSTOMERS_ACCOUNT[0]: CUSTOMERS_ACCOUNT[1],
    BANK_ACCOUNT[0]: BANK_ACCOUNT[1],
    **dict(TREASURY_ACCOUNTS.values()),
}
DEPOSITS_ACCOUNT = ("419600", "Clients – consignes des bocaux")
ACCOUNT_NAMES[DEPOSITS_ACCOUNT[0]] = DEPOSITS_ACCOUNT[1]
JOURNALS = {"VT": "Ventes", "TR": "Trésorerie"}


@dataclass(frozen=True)
class Line:
    journal: str
    number: int
    on: date
    account: tuple[str, str]
    party: str
    piece: str
    label: str
    debit: Decimal
    credit: Decimal


def _invoices(start: date, end: date):
    return (
        Invoice.objects.filter(issue_date__gte=start, issue_date__lte=end)
        .select_related("credited_invoice")
        .prefetch_related("lines")
        .order_by("issue_date", "issued_at", "id")
    )


def _party(invoice: Invoice) -> str:
    return f"P{invoice.producer_id}" if invoice.producer_id else f"C{invoice.customer_id or 0}"


def _rate_suffix(rate: str) -> str:
    return f"{Decimal(rate):05.2f}".replace(".", "")[:3]  # 5.50 → 055, 20.00 → 200


def invoice_entry(invoice: Invoice, number: int) -> list[Line]:
    """The sales journal's entry of an invoice (debit the customer, credit sales per rate and VAT), reversed for a
    credit note."""
    credited = invoice.credited_invoice
    series = credited.series if credited is not None else invoice.series
    prefix, sales_label = SALES_ACCOUNTS.get(series, SALES_ACCOUNTS[Series.CUSTOMER])
    reverse = invoice.kind == InvoiceKind.CREDIT_NOTE
    label = f"{'Avoir' if reverse else 'Facture'} {invoice.reference} {invoice.buyer.get('name', '')}".strip()[:200]

    def line(account, amount, *, debit_side: bool, party: str = "") -> Line:
        debit_side = debit_side != reverse
        return Line(
            "VT", number, invoice.issue_date, account, party, invoice.reference, label,
            amount if debit_side else ZERO, ZERO if debit_side else amount,
        )  # fmt: skip

    lines = [line(CUSTOMERS_ACCOUNT, invoice.total_incl_vat, debit_side=True, party=_party(invoice))]
    deposits = sum((item.amount_incl_vat for item in invoice.lines.all() if item.deposit), ZERO)
    if deposits:  # jars' deposits (0 %, outside the VAT base): owed back when the jars return, not sales
        lines.append(line(DEPOSITS_ACCOUNT, deposits, debit_side=False))
    for row in invoice.vat_breakdown:
        suffix = _rate_suffix(row["rate"])
        base, vat = Decimal(row["base"]), Decimal(row["vat"])
        if deposits and Decimal(row["rate"]) == 0:
            base -= deposits
        if base:
            account = (f"{prefix}{suffix}", f"{sales_label} {row['rate']} %")
            lines.append(line(account, base, debit_side=False))
        if vat:
            lines.append(line((VAT_ACCOUNT[0], f"{VAT_ACCOUNT[1]} {row['rate']} %"), vat, debit_side=False))
    return lines


def cash_sale_entry(sale: CashSale, number: int) -> list[Line]:
    """The sales journal's entry of a day's takings without invoice: debit the till (or the bank for cards), credit
    sales per rate, their VAT and the jars' deposits."""
    account = TREASURY_ACCOUNTS.get(sale.method, BANK_ACCOUNT)
    prefix, sales_label = SALES_ACCOUNTS[Series.CUSTOMER]
    label = f"Ventes au comptoir du {sale.on:%d/%m/%Y} ({sale.count})"[:200]

    def line(account, debit, credit) -> Line:
        return Line("VT", number, sale.on, account, "", sale.reference, label, debit, credit)

    lines = [line(account, sale.total, ZERO)]
    if sale.deposit_total:
        lines.append(line(DEPOSITS_ACCOUNT, ZERO, sale.deposit_total))
    for row in sale.vat_breakdown:
        amount, vat = Decimal(row["amount"]), Decimal(row["vat"])
        if amount - vat:
            lines.append(
                line((f"{prefix}{_rate_suffix(row['rate'])}", f"{sales_label} {row['rate']} %"), ZERO, amount - vat)
            )
        if vat:
            lines.append(line((VAT_ACCOUNT[0], f"{VAT_ACCOUNT[1]} {row['rate']} %"), ZERO, vat))
    return lines


def movement_entry(movement: Movement, number: int, invoice_reference: str) -> list[Line]:
    """The treasury journal's entry of a movement: a payment debits the treasury account of its method and credits
    the customer; a refund the reverse; a voucher debits the partner's account. A movement may name either side's
    account (`account`, `counter_account`: a credit to the customer's balance, jars returned)."""
    account = TREASURY_ACCOUNTS.get(movement.method, BANK_ACCOUNT)
    if movement.kind == MovementKind.VOUCHER:
        account = TREASURY_ACCOUNTS["voucher"]
    if movement.account:
        account = (movement.account, ACCOUNT_NAMES.get(movement.account, account[1]))
    counter = CUSTOMERS_ACCOUNT
    if movement.counter_account:
        counter = (movement.counter_account, ACCOUNT_NAMES.get(movement.counter_account, CUSTOMERS_ACCOUNT[1]))
    piece = invoice_reference or movement.reference
    incoming = movement.kind != MovementKind.REFUND
    label = f"{movement.label} ({movement.method or '?'})"[:200]
    amount = movement.amount
    treasury = Line(
        "TR", number, movement.on, account, "", piece, label, *((amount, ZERO) if incoming else (ZERO, amount))
    )
    customer = Line(
        "TR", number, movement.on, counter, movement.party, piece, label,
        *((ZERO, amount) if incoming else (amount, ZERO)),
    )  # fmt: skip
    return [treasury, customer]


def journal_lines(start: date, end: date) -> list[Line]:
    """The period's entries: the sales journal (invoices, credit notes, the days' takings without invoice), then
    treasury (every registered source)."""
    lines: list[Line] = []
    entries = [*_invoices(start, end), *cash_sales(start, end)]
    for number, entry in enumerate(entries, start=1):
        lines += cash_sale_entry(entry, number) if isinstance(entry, CashSale) else invoice_entry(entry, number)
    found = movements(start, end)
    references = _invoice_references({m.invoice_source for m in found if m.invoice_source})
    for number, movement in enumerate(found, start=1):
        lines += movement_entry(movement, number, references.get(movement.invoice_source, ""))
    return lines


def _invoice_references(sources: set[str]) -> dict[str, str]:
    return {
        invoice.source: invoice.reference
        for invoice in Invoice.objects.filter(source__in=sources).only("source", "series", "year", "number")
    }


def _fec_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def fec_export(start: date, end: date) -> str:
    """The journal as a FEC file: tab-separated, one header row, dates YYYYMMDD, amounts with a decimal comma."""
    out = io.StringIO()
    writer = csv_writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerow(FEC_COLUMNS)
    for line in journal_lines(start, end):
        day = line.on.strftime("%Y%m%d")
        writer.writerow(
            [
                line.journal, JOURNALS[line.journal], f"{line.journal}{line.number:06d}", day,
                line.account[0], line.account[1], line.party, line.party, line.piece, day, line.label,
                _fec_amount(line.debit), _fec_amount(line.credit), "", "", day, "", "EUR",
            ]
        )  # fmt: skip
    return out.getvalue()


def invoices_csv(start: date, end: date) -> str:
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["reference", "kind", "issue_date", "buyer", "party", "credited_invoice", "total_excl_vat", "vat_total",
         "total_incl_vat", "vat_breakdown", "source"]
    )  # fmt: skip
    for invoice in _invoices(start, end):
        breakdown = " ".join(f"{row['rate']}%:{row['base']}+{row['vat']}" for row in invoice.vat_breakdown)
        writer.writerow(
            [
                invoice.reference, invoice.kind, invoice.issue_date.isoformat(), invoice.buyer.get("name", ""),
                _party(invoice), invoice.credited_invoice.reference if invoice.credited_invoice_id else "",
                invoice.total_excl_vat, invoice.vat_total, invoice.total_incl_vat, breakdown, invoice.source,
            ]
        )  # fmt: skip
    return out.getvalue()


def movements_csv(start: date, end: date) -> str:
    """Payments, refunds and vouchers of the period, each with the invoice it settles (empty: not invoiced yet)."""
    found = movements(start, end)
    references = _invoice_references({m.invoice_source for m in found if m.invoice_source})
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["date", "kind", "method", "amount", "label", "party", "reference", "invoice"])
    for m in found:
        writer.writerow(
            [m.on.isoformat(), m.kind, m.method, m.amount, m.label, m.party, m.reference,
             references.get(m.invoice_source, "")]
        )  # fmt: skip
    return out.getvalue()


def reconciliation(start: date, end: date) -> dict:
    """Every euro received lands on exactly one invoice: per invoice source, the net received (payments, vouchers and
    the customer's balance spent, minus refunds and what was credited back to the balance) is compared with the
    invoice's total minus its credit notes. Returns the movements with no invoice yet (paid, not yet invoiced: an
    order paid before its fulfilment), the invoices whose net received differs, and the credits to customers'
    balances that pay no invoice yet (a voucher handed over without an order). `received` counts money that came in
    (the balance spent came in earlier, when it was credited)."""
    found = [m for m in movements(start, end) if m.kind != MovementKind.TRANSFER]
    sales = cash_sales(start, end)  # receipts, not invoices: journaled as the day's takings, reported apart
    settled: dict[str, Decimal] = defaultdict(Decimal)
    received = ZERO
    for m in found:
        signed = -m.amount if m.kind == MovementKind.REFUND else m.amount
        if m.invoice_source:
            settled[m.invoice_source] += signed
        if m.method != BALANCE_METHOD:
            received += signed
    invoices = {
        invoice.source: invoice
        for invoice in Invoice.objects.filter(source__in=set(settled)).prefetch_related("credit_notes")
    }
    # Paid, not invoiced yet; a thing whose money all went back (a cancelled order) waits for no invoice.
    unmatched = [
        m.reference
        for m in found
        if m.invoice_source and m.invoice_source not in invoices and settled[m.invoice_source]
    ]
    to_balances = [m for m in found if not m.invoice_source]
    mismatched = []
    for source, invoice in sorted(invoices.items()):
        due = invoice.total_incl_vat - sum((c.total_incl_vat for c in invoice.credit_notes.all()), ZERO)
        if settled[source] != due:
            mismatched.append({"invoice": invoice.reference, "due": str(due), "received": str(settled[source])})
    return {
        "movements": len(found),
        "received": str(received),
        "unmatched": unmatched,
        "mismatched": mismatched,
        "balance_credits": {
            "count": len(to_balances),
            "amount": str(sum((m.amount for m in to_balances), ZERO)),
        },
        "cash_sales": {"count": sum(s.count for s in sales), "amount": str(sum((s.total for s in sales), ZERO))},
    }
