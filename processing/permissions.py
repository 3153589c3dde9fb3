"""Who may use the workshop API: producer members (their producer's rows) and staff. Customers get 403."""

from rest_framework.permissions import BasePermission

from ecopole.core.permissions import is_manager, is_staff_member


def is_producer_member(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "producer_id", None))


class IsWorkshopUser(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_producer_member(request.user) or is_staff_member(request.user)


class IsProducerMemberOrManager(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_producer_member(request.user) or is_manager(request.user)


class IsProducerMemberOrStaff(IsWorkshopUser):
    pass
