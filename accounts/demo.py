"""Demo accounts of every role. No real people's names: roles and organisations only."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from catalogue.models import Producer

from .models import User
from .services import roles_ensure

DEMO_PASSWORD = "ecopole-demo-2026"

# email, full name, groups, producer slug, is_staff
DEMO_USERS = [
    ("gestion@ecopole.example", "Responsable Ecopôle", ["manager"], None, True),
    ("preparation@ecopole.example", "Préparation Commandes", ["preparer"], None, True),
    ("chauffeur@ecopole.example", "Chauffeur Tournée Camion", ["driver"], None, True),
    ("velo@ecopole.example", "Chauffeur Vélo Cargo", ["driver"], None, True),
    ("ferme@terre-opale.example", "Compte Terre d'Opale", [], "terre-d-opale", False),
    ("jardins@anges-gardins.example", "Compte Les Anges Gardins", [], "les-anges-gardins", False),
    ("fournil@pain-partage.example", "Compte Pain et partage", [], "pain-et-partage-calais", False),
    ("client@ecopole.example", "Client Démo Calais", [], None, False),
    ("client2@ecopole.example", "Client Démo Audruicq", [], None, False),
]

# The producer organisations of DOMAIN.md; the catalogue demo adds their details.
DEMO_PRODUCERS = [
    ("Terre d'Opale", "terre-d-opale"),
    ("Les Anges Gardins", "les-anges-gardins"),
    ("Pain et partage Calais", "pain-et-partage-calais"),
    ("La Fabrique", "la-fabrique"),
    ("Ferme du Marais Audomarois", "ferme-du-marais"),
    ("Ferme des Trois Communes", "ferme-des-trois-communes"),
]


def seed(stdout=None) -> None:
    roles_ensure()
    for name, slug in DEMO_PRODUCERS:
        Producer.objects.get_or_create(slug=slug, defaults={"name": name})
    password = ""  # hashed once for all the demo accounts: Argon2 is slow on purpose (0.2 to 0.5 s a hash)
    for email, full_name, groups, producer_slug, is_staff in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(email=email, password=password, full_name=full_name)
        user.is_staff = is_staff
        user.producer = Producer.objects.get(slug=producer_slug) if producer_slug else None
        user.email_confirmed_at = user.email_confirmed_at or timezone.now()
        user.save(update_fields=["is_staff", "producer", "email_confirmed_at"])
        user.groups.set([Group.objects.get(name=g) for g in groups])
    if not User.objects.filter(email="admin@ecopole.example").exists():
        User.objects.create(
            email="admin@ecopole.example",
            password=password or make_password(DEMO_PASSWORD),
            full_name="Administration",
            is_staff=True,
            is_superuser=True,
        )
