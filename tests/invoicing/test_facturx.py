"""Producers' invoices as Factur-X e-invoices: the PDF embeds CII XML of the EN 16931 profile, which the `factur-x`
library validates; a credit note carries type 381 and its invoice's number."""

from __future__ import annotations

from decimal import Decimal

from facturx import get_facturx_xml_from_pdf, get_level, xml_check_xsd
from lxml import etree

from invoicing.models import Series
from invoicing.services.documents import invoice_cii_xml, invoice_facturx_pdf
from invoicing.services.invoices import LineData, credit_note_issue
from tests.factories.catalogue import ProducerFactory
from tests.factories.invoicing import issue_invoice

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def _producer_invoice(db_producer=None, **kw):
    producer = db_producer or ProducerFactory(siret="73282932000074", vat_number="FR44732829320")
    lines = [
        LineData(
            description="Autoclave – 3 h",
            quantity=Decimal("3"),
            unit_price=Decimal("18.00"),
            vat_rate=Decimal("20"),
            unit="h",
        ),
        LineData(description="Bocaux", quantity=Decimal("40"), unit_price=Decimal("0.35"), vat_rate=Decimal("20")),
    ]
    return issue_invoice(producer=producer, source="statement:1", series=Series.PRODUCER, lines=lines, e_invoice=True)


def test_the_embedded_xml_of_a_producers_invoice_passes_the_en16931_xsd(db):
    invoice = _producer_invoice()

    pdf = invoice_facturx_pdf(invoice)

    filename, xml = get_facturx_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    tree = etree.fromstring(xml)
    assert get_level(tree) == "en16931"
    assert tree.findtext(f".//{RAM}ID") == "urn:cen.eu:en16931:2017"
    assert invoice.reference.encode() in xml
    assert b"<ram:GrandTotalAmount>68.00</ram:GrandTotalAmount>" in xml
    assert b'<ram:ID schemeID="VA">FR44732829320</ram:ID>' in xml  # the producer's (buyer's) VAT number
    assert pdf.startswith(b"%PDF")


def test_a_credit_note_is_type_381_and_names_its_invoice(db):
    invoice = _producer_invoice()
    credit = credit_note_issue(invoice_id=invoice.pk, reason="Créneau facturé par erreur")

    xml = invoice_cii_xml(credit)

    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert f"<ram:IssuerAssignedID>{invoice.reference}</ram:IssuerAssignedID>".encode() in xml


def test_an_exempt_seller_writes_category_e_and_the_exemption_reason(db, settings):
    settings.INVOICING_SELLER_VAT_NUMBER = ""
    invoice = _producer_invoice()

    xml = invoice_cii_xml(invoice)

    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert b"<ram:CategoryCode>E</ram:CategoryCode>" in xml
    assert b"TVA non applicable, art. 293 B du CGI" in xml
