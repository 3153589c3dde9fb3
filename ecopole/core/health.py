"""GET /health/: is the database reachable, is the broker reachable. 200 when both are, 503 otherwise; each check is
bounded by its timeouts (REDIS_SOCKET_TIMEOUT, the database's connect_timeout), so the answer comes within a few
seconds even when a server hangs."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    # A fresh connection, not Celery's pool: a pooled connection can look alive after the broker went away. A hung
    # Redis (SIGSTOP, a partition) still accepts the TCP connection: only a command with a read timeout (PING) tells.
    timeout = settings.REDIS_SOCKET_TIMEOUT
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            # the socket timeouts bound the PING too, whatever options the broker was configured with
            transport_options={
                **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
            },
            connect_timeout=timeout,
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
                conn.default_channel.client.ping()
        return True
    except Exception:
        return False


@never_cache
@require_GET
def health(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        **{k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
