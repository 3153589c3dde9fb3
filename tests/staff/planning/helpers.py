"""Helpers of the planning board's tests."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest


def browser_log_in(context, live_server, user) -> None:
    """Log the browser's session in as `user` (Django's `login` on a session the browser then carries)."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session.save()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": request.session.session_key, "url": live_server.url}]
    )
