from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Staff and drivers in the browser: preparation, counter, planning board, dashboards (/equipe/), rounds (/livreur/)."""

    name = "staff"
    verbose_name = _("Staff pages")
