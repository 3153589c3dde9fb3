"""Role checks shared by every app. Object-level checks live in each app's selectors (querysets scoped per user)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

MANAGER = "manager"
PREPARER = "preparer"
DRIVER = "driver"
STAFF_GROUPS = (MANAGER, PREPARER, DRIVER)


def has_group(user, *groups: str) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    return bool(set(getattr(user, "group_names", ())) & set(groups))


def is_staff_member(user) -> bool:
    return has_group(user, *STAFF_GROUPS)


def is_manager(user) -> bool:
    return has_group(user, MANAGER)


def sees_all_orders(user) -> bool:
    """Managers and preparers work on every order and basket; a driver only on those of their own rounds."""
    return has_group(user, MANAGER, PREPARER)


def is_driver_only(user) -> bool:
    """A driver who is neither manager nor preparer: scoped to their own rounds."""
    return has_group(user, DRIVER) and not sees_all_orders(user)


class IsManager(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_manager(request.user)


class IsStaffMember(BasePermission):
    """Any member of staff: manager, preparer or driver."""

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


class IsPreparerOrManager(BasePermission):
    def has_permission(self, request, view) -> bool:
        return has_group(request.user, MANAGER, PREPARER)


class IsDriverOrManager(BasePermission):
    def has_permission(self, request, view) -> bool:
        return has_group(request.user, MANAGER, DRIVER)


class IsProducerMember(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "producer_id", None))


class ReadOnlyOrStaff(BasePermission):
    """Anyone may read; only staff may write."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_staff_member(request.user)
