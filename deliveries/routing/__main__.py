import sys
import time

# Taken before importing PyVRP so that --time-limit also covers imports.
STARTED = time.monotonic()

from deliveries.routing.cli import main  # noqa: E402

sys.exit(main(started=STARTED))
