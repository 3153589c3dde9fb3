"""Who may use the workshop API: producer members (their producer's rows), preparers and managers (the staff who
run the workshop). Drivers and customers get 403. Statements and the calendar feed: producer members and managers."""

from rest_framework.permissions import BasePermission

from ecopole.core.permissions import MANAGER, PREPARER, has_group, is_manager


def is_producer_member(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "producer_id", None))


def is_workshop_staff(user) -> bool:
    return has_group(user, MANAGER, PREPARER)


class IsWorkshopUser(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_producer_member(request.user) or is_workshop_staff(request.user)


class IsProducerMemberOrManager(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_producer_member(request.user) or is_manager(request.user)


class IsProducerMemberOrStaff(IsWorkshopUser):
    pass
