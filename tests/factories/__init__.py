"""factory_boy factories, one module per app and one factory per model (`tests.factories.catalogue.ProductFactory`).

A factory's defaults are the plainest valid row; a test states what it relies on (`unit_price=...`) or picks one of
the named variants a factory declares as traits (`ProductFactory(jar=True)`, `ProducerFactory(certified=True)`).
Fixtures built from them live in the conftest files (tests/conftest.py when several apps use them).
"""
