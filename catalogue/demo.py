"""Demo catalogue: the producers of DOMAIN.md with their communes, and about 40 seasonal products of the Calaisis.

Idempotent: producers by slug, categories by slug, products by (producer, name); stock is received only for a
product that has no movement yet, so a second run moves no stock.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from .demo_photos import draw_photo
from .models import Category, Producer, ProducerKind, Product, Unit
from .season import month_range
from .services.photos import producer_photo_set, product_photo_set
from .services.producers import producer_create, producer_update
from .services.products import product_create, product_update
from .services.stock import stock_receive

CATEGORIES = [
    ("Légumes", "legumes"),
    ("Fruits", "fruits"),
    ("Conserves", "conserves"),
    ("Pain et farines", "pain"),
    ("Œufs et produits fermiers", "oeufs-produits-fermiers"),
    ("Épicerie sèche", "epicerie-seche"),
]

# The producer organisations' names (DOMAIN.md), and the demo accounts of their members (created by accounts' demo,
# which runs first; linked here, so that accounts imports nothing of the catalogue).
PRODUCER_NAMES = {
    "terre-d-opale": "Terre d'Opale",
    "les-anges-gardins": "Les Anges Gardins",
    "pain-et-partage-calais": "Pain et partage Calais",
    "la-fabrique": "La Fabrique",
    "ferme-du-marais": "Ferme du Marais Audomarois",
    "ferme-des-trois-communes": "Ferme des Trois Communes",
}
PRODUCER_MEMBERS = {
    "ferme@terre-opale.example": "terre-d-opale",
    "jardins@anges-gardins.example": "les-anges-gardins",
    "fournil@pain-partage.example": "pain-et-partage-calais",
}

# slug: (kind, commune, latitude, longitude, certifier, certificate number, description)
PRODUCERS = {
    "terre-d-opale": (
        ProducerKind.PLATFORM,
        "Vieille-Église",
        "50.92870",
        "2.07790",
        "FR-BIO-01",
        "TO-62-2019-0147",
        "Plateforme de l'Ecopôle alimentaire qui produit et distribue des produits biologiques (AB).",
    ),
    "les-anges-gardins": (
        ProducerKind.INTEGRATION_GARDEN,
        "Calais",
        "50.94990",
        "1.85660",
        "FR-BIO-10",
        "AG-62-2016-0032",
        "Maraîchage d'insertion à Vieille-Église et ferme urbaine de l'Ilôt Jacquard à Calais (fruits rouges).",
    ),
    "pain-et-partage-calais": (
        ProducerKind.BAKERY,
        "Calais",
        "50.95560",
        "1.87030",
        "FR-BIO-01",
        "PP-62-2018-0088",
        "Boulangerie bio d'insertion : pain pour la restauration collective et l'épicerie.",
    ),
    "la-fabrique": (
        ProducerKind.PROCESSING,
        "Brêmes",
        "50.85530",
        "1.97330",
        "FR-BIO-01",
        "LF-62-2021-0210",
        "Soupes, ratatouille et compotes mises en bocaux à la légumerie-conserverie de l'Ecopôle.",
    ),
    "ferme-du-marais": (
        ProducerKind.MARKET_GARDEN,
        "Ruminghem",
        "50.86140",
        "2.15970",
        "",
        "",
        "Maraîchage de plein champ en bordure du marais : choux-fleurs, chicons, poireaux.",
    ),
    "ferme-des-trois-communes": (
        ProducerKind.FARM,
        "Nortkerque",
        "50.87500",
        "2.02500",
        "FR-BIO-16",
        "TC-62-2020-0059",
        "Poules pondeuses en plein air et verger haute-tige : œufs, pommes, poires, jus.",
    ),
}

ALL_YEAR = list(range(1, 13))
KG, PIECE, BUNCH, JAR, LITRE, DOZEN = Unit.KG, Unit.PIECE, Unit.BUNCH, Unit.JAR, Unit.LITRE, Unit.DOZEN

# producer slug, category slug, name, unit, price, months, stock, allergens, description
PRODUCTS = [
    # Terre d'Opale, Vieille-Église: organic vegetables of the platform
    ("terre-d-opale", "legumes", "Poireaux", KG, "2.80", month_range(9, 4), 60, [], ""),
    ("terre-d-opale", "legumes", "Carottes des sables", KG, "2.20", month_range(7, 3), 80, [], ""),
    ("terre-d-opale", "legumes", "Pommes de terre Charlotte", KG, "2.40", month_range(7, 4), 150, [], ""),
    ("terre-d-opale", "legumes", "Pommes de terre Bintje", KG, "1.60", month_range(7, 4), 200, [], "Pour les frites."),
    ("terre-d-opale", "legumes", "Chou vert frisé", PIECE, "2.50", month_range(10, 3), 30, [], ""),
    ("terre-d-opale", "legumes", "Chou rouge", PIECE, "2.30", month_range(9, 3), 25, [], ""),
    ("terre-d-opale", "legumes", "Oignons jaunes", KG, "2.60", month_range(8, 4), 50, [], ""),
    ("terre-d-opale", "legumes", "Échalotes", KG, "6.50", month_range(7, 3), 15, [], ""),
    ("terre-d-opale", "legumes", "Betteraves rouges", KG, "2.90", month_range(7, 3), 30, [], ""),
    ("terre-d-opale", "legumes", "Céleri-rave", PIECE, "2.70", month_range(9, 3), 20, [], ""),
    ("terre-d-opale", "legumes", "Panais", KG, "3.90", month_range(10, 3), 25, [], ""),
    ("terre-d-opale", "legumes", "Potimarron", PIECE, "3.20", month_range(9, 1), 40, [], ""),
    ("terre-d-opale", "legumes", "Épinards", KG, "6.90", [3, 4, 5, 9, 10, 11], 12, [], "Jeunes pousses."),
    ("terre-d-opale", "legumes", "Mâche", PIECE, "2.40", month_range(10, 3), 30, [], "Sachet de 150 g."),
    # Les Anges Gardins: the urban farm of the Ilôt Jacquard, Calais
    ("les-anges-gardins", "fruits", "Fraises de l'Ilôt Jacquard", PIECE, "3.90", [5, 6, 7], 20, [], "Barquette 250 g."),
    ("les-anges-gardins", "fruits", "Framboises de l'Ilôt Jacquard", PIECE, "3.50", [6, 7, 8, 9], 15, [], "125 g."),
    ("les-anges-gardins", "fruits", "Groseilles de l'Ilôt Jacquard", PIECE, "3.20", [6, 7, 8], 10, [], "125 g."),
    ("les-anges-gardins", "fruits", "Rhubarbe", BUNCH, "3.00", [4, 5, 6], 12, [], ""),
    ("les-anges-gardins", "legumes", "Salade batavia", PIECE, "1.40", month_range(4, 10), 30, [], ""),
    ("les-anges-gardins", "legumes", "Radis", BUNCH, "1.60", [3, 4, 5, 6, 9, 10], 20, [], ""),
    ("les-anges-gardins", "legumes", "Tomates anciennes", KG, "5.80", [7, 8, 9, 10], 25, [], ""),
    ("les-anges-gardins", "legumes", "Courgettes", KG, "2.90", [6, 7, 8, 9], 30, [], ""),
    # Ferme du Marais, Ruminghem: no organic certificate, its products are never shown as organic
    ("ferme-du-marais", "legumes", "Chou-fleur", PIECE, "2.90", month_range(6, 11), 30, [], ""),
    (
        "ferme-du-marais",
        "legumes",
        "Endives (chicons)",
        KG,
        "3.80",
        month_range(10, 4),
        40,
        [],
        "Chicons de pleine terre.",
    ),
    ("ferme-du-marais", "legumes", "Poireaux du marais", KG, "2.20", month_range(9, 3), 50, [], ""),
    ("ferme-du-marais", "legumes", "Choux de Bruxelles", KG, "4.20", month_range(10, 2), 20, [], ""),
    ("ferme-du-marais", "legumes", "Navets", KG, "2.50", month_range(10, 3), 20, [], ""),
    # Ferme des Trois Communes, Nortkerque: eggs and orchard
    (
        "ferme-des-trois-communes",
        "oeufs-produits-fermiers",
        "Œufs de plein air",
        DOZEN,
        "4.20",
        ALL_YEAR,
        40,
        ["eggs"],
        "",
    ),
    (
        "ferme-des-trois-communes",
        "oeufs-produits-fermiers",
        "Œufs (boîte de 6)",
        PIECE,
        "2.30",
        ALL_YEAR,
        30,
        ["eggs"],
        "",
    ),
    ("ferme-des-trois-communes", "fruits", "Pommes Reinette grise", KG, "2.90", month_range(9, 4), 60, [], ""),
    ("ferme-des-trois-communes", "fruits", "Pommes Jonagold", KG, "2.60", month_range(9, 5), 60, [], ""),
    ("ferme-des-trois-communes", "fruits", "Poires Conférence", KG, "3.20", month_range(9, 1), 30, [], ""),
    ("ferme-des-trois-communes", "epicerie-seche", "Jus de pomme", LITRE, "3.50", ALL_YEAR, 40, [], "Pur jus."),
    # La Fabrique: canned at the Ecopôle's légumerie-conserverie
    (
        "la-fabrique",
        "conserves",
        "Soupe poireaux pommes de terre",
        JAR,
        "4.50",
        ALL_YEAR,
        30,
        ["celery", "milk"],
        "75 cl.",
    ),
    ("la-fabrique", "conserves", "Velouté de potimarron", JAR, "4.80", ALL_YEAR, 30, ["milk"], "75 cl."),
    ("la-fabrique", "conserves", "Soupe de carottes au cumin", JAR, "4.50", ALL_YEAR, 25, ["celery"], "75 cl."),
    ("la-fabrique", "conserves", "Ratatouille", JAR, "5.90", ALL_YEAR, 25, [], "Bocal de 650 g."),
    ("la-fabrique", "conserves", "Compote de pommes", JAR, "3.60", ALL_YEAR, 30, [], ""),
    ("la-fabrique", "conserves", "Confiture de fraises", JAR, "4.90", ALL_YEAR, 20, [], ""),
    # Pain et partage Calais: organic bread
    ("pain-et-partage-calais", "pain", "Pain complet bio", PIECE, "4.20", ALL_YEAR, 25, ["gluten"], "800 g."),
    ("pain-et-partage-calais", "pain", "Pain de campagne au levain", PIECE, "3.90", ALL_YEAR, 25, ["gluten"], "800 g."),
    ("pain-et-partage-calais", "pain", "Pain aux graines", PIECE, "4.60", ALL_YEAR, 15, ["gluten", "sesame"], ""),
    ("pain-et-partage-calais", "pain", "Brioche", PIECE, "5.20", ALL_YEAR, 10, ["gluten", "eggs", "milk"], ""),
    ("pain-et-partage-calais", "pain", "Farine de blé T80", PIECE, "2.90", ALL_YEAR, 20, ["gluten"], "Sachet 1 kg."),
]


JAR_DEPOSIT = Decimal("0.50")


def _certificate_valid_until() -> datetime.date:
    # Fixed within a year so that re-running the seed writes the same value.
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def _seed_producers() -> dict[str, Producer]:
    producers = {}
    for slug, (kind, commune, lat, lon, certifier, number, description) in PRODUCERS.items():
        details = {
            "kind": kind,
            "commune": commune,
            "latitude": Decimal(lat),
            "longitude": Decimal(lon),
            "organic_certifier": certifier,
            "organic_certificate_number": number,
            "organic_certificate_valid_until": _certificate_valid_until() if certifier else None,
            "description": description,
        }
        producer = Producer.objects.filter(slug=slug).first()
        if producer is None:
            name = PRODUCER_NAMES.get(slug) or slug.replace("-", " ").title()
            producer = producer_create(name=name, slug=slug, **details)
        else:
            producer = producer_update(producer=producer, **details)
        if not producer.photo:
            upload = ContentFile(draw_photo(title=producer.name, colour_key=kind), name="demo.png")
            producer = producer_photo_set(producer=producer, upload=upload)
        producers[slug] = producer
    for email, slug in PRODUCER_MEMBERS.items():
        get_user_model().objects.filter(email=email).update(producer=producers[slug])
    return producers


def seed(stdout=None) -> None:
    categories = {
        slug: Category.objects.update_or_create(slug=slug, defaults={"name": name})[0] for name, slug in CATEGORIES
    }
    producers = _seed_producers()
    received = 0
    for producer_slug, category_slug, name, unit, price, months, stock, allergens, description in PRODUCTS:
        producer = producers[producer_slug]
        fields = {
            "category": categories[category_slug],
            "unit": unit,
            "unit_price": Decimal(price),
            "season_months": months,
            "allergens": allergens,
            "description": description,
            "sold_by_weight": unit == Unit.KG,
            "quantity_step": Decimal("0.5") if unit == Unit.KG else Decimal("1"),
            "minimum_quantity": Decimal("0.5") if unit == Unit.KG else Decimal("1"),
            # The conserverie's jars are returnable: their deposit is added at checkout, credited when they come back.
            "deposit": JAR_DEPOSIT if unit == Unit.JAR else Decimal("0.00"),
            "organic": producer.has_valid_organic_certificate(),
        }
        product = Product.objects.filter(producer=producer, name=name).first()
        if product is None:
            product = product_create(producer=producer, name=name, **fields)
        else:
            product = product_update(product=product, **fields)
        if not product.photo:
            upload = ContentFile(draw_photo(title=name, colour_key=category_slug), name="demo.png")
            product = product_photo_set(product=product, upload=upload)
        if not product.movements.exists():
            stock_receive(product_id=product.pk, quantity=Decimal(stock), note="Stock de démonstration")
            received += 1
    if stdout is not None:
        stdout.write(f"catalogue: {len(PRODUCTS)} products, stock received for {received}")
