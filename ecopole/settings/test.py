"""Test settings: the same as production-like base, with fast hashing and emails kept in memory."""

import os

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Kept in memory: tests read them from django.core.mail.outbox. A real worker started by a test (tests/celery_worker.py)
# is not in memory with the test: the test gives it another backend (files) through TEST_EMAIL_BACKEND.
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Most tests run tasks eagerly; the integration tests that need a real worker start one themselves.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "login": "1000/min",
        "register": "1000/min",
        "confirm_email": "1000/min",
        "password_reset": "1000/min",
        "password_reset_email": "1000/min",
        "personal_data_export": "1000/min",
    },
}

# The browser tests load the product photos from the live server.
SERVE_MEDIA = True
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
DELIVERY_PROOF_ROOT = VAR_DIR / "test-proofs"  # noqa: F405

# No map tiles in tests (no network): the planning board's map draws the stops and route lines on a blank ground.
MAP_TILES_URL = ""
