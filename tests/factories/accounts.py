"""Accounts: customers, producer members and staff (roles are groups: `StaffFactory(groups=["manager"])`)."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User

from .catalogue import ProducerFactory

DEFAULT_PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"mangeur{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Mangeur {n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class ProducerMemberFactory(UserFactory):
    email = factory.Sequence(lambda n: f"producteur{n}@example.org")
    producer = factory.SubFactory(ProducerFactory)


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"equipe{n}@example.org")
    is_staff = True
