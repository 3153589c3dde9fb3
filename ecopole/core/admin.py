from django.contrib import admin

from .models import AuditEvent, Closure, OutboxMessage, RetentionRun, SentEmail


class ReadOnlyAdminMixin:
    """For a model admin or an inline showing rows only the services write (orders, ledgers, journals, logs): nobody
    adds, changes or deletes one here, whatever their permissions. Without the change permission Django shows every
    field read-only. `deletable = True` leaves deleting to the user's permission (tokens revoked, logs cleared)."""

    deletable = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The read-only rows under their parent's page (an order's lines, a round's stops), no empty form."""

    extra = 0


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "handler"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__email", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    date_hierarchy = "created_at"


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    """The association's closures ("fermé du 24 au 26 décembre"): no delivery, basket or workshop slot those days.
    French public holidays are closed without being listed here."""

    list_display = ["start_date", "end_date", "label"]
    date_hierarchy = "start_date"
    search_fields = ["label"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each daily run of the retention schedule (`core.personal_data_retention`): what each rule changed."""

    deletable = True
    list_display = ["started_at", "finished_at", "total", "changed", "error"]
    readonly_fields = [f.name for f in RetentionRun._meta.fields]
    date_hierarchy = "started_at"


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True
    list_display = ["sent_at", "to", "subject"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in SentEmail._meta.fields]
    date_hierarchy = "sent_at"
