"""The authentication backend: Django's ModelBackend behind the per-account login guard (accounts/login_guard.py).

Being the backend, the guard covers every `authenticate()` call: the API's token endpoint, the admin's login form,
and any login form added later.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from ecopole.core.client_ip import client_ip

from .login_guard import login_failure_record, login_guard_check, login_success_record


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if email is None or password is None:
            return None
        login_guard_check(email=email)  # raises LoginDelayed: authenticate() lets it through to the caller
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            login_failure_record(email=email, address=client_ip(request) if request is not None else "")
        else:
            login_success_record(email=email)
        return user
