import pytest

from tests.clients import client_for
from tests.factories.accounts import ProducerMemberFactory
from tests.factories.catalogue import CategoryFactory, ProducerFactory, ProductFactory


@pytest.fixture
def vegetables(db):
    return CategoryFactory(name="Légumes", slug="legumes")


@pytest.fixture
def product(producer, vegetables):
    """Leeks of the `producer` fixture (the one `producer_member` belongs to), 10 kg in stock."""
    return ProductFactory(producer=producer, category=vegetables, name="Poireaux", slug="poireaux", stock=10)


@pytest.fixture
def other_producer(db):
    return ProducerFactory(certified=True, name="Ferme voisine", slug="ferme-voisine")


@pytest.fixture
def other_product(other_producer, vegetables):
    return ProductFactory(producer=other_producer, category=vegetables, name="Carottes", slug="carottes", stock=5)


@pytest.fixture
def other_member(other_producer):
    return ProducerMemberFactory(producer=other_producer)


@pytest.fixture
def other_member_client(other_member):
    return client_for(other_member)
