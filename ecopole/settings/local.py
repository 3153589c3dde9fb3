"""Local development: DEBUG on unless told otherwise, emails printed on the console."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)  # runserver serves the product photos
