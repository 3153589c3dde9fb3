"""Reliability of order placement: no deadlock under crossed multi-line orders, nothing lost when Redis is down."""

from __future__ import annotations

import contextlib
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from catalogue.models import StockLevel
from catalogue.services.stock import stock_check_ledger, stock_receive
from ecopole.celery import app
from ecopole.core.breaker import broker_breaker
from ecopole.core.emails import email_message_id
from ecopole.core.models import OutboxMessage
from ecopole.core.tasks import outbox_sweep
from orders.models import Order, OrderNotification
from tests.celery_worker import not_eager
from tests.clients import client_for
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import pickup_body


@pytest.mark.django_db(transaction=True)
def test_fifty_crossed_multi_line_orders_finish_without_5xx_deadlock_or_negative_stock(depot):
    # given 5 products with little stock, and 50 customers ordering 3 of them each, in opposite orders
    products = [ProductFactory(piece=True, name=f"Légume {i}", slug=f"legume-{i}") for i in range(5)]
    for product in products:
        stock_receive(product_id=product.pk, quantity=Decimal("20"))
    rng = random.Random(42)
    baskets = []
    for i in range(50):
        chosen = rng.sample(products, 3)
        baskets.append(list(reversed(chosen)) if i % 2 else chosen)
    customers = [UserFactory() for _ in range(50)]
    barrier = threading.Barrier(10)
    results: list = [None] * 50

    def order(i):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
            body = pickup_body(depot, [(p, 1) for p in baskets[i]])
            response = client_for(customers[i]).post("/api/v1/orders/", body, format="json")
            results[i] = (response.status_code, response.json().get("code"))
        finally:
            connection.close()

    # when they all order at once (10 threads at a time released together)
    for start in range(0, 50, 10):
        threads = [threading.Thread(target=order, args=(i,)) for i in range(start, start + 10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        barrier.reset()

    # then every answer is a 201 or a coded refusal, never a 5xx, and the stock adds up
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, results
    assert all(code == "insufficient_stock" for status, code in results if status == 409)
    assert Order.objects.count() == statuses[201]
    assert not StockLevel.objects.filter(quantity__lt=0).exists()
    assert stock_check_ledger() == {}


# --- Redis down --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return process
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


@contextlib.contextmanager
def _broker(url: str):
    """Point this process's Celery producer at `url` (the pools are rebuilt from it), with the transport options
    settings/base.py gives a Redis broker (its socket timeouts), whatever broker the tests were started with (a
    fresh clone's is the filesystem transport)."""
    from django.conf import settings

    names = ("broker_url", "broker_write_url", "broker_read_url", "result_backend", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    for name in names[:-1]:
        app.conf[name] = url
    app.conf["broker_transport_options"] = {
        "visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT,
        "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": settings.REDIS_SOCKET_TIMEOUT,
    }
    _reset_connections()
    try:
        yield
    finally:
        for name, value in saved.items():
            app.conf[name] = value
        _reset_connections()


def _reset_connections() -> None:
    """Forget the producer pools and the result backend (cached per thread): the next use opens them from the
    current configuration, not on a server an earlier test stopped."""
    app._pool = None
    app.amqp._producer_pool = None
    backend = app._local.__dict__.pop("backend", None)
    if backend is not None and hasattr(backend, "result_consumer"):
        with contextlib.suppress(Exception):
            backend.result_consumer.stop()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_an_order_is_placed_and_its_email_goes_out_once_redis_is_back(
    depot, jam, customer, caplog, frozen_now
):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = _start_redis(port)
    try:
        with not_eager(), _broker(url):
            # given Redis stopped
            redis.terminate()
            redis.wait(timeout=10)

            # when a customer places an order
            response = client_for(customer).post("/api/v1/orders/", pickup_body(depot, [(jam, 2)]), format="json")

            # then the order is placed and its confirmation waits in the outbox
            assert response.status_code == 201, response.json()
            message = OutboxMessage.objects.get(key__startswith="order_email:")
            assert message.status == "pending"
            assert "broker unavailable" in caplog.text

            # when Redis is back and the periodic sweep runs (twice, as two beats would)
            redis = _start_redis(port)
            frozen_now.shift(120)  # the sweep leaves a fresh message to its own dispatch for a minute
            first, second = outbox_sweep.apply().get(), outbox_sweep.apply().get()

        # then the confirmation went out exactly once
        message.refresh_from_db()
        assert (first, second, message.status) == (1, 0, "sent")
        assert [m.to for m in mail.outbox] == [[customer.email]]
    finally:
        redis.terminate()
        redis.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
@pytest.mark.django_db(transaction=True)
def test_a_pooled_broker_connection_that_dies_with_redis_is_given_up_quickly_and_reopened(
    depot, jam, customer, caplog, frozen_now
):
    # The outbox publishes through the process's broker pool: a connection opened before Redis stopped must not
    # hold the request, and must not stay broken once Redis is back.
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = _start_redis(port)
    client = client_for(customer)
    try:
        with not_eager(), _broker(url):
            # given a first order dispatched through a pooled connection
            assert client.post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json").status_code == 201
            assert "broker unavailable" not in caplog.text

            # when Redis stops, an order is still placed at once and its message left to the sweep
            redis.terminate()
            redis.wait(timeout=10)
            started = time.monotonic()
            response = client.post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json")
            assert response.status_code == 201 and time.monotonic() - started < 5
            assert "broker unavailable" in caplog.text

            # when Redis is back (and the breaker's cooldown, 10 s, is over), the next order's message is published again
            redis = _start_redis(port)
            broker_breaker.reset()
            caplog.clear()
            assert client.post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json").status_code == 201
            assert "broker unavailable" not in caplog.text and "broker skipped" not in caplog.text
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def _cache_on(url: str) -> dict:
    from django.conf import settings as django_settings

    return {"default": {**django_settings.CACHES["default"], "BACKEND": "django_redis.cache.RedisCache",
                        "LOCATION": url, "OPTIONS": {"IGNORE_EXCEPTIONS": True,
                                                     "CLIENT_CLASS": "ecopole.core.cache.BreakerClient",
                                                     "SOCKET_CONNECT_TIMEOUT": 1.0, "SOCKET_TIMEOUT": 1.0}}}  # fmt: skip


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")
@pytest.mark.django_db(transaction=True)
def test_with_redis_frozen_orders_are_answered_at_once_and_their_emails_go_out_once_it_thaws(
    depot, jam, customer, settings, frozen_now
):
    # given Redis as the broker and the cache (throttling), on a private server this test can freeze
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = _start_redis(port)
    settings.CACHES = _cache_on(url)
    settings.CELERY_BROKER_URL = url
    client = client_for(customer)
    try:
        with not_eager(), _broker(url):
            started = time.monotonic()
            assert client.post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json").status_code == 201
            normal = time.monotonic() - started

            # when Redis hangs (SIGSTOP: the TCP connection stays open, nothing answers, as in a network partition)
            redis.send_signal(signal.SIGSTOP)
            started = time.monotonic()
            response = client.post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json")
            frozen = time.monotonic() - started
            started = time.monotonic()
            again = client.post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json")
            after = time.monotonic() - started
            started = time.monotonic()
            health = Client().get("/health/")
            health_time = time.monotonic() - started

            # then the order is placed, answered within the 1 s socket timeout of a normal order (not 60 s), the
            # next one pays nothing (the breaker skips Redis), and /health/ says 503 within its own bound
            assert (response.status_code, again.status_code) == (201, 201)
            assert frozen - normal < 1.5, (normal, frozen)
            assert after - normal < 0.5, (normal, after)
            assert health.status_code == 503 and health.json()["broker"] == "down"
            assert health_time < 2 * settings.REDIS_SOCKET_TIMEOUT + 1, health_time

            # when Redis thaws and the periodic sweep runs
            redis.send_signal(signal.SIGCONT)
            frozen_now.shift(120)
            outbox_sweep.apply().get()
            outbox_sweep.apply().get()

        # then each of the three confirmations went out exactly once
        notifications = OrderNotification.objects.all()
        assert len(notifications) == 3 and all(n.sent_at for n in notifications)
        ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
        assert sorted(ids) == sorted(email_message_id(f"order_email:{n.pk}") for n in notifications)
    finally:
        redis.send_signal(signal.SIGCONT)
        redis.terminate()
        redis.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_too_long_answers_503_lock_timeout_and_writes_nothing(depot, jam, customer, settings):
    # given another transaction holding the jam's stock row (a long inventory count, say), and a 300 ms patience
    settings.LOCK_TIMEOUT_MS = 300
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        from django.db import transaction

        try:
            with transaction.atomic():
                list(StockLevel.objects.select_for_update().filter(product=jam))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(timeout=10)
    try:
        # when a customer orders that product
        response = client_for(customer).post("/api/v1/orders/", pickup_body(depot, [(jam, 1)]), format="json")
    finally:
        release.set()
        holder.join()

    # then the API answers at once with a coded 503 and a Retry-After, and nothing was written
    assert response.status_code == 503
    assert response.json()["code"] == "lock_timeout"
    assert response["Retry-After"]
    assert Order.objects.count() == 0
    assert stock_check_ledger() == {}
