"""One way to build the project's emails: a subject, a text body and an HTML alternative from three templates.

`templated_email("orders/email/ready", context, to=[...])` renders `<base>_subject.txt` (folded to one line),
`<base>.txt` and `<base>.html` in the site's language and time zone (French, Europe/Paris, whatever the request or
task was in), from `DEFAULT_FROM_EMAIL`. The caller sends it (or a test inspects it).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def templated_email(base: str, context: dict, *, to: Sequence[str]) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to))
    message.attach_alternative(html, "text/html")
    return message
