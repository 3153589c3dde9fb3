from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin

from .models import ApiToken, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


def _grantable_permissions(user):
    """The permissions `user` may hand out: those they hold themselves (a superuser: all)."""
    if user.is_superuser:
        return Permission.objects.all()
    held = user.get_all_permissions()  # {"app_label.codename"}
    query = Q(pk__in=[])
    for name in held:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff who are not superusers administer accounts without escalating: they cannot make anyone superuser,
    cannot touch a superuser's account, and can grant only permissions (directly or through a group) they hold."""

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "producer", "is_staff", "is_active", "email_confirmed_at", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups", "producer"]
    search_fields = ["email", "full_name", "phone"]
    autocomplete_fields = ["producer"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "producer")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "email_confirmed_at")}),
        (_("Personal data"), {"fields": ("newsletter_opt_in_at", "inactivity_warned_at", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    actions = ["erase_personal_data"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A staff member opening an account reads its personal data: one audit event per access.
        if request.method == "GET" and str(object_id).isdigit():
            from ecopole.core.audit import personal_data_access_record

            user = self.get_queryset(request).filter(pk=int(object_id)).first()
            if user is not None:
                personal_data_access_record(actor=request.user, subject_id=user.pk, obj=user, where="admin:user")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=_("Erase the personal data of the selected accounts (on their request)"),
        permissions=["change"],
    )
    def erase_personal_data(self, request, queryset):
        """The right to erasure exercised by staff on a person's request (by letter, at the counter): the same
        service as the shop's page and the API, audited (`account.erase`, by staff)."""
        from .services import personal_data_user_erase

        ids = list(queryset.exclude(pk=request.user.pk).values_list("pk", flat=True))
        for user_id in ids:
            personal_data_user_erase(user_id=user_id, actor=request.user)
        self.message_user(request, _("%(count)d account(s) erased.") % {"count": len(ids)})

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("is_superuser")
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["groups", "user_permissions"]  # nobody widens their own rights
        return readonly

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)  # a superuser's account is out of reach
        return queryset

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            grantable = _grantable_permissions(request.user)
            if db_field.name == "user_permissions":
                kwargs["queryset"] = grantable
            elif db_field.name == "groups":
                kwargs["queryset"] = (
                    Group.objects.annotate(
                        beyond=Count("permissions", filter=~Q(permissions__in=grantable), distinct=True)
                    )
                    .filter(beyond=0)
                    .order_by("name")
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tokens can be seen (whose, since when, last used) and revoked (deleted); never read: only digests exist."""

    deletable = True
    list_display = ["prefix", "user", "created_at", "last_used_at"]
    search_fields = ["user__email", "prefix"]
    fields = ["user", "prefix", "created_at", "last_used_at"]
    readonly_fields = fields
