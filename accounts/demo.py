"""Demo accounts of every role. No real people's names: roles and organisations only."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import User
from .services import roles_ensure

DEMO_PASSWORD = "ecopole-demo-2026"

# email, full name, groups, is_staff. The producer members are linked to their producer by the catalogue's demo
# (accounts imports nothing of the catalogue, its neighbour in the layers): see `catalogue.demo.PRODUCER_MEMBERS`.
DEMO_USERS = [
    ("gestion@ecopole.example", "Responsable Ecopôle", ["manager"], True),
    ("preparation@ecopole.example", "Préparation Commandes", ["preparer"], True),
    ("chauffeur@ecopole.example", "Chauffeur Tournée Camion", ["driver"], True),
    ("velo@ecopole.example", "Chauffeur Vélo Cargo", ["driver"], True),
    ("ferme@terre-opale.example", "Compte Terre d'Opale", [], False),
    ("jardins@anges-gardins.example", "Compte Les Anges Gardins", [], False),
    ("fournil@pain-partage.example", "Compte Pain et partage", [], False),
    ("client@ecopole.example", "Client Démo Calais", [], False),
    ("client2@ecopole.example", "Client Démo Audruicq", [], False),
]


def seed(stdout=None) -> None:
    roles_ensure()
    password = ""  # hashed once for all the demo accounts: Argon2 is slow on purpose (0.2 to 0.5 s a hash)
    for email, full_name, groups, is_staff in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(email=email, password=password, full_name=full_name)
        user.is_staff = is_staff
        user.email_confirmed_at = user.email_confirmed_at or timezone.now()
        user.save(update_fields=["is_staff", "email_confirmed_at"])
        user.groups.set([Group.objects.get(name=g) for g in groups])
    if not User.objects.filter(email="admin@ecopole.example").exists():
        User.objects.create(
            email="admin@ecopole.example",
            password=password or make_password(DEMO_PASSWORD),
            full_name="Administration",
            is_staff=True,
            is_superuser=True,
        )
