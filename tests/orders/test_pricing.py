from decimal import Decimal

from orders.services.pricing import PricedLine, line_amounts, money, order_totals, vat_included

NO_DEPOSIT = Decimal("0.00")


def test_money_rounds_half_up_to_the_cent():
    assert money(Decimal("2.345")) == Decimal("2.35")
    assert money(Decimal("2.344")) == Decimal("2.34")
    assert money(Decimal("0.005")) == Decimal("0.01")


def test_vat_is_extracted_from_a_price_that_includes_it():
    # 10.55 incl. 5.5 %: 10.55 - 10.55 / 1.055 = 0.55
    assert vat_included(Decimal("10.55"), Decimal("5.50")) == Decimal("0.55")
    # 3.90 incl. 20 %: 3.90 - 3.25 = 0.65
    assert vat_included(Decimal("3.90"), Decimal("20.00")) == Decimal("0.65")


def test_a_variable_weight_line_is_rounded_once_at_the_line():
    # 1.95 €/kg × 2.437 kg = 4.75215 → 4.75; VAT 5.5 % of 4.75 incl. = 0.2476… → 0.25
    amounts = line_amounts(
        unit_price=Decimal("1.95"), quantity=Decimal("2.437"), vat_rate=Decimal("5.50"), deposit=Decimal(0)
    )
    assert amounts.line_total == Decimal("4.75")
    assert amounts.vat_amount == Decimal("0.25")


def test_totals_with_mixed_rates_sum_the_rounded_lines_and_add_the_fee_at_the_highest_rate():
    lines = [
        PricedLine(
            Decimal("5.60"), vat_included(Decimal("5.60"), Decimal("5.50")), Decimal("5.50"), NO_DEPOSIT
        ),  # 0.29
        PricedLine(
            Decimal("4.35"), vat_included(Decimal("4.35"), Decimal("5.50")), Decimal("5.50"), NO_DEPOSIT
        ),  # 0.23
        PricedLine(
            Decimal("12.50"), vat_included(Decimal("12.50"), Decimal("10.00")), Decimal("10.00"), NO_DEPOSIT
        ),  # 1.14
        PricedLine(
            Decimal("7.80"), vat_included(Decimal("7.80"), Decimal("20.00")), Decimal("20.00"), NO_DEPOSIT
        ),  # 1.30
    ]
    totals = order_totals(lines=lines, delivery_fee=Decimal("4.50"))  # fee VAT at 20 %: 0.75

    assert totals.subtotal == Decimal("30.25")
    assert totals.total == Decimal("34.75")
    assert totals.vat_breakdown == [
        {"rate": "5.50", "amount": "9.95", "vat": "0.52"},
        {"rate": "10.00", "amount": "12.50", "vat": "1.14"},
        {"rate": "20.00", "amount": "12.30", "vat": "2.05"},
    ]
    assert totals.vat_total == Decimal("3.71")


def test_free_delivery_adds_no_vat_row():
    totals = order_totals(
        lines=[PricedLine(Decimal("2.80"), Decimal("0.15"), Decimal("5.50"), NO_DEPOSIT)], delivery_fee=0
    )
    assert totals.vat_breakdown == [{"rate": "5.50", "amount": "2.80", "vat": "0.15"}]
    assert totals.total == Decimal("2.80")


def test_a_jar_deposit_is_per_jar_and_outside_the_vat_base():
    # 3 jars of soup at 4.50 € (5.5 %), 0.50 € deposit each: 13.50 € of goods (VAT 0.70) + 1.50 € of deposit.
    amounts = line_amounts(
        unit_price=Decimal("4.50"), quantity=Decimal("3"), vat_rate=Decimal("5.50"), deposit=Decimal("0.50")
    )
    assert (amounts.line_total, amounts.vat_amount, amounts.deposit_amount) == (
        Decimal("13.50"),
        Decimal("0.70"),
        Decimal("1.50"),
    )
    leeks = line_amounts(unit_price=Decimal("2.80"), quantity=Decimal("1"), vat_rate=Decimal("5.50"), deposit=0)

    totals = order_totals(
        lines=[
            PricedLine(amounts.line_total, amounts.vat_amount, Decimal("5.50"), amounts.deposit_amount),
            PricedLine(leeks.line_total, leeks.vat_amount, Decimal("5.50"), leeks.deposit_amount),
        ],
        delivery_fee=Decimal("4.50"),
    )

    assert totals.subtotal == Decimal("16.30")  # goods only: the deposit is not a price
    assert totals.deposit_total == Decimal("1.50")
    assert totals.total == Decimal("22.30")  # 16.30 + 4.50 + 1.50
    # No VAT on the deposit, no 0 % row: the breakdown holds the goods and the fee only.
    assert totals.vat_breakdown == [{"rate": "5.50", "amount": "20.80", "vat": "1.08"}]
    assert totals.vat_total == Decimal("1.08")  # 0.70 + 0.15 + the fee's 0.23


def test_a_deposit_is_rounded_to_the_cent_at_the_line():
    amounts = line_amounts(unit_price=Decimal("1"), quantity=Decimal("3"), vat_rate=Decimal("5.50"), deposit="0.335")
    assert amounts.deposit_amount == Decimal("1.01")  # 1.005 → 1.01, half up
