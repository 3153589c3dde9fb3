"""The Celery application: one worker and one beat process, configured from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"ecopole.settings.{os.environ.get('DJANGO_ENV', 'local')}")

app = Celery("ecopole")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
