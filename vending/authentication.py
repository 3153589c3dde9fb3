"""The machine credential: `Authorization: Machine <key>` or `X-Machine-Key: <key>`.

It authenticates a `MachinePrincipal`, not a User: it has no group, no producer, is not staff, and is only accepted by
the views that list `MachineKeyAuthentication` (the machine's sales, inventory and unlock endpoints). Every other
endpoint keeps the project's default authentication (token, session), which never reads this header, so the key
gets 401 there; and `IsOwnMachine` refuses a key on another machine's URL.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from .models import Machine
from .services.machines import machine_authenticate_key


class MachinePrincipal:
    """Who is calling: a vending machine. Looks enough like an authenticated user for DRF, but has no rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    group_names: frozenset[str] = frozenset()
    producer_id = None
    pk = None
    id = None

    def __init__(self, machine: Machine) -> None:
        self.machine = machine

    def __str__(self) -> str:
        return f"machine:{self.machine.pk}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False


class MachineKeyAuthentication(BaseAuthentication):
    keyword = "Machine"
    header = "HTTP_X_MACHINE_KEY"

    def authenticate(self, request):
        key = request.META.get(self.header, "")
        if not key:
            parts = get_authorization_header(request).split()
            if not parts or parts[0].lower() != self.keyword.lower().encode():
                return None
            if len(parts) != 2:
                raise AuthenticationFailed(_("Invalid machine key header."))
            try:
                key = parts[1].decode()
            except UnicodeError as exc:
                raise AuthenticationFailed(_("Invalid machine key header.")) from exc
        machine = machine_authenticate_key(key=key.strip())
        if machine is None:
            raise AuthenticationFailed(_("Invalid machine key."))
        return MachinePrincipal(machine), machine

    def authenticate_header(self, request) -> str:
        return self.keyword


class IsOwnMachine(BasePermission):
    """Only a machine, and only on its own URL (`machines/<pk>/...`)."""

    message = _("This machine key is not valid for this machine.")

    def has_permission(self, request, view) -> bool:
        principal = request.user
        return isinstance(principal, MachinePrincipal) and str(principal.machine.pk) == str(view.kwargs.get("pk"))


class MachineKeyScheme(OpenApiAuthenticationExtension):
    target_class = "vending.authentication.MachineKeyAuthentication"
    name = "machineKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Machine-Key",
            "description": "The machine's own key (or `Authorization: Machine <key>`).",
        }
