"""An invoice's documents: the PDF (reportlab, as the workshop's statements), the CII XML of the EN 16931 profile
and the Factur-X PDF that embeds it (the `factur-x` library, which checks the XML against its XSD).

Every document is rebuilt from the immutable invoice rows, so the same invoice always gives the same content.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from ..models import Invoice, InvoiceKind

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
UNIT_CODES = {"kg": "KGM", "g": "GRM", "l": "LTR", "h": "HUR"}  # UN/ECE rec. 20; anything else is a piece (C62)


def invoice_filename(invoice: Invoice, *, e_invoice: bool | None = None) -> str:
    prefix = "avoir" if invoice.kind == InvoiceKind.CREDIT_NOTE else "facture"
    return f"{prefix}-{invoice.reference}.pdf"


def _fonts() -> tuple[str, str]:
    """DejaVu embedded in the PDF when the system has it (PDF/A wants every font embedded), else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        pdfmetrics.registerFontFamily(
            "DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold", italic="DejaVuSans", boldItalic="DejaVuSans-Bold"
        )
    return "DejaVuSans", "DejaVuSans-Bold"


def _fr(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF with the legal mentions: seller (name, address, SIRET, VAT number or the exemption
    sentence), buyer, number and date, lines, VAT per rate, totals, payment terms; a credit note names its invoice."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    seller, buyer = invoice.seller, invoice.buyer
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        is_credit = invoice.kind == InvoiceKind.CREDIT_NOTE
        title = (_("Credit note %(reference)s") if is_credit else _("Invoice %(reference)s")) % {
            "reference": invoice.reference
        }
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, title=title, author=seller["name"], leftMargin=1.5 * cm, rightMargin=1.5 * cm
        )
        styles = getSampleStyleSheet()
        for style in styles.byName.values():
            style.fontName = bold if getattr(style, "fontName", "").endswith("Bold") else regular
        body = styles["BodyText"]
        seller_lines = [
            seller["name"],
            seller["address"],
            _("SIRET: %(siret)s") % {"siret": seller["siret"]},
            _("VAT number: %(vat)s") % {"vat": seller["vat_number"]} if seller["vat_number"] else "",
        ]
        buyer_lines = [
            buyer.get("name", ""),
            buyer.get("address", ""),
            " ".join(part for part in (buyer.get("postcode", ""), buyer.get("city", "")) if part),
            _("SIRET: %(siret)s") % {"siret": buyer["siret"]} if buyer.get("siret") else "",
            _("VAT number: %(vat)s") % {"vat": buyer["vat_number"]} if buyer.get("vat_number") else "",
        ]
        parties = Table(
            [
                [Paragraph(f"<b>{_('Seller')}</b>", body), Paragraph(f"<b>{_('Buyer')}</b>", body)],
                [
                    Paragraph("<br/>".join(_escape(line) for line in seller_lines if line), body),
                    Paragraph("<br/>".join(_escape(line) for line in buyer_lines if line), body),
                ],
            ],
            colWidths=[9 * cm, 9 * cm],
        )
        header = [_("Description"), _("Quantity"), _("Unit price incl. VAT"), _("VAT rate"), _("Amount incl. VAT")]
        rows = [header] + [
            [
                Paragraph(_escape(line.description), body),
                f"{line.quantity.normalize():f} {line.unit}".strip(),
                _fr(line.unit_price),
                f"{_fr(line.vat_rate)} %",
                _fr(line.amount_incl_vat),
            ]
            for line in invoice.lines.all()
        ]
        table = Table(rows, colWidths=[7.5 * cm, 2.3 * cm, 3 * cm, 2 * cm, 3.2 * cm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),
                    ("FONTNAME", (0, 0), (-1, 0), bold),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f6b3a")),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        vat_rows = [[_("VAT rate"), _("Base excl. VAT"), _("VAT"), _("Total incl. VAT")]] + [
            [f"{_fr(Decimal(r['rate']))} %", _fr(Decimal(r["base"])), _fr(Decimal(r["vat"])), _fr(Decimal(r["total"]))]
            for r in invoice.vat_breakdown
        ]
        vat_rows += [
            [_("Total"), _fr(invoice.total_excl_vat), _fr(invoice.vat_total), _fr(invoice.total_incl_vat)],
        ]
        vat_table = Table(vat_rows, colWidths=[3 * cm, 3.5 * cm, 3 * cm, 3.5 * cm], hAlign="RIGHT")
        vat_table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),
                    ("FONTNAME", (0, 0), (-1, 0), bold),
                    ("FONTNAME", (0, -1), (-1, -1), bold),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ]
            )
        )
        story = [
            Paragraph(_escape(title), styles["Title"]),
            Paragraph(_("Issued on %(date)s") % {"date": invoice.issue_date.strftime("%d/%m/%Y")}, body),
        ]
        if is_credit and invoice.credited_invoice_id:
            story.append(
                Paragraph(
                    _("Cancels invoice %(reference)s of %(date)s")
                    % {
                        "reference": invoice.credited_invoice.reference,
                        "date": invoice.credited_invoice.issue_date.strftime("%d/%m/%Y"),
                    },
                    body,
                )
            )
        story += [Spacer(1, 0.3 * cm), parties, Spacer(1, 0.5 * cm), table, Spacer(1, 0.4 * cm), vat_table]
        story.append(Spacer(1, 0.4 * cm))
        if seller.get("vat_exemption"):
            story.append(Paragraph(_escape(seller["vat_exemption"]), body))
        if seller.get("payment_terms"):
            story.append(Paragraph(_escape(seller["payment_terms"]), body))
        if invoice.note:
            story.append(Paragraph(_escape(invoice.note), body))
        doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _el(parent, tag: str, text: str | None = None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _siren(siret: str) -> str:
    return siret[:9]


def _party(parent, tag: str, party: dict) -> None:
    element = _el(parent, tag)
    _el(element, "ram:Name", party.get("name") or "-")
    if party.get("siret"):
        legal = _el(element, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", _siren(party["siret"]), schemeID="0002")  # 0002: SIREN (ISO 6523)
    address = _el(element, "ram:PostalTradeAddress")
    if party.get("postcode"):
        _el(address, "ram:PostcodeCode", party["postcode"])
    if party.get("address"):
        _el(address, "ram:LineOne", party["address"])
    if party.get("city"):
        _el(address, "ram:CityName", party["city"])
    _el(address, "ram:CountryID", "FR")
    if party.get("vat_number"):
        registration = _el(element, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", party["vat_number"], schemeID="VA")


def invoice_cii_xml(invoice: Invoice) -> bytes:
    """The invoice in UN/CEFACT CII (D16B) for the Factur-X EN 16931 profile. Amounts excl. VAT per line (CII
    prices are net), VAT per rate in the header; a credit note (type 381) refers to its invoice."""
    seller = invoice.seller
    exempt = bool(seller.get("vat_exemption"))
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", invoice.reference)
    _el(document, "ram:TypeCode", "381" if invoice.kind == InvoiceKind.CREDIT_NOTE else "380")
    issue = _el(document, "ram:IssueDateTime")
    _el(issue, "udt:DateTimeString", invoice.issue_date.strftime("%Y%m%d"), format="102")
    for note in (seller.get("vat_exemption"), invoice.note):
        if note:
            _el(_el(document, "ram:IncludedNote"), "ram:Content", note)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in invoice.lines.all():
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.position))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        net = line.amount_excl_vat
        quantity = line.quantity if line.quantity > 0 else Decimal(1)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", f"{(net / quantity).quantize(Decimal('0.0001'))}")
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", f"{quantity.normalize():f}", unitCode=UNIT_CODES.get(line.unit, "C62"))
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", "E" if exempt else "S")
        _el(tax, "ram:RateApplicablePercent", _amount(line.vat_rate))
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(net))
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", seller)
    _party(agreement, "ram:BuyerTradeParty", invoice.buyer)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    for row in invoice.vat_breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(Decimal(row["vat"])))
        _el(tax, "ram:TypeCode", "VAT")
        if exempt:
            _el(tax, "ram:ExemptionReason", seller["vat_exemption"])
        _el(tax, "ram:BasisAmount", _amount(Decimal(row["base"])))
        _el(tax, "ram:CategoryCode", "E" if exempt else "S")
        _el(tax, "ram:RateApplicablePercent", _amount(Decimal(row["rate"])))
    if seller.get("payment_terms"):
        _el(_el(settlement, "ram:SpecifiedTradePaymentTerms"), "ram:Description", seller["payment_terms"])
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(invoice.total_excl_vat))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(invoice.total_excl_vat))
    _el(totals, "ram:TaxTotalAmount", _amount(invoice.vat_total), currencyID="EUR")
    _el(totals, "ram:GrandTotalAmount", _amount(invoice.total_incl_vat))
    _el(totals, "ram:DuePayableAmount", _amount(invoice.total_incl_vat))
    if invoice.credited_invoice_id:
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", invoice.credited_invoice.reference)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_facturx_pdf(invoice: Invoice) -> bytes:
    """The PDF/A-3 Factur-X: the invoice's PDF with its CII XML embedded (factur-x.xml), the XMP metadata of the
    EN 16931 profile; `generate_from_binary` refuses XML that its XSD rejects."""
    from facturx import generate_from_binary

    return generate_from_binary(
        invoice_pdf(invoice),
        invoice_cii_xml(invoice),
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang="fr-FR",
        pdf_metadata={
            "author": invoice.seller.get("name", ""),
            "keywords": "Factur-X",
            "title": invoice.reference,
            "subject": invoice.reference,
        },
    )


def invoice_document(invoice: Invoice) -> bytes:
    """What the buyer receives: the Factur-X PDF for an e-invoice (producers), the plain PDF otherwise."""
    return invoice_facturx_pdf(invoice) if invoice.e_invoice else invoice_pdf(invoice)
