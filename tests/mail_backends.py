"""Mail backends for the tests of the email chain (selected with the `settings` fixture or, in a worker started by
a test, with TEST_EMAIL_BACKEND)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.core.mail.backends import filebased, locmem


class ProbingBackend(locmem.EmailBackend):
    """locmem, and before each message `probe()` is called and its result kept in `seen`: what the database said at
    the moment the backend accepted the email."""

    probe: Callable[[], object] | None = None
    seen: list = []

    def send_messages(self, messages):
        for _ in messages:
            if ProbingBackend.probe is not None:
                ProbingBackend.seen.append(ProbingBackend.probe())
        return super().send_messages(messages)


class AcceptThenCrashBackend(locmem.EmailBackend):
    """Accepts the message (it is in mail.outbox), then fails as a worker dying right after the SMTP dialogue would:
    the caller never learns it was sent."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise ConnectionResetError("worker lost right after the mail server accepted the message")


class SlowFileBackend(filebased.EmailBackend):
    """The file backend, taking SLOW_MAIL_SECONDS per message (a slow SMTP server), so a test can kill the worker in
    the middle of a batch."""

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.3")) * len(messages))
        return super().send_messages(messages)
