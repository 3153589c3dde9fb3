"""`make run`, `make test`, `make bench`: run a command on the embedded PostgreSQL unless DATABASE_URL is set.

    .venv/bin/python scripts/with_postgres.py COMMAND [ARG...]

The work is ecopole/devdb.py's, loaded here by its path: importing the `ecopole` package would create the Celery
app, which sets DJANGO_SETTINGS_MODULE in this process's environment, and every command would inherit it (pytest
would then run on the local settings instead of the test settings).
"""

import importlib.util
import sys
from pathlib import Path

path = Path(__file__).resolve().parent.parent / "ecopole" / "devdb.py"
spec = importlib.util.spec_from_file_location("ecopole_devdb", path)
devdb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(devdb)
sys.exit(devdb.main(sys.argv[1:]))
