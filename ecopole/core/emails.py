"""One way to build the project's emails and one way to send them.

`templated_email("orders/email/ready", context, to=[...])` renders `<base>_subject.txt` (folded to one line),
`<base>.txt` and `<base>.html` in the site's language and time zone (French, Europe/Paris, whatever the request or
task was in), from `DEFAULT_FROM_EMAIL`. The caller sends it with `email_send` (or a test inspects it).

`email_send(message)` returns only once the mail backend accepted the message, and raises otherwise: a handler marks
a message sent after it, never before (at least once: a crash between the two sends it again, never zero times).
Inside an outbox delivery (`email_scope(key)`, opened by `ecopole.core.outbox.outbox_deliver`) every email gets a
`Message-ID` derived from the outbox key and its rank in the delivery, the same at every attempt, so a duplicate
sent by a redelivery is recognisable (and mail servers that deduplicate by Message-ID drop it).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# (outbox key, emails sent so far in this delivery) while an outbox handler runs.
_SCOPE: ContextVar[tuple[str, list[int]] | None] = ContextVar("ecopole_email_scope", default=None)


class EmailNotAccepted(Exception):
    """The mail backend returned without accepting the message (0 sent)."""


def templated_email(base: str, context: dict, *, to: Sequence[str]) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to))
    message.attach_alternative(html, "text/html")
    return message


def email_message_id(key: str, rank: int = 1) -> str:
    """The stable Message-ID of the `rank`-th email sent by the outbox message `key`."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ecopole.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    suffix = f".{rank}" if rank > 1 else ""
    return f"<outbox.{digest}{suffix}@{domain}>"


@contextlib.contextmanager
def email_scope(key: str) -> Iterator[None]:
    """Emails sent inside get Message-IDs derived from `key` (the outbox message being delivered)."""
    token = _SCOPE.set((key, [0]))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def email_send(message: EmailMessage) -> None:
    """Send `message`; return only once the backend accepted it (raise otherwise)."""
    scope = _SCOPE.get()
    if scope is not None:
        key, counter = scope
        counter[0] += 1
        message.extra_headers["Message-ID"] = email_message_id(key, counter[0])
    if not message.send(fail_silently=False):
        raise EmailNotAccepted(f"the mail backend accepted no copy of {message.subject!r}")
    _sent_email_log(message, outbox_key=scope[0] if scope is not None else "")


def _sent_email_log(message: EmailMessage, *, outbox_key: str) -> None:
    """One `SentEmail` row per recipient (subject and date: what a person's export lists). Never fails the send:
    the email is out, a lost log line is better than sending it again."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError, transaction

    from .models import SentEmail

    try:
        with transaction.atomic():
            users = {
                user.email.lower(): user
                for user in get_user_model().objects.filter(email__in=[address.lower() for address in message.to])
            }
            SentEmail.objects.bulk_create(
                [
                    SentEmail(
                        recipient=users.get(address.lower()),
                        to=address[:254],
                        subject=str(message.subject)[:255],
                        outbox_key=outbox_key[:200],
                    )
                    for address in message.to
                ]
            )
    except DatabaseError:
        logger.warning("sent email not logged: %s", message.subject, exc_info=True)
