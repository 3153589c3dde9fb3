import os
import sys
import time


def _process_age() -> float:
    """Seconds since this process started (Linux), else 0.

    ``python -m deliveries.routing`` imports the package, hence PyVRP and
    NumPy, before this module runs; on a busy machine that alone can take
    over a second. Reading the process start time from /proc lets the
    ``--time-limit`` budget cover interpreter start-up and imports too.
    """
    try:
        with open("/proc/self/stat") as fh:
            # Field 22 (starttime, clock ticks after boot); the command name
            # in parentheses may contain spaces, so split after it.
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


STARTED = time.monotonic() - _process_age()

from deliveries.routing.cli import main  # noqa: E402

code = main(started=STARTED)
# Skip interpreter teardown (module and NumPy/PyVRP clean-up), which takes a
# few tenths of a second on a busy machine and would overrun --time-limit:
# the JSON line is already written, nothing else is pending.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
