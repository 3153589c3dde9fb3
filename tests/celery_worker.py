"""Start a real Celery worker process on the configured broker, for the few tests that need one.

The worker listens on a queue of its own (a fresh name per start) so that parallel runs on one broker, or messages
left over from `make run`, never mix with the test's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from ecopole.celery import app

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class WorkerProcess:
    queue: str
    process: subprocess.Popen
    log_path: Path

    def kill(self) -> None:
        """SIGKILL, as an OOM killer or a power cut would: no chance to ack or clean up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait for "ready" in the worker's log: on Redis, a message sent before the queue is bound is lost."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log()}")
            time.sleep(0.2)
        raise TimeoutError(f"the worker was not ready in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _database_url() -> str:
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = quote(params.get("HOST") or "127.0.0.1", safe="")  # a unix socket folder (the embedded server) too
    return f"postgres://{auth}{host}:{params.get('PORT') or 5432}/{params['NAME']}"


@contextlib.contextmanager
def celery_worker(tmp_path: Path, queue: str | None = None, extra_env: dict | None = None) -> Iterator[WorkerProcess]:
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / f"worker-{queue}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecopole.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": app.conf.broker_url,
        **(extra_env or {}),
    }
    cmd = [
        sys.executable, "-m", "celery", "-A", "ecopole", "worker", "--pool=solo", "--concurrency=1",
        "--loglevel=INFO", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--include=tests.core.worker_handlers",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = WorkerProcess(queue=queue, process=process, log_path=log_path)
    try:
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def not_eager() -> Iterator[None]:
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
