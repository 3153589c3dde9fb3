"""`make run`: check, migrate and load the demo data, then the API (Django's server), a Celery worker and Celery beat
side by side; Ctrl-C stops all three.

The check, the migrations and the demo run in this process (one Django start-up instead of three, and the checks
once: the server then starts with --skip-checks), which is most of what `make run` waits for on a fresh clone."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")


def prepare() -> None:
    from django.core.management import call_command

    call_command("check")
    call_command("migrate", interactive=False)
    call_command("seed_demo")


def main() -> int:
    py = sys.executable
    processes = {
        "api": [py, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload", "--skip-checks"],
        "worker": [py, "-m", "celery", "-A", "ecopole", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [py, "-m", "celery", "-A", "ecopole", "beat", "--loglevel=INFO"],
    }

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    # Stopped by SIGTERM or SIGHUP (a supervisor, a closed terminal) as by Ctrl-C: the three processes stop too.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    running: dict[str, subprocess.Popen] = {}
    try:
        # The API first, then the worker and beat: three Python start-ups at once on a small or busy machine would
        # make each of them, the API included, wait for the others.
        running["api"] = subprocess.Popen(processes.pop("api"), cwd=ROOT)
        _wait_listening(running["api"])
        if running["api"].poll() is None:
            running.update({name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in processes.items()})
            _banner()
        while all(p.poll() is None for p in running.values()):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for process in running.values():
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in running.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0


def _wait_listening(process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, int(PORT)), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)


def _banner() -> None:
    base = f"http://{HOST}:{PORT}"
    from django.conf import settings

    from accounts.demo import DEMO_PASSWORD, DEMO_USERS
    from catalogue.demo import PRODUCER_MEMBERS
    from vending.demo import demo_machine_key_line

    print(
        "\n".join(
            [
                "",
                "Ecopôle alimentaire: the API is up, the Celery worker and beat are starting.",
                f"  Web shop    {base}/",
                f"  API root    {base}/api/v1/",
                f"  Swagger UI  {base}/api/docs/",
                f"  Admin       {base}/{settings.ADMIN_URL}   (admin@ecopole.example / {DEMO_PASSWORD})",
                f"  Health      {base}/health/",
                f"Demo logins (password {DEMO_PASSWORD}):",
                *[
                    f"  {email:36} {', '.join(groups) or ('producer' if email in PRODUCER_MEMBERS else 'customer')}"
                    for email, _name, groups, _staff in DEMO_USERS
                ],
                *demo_machine_key_line(),
                "Ctrl-C stops the API, the worker and beat.",
                "",
            ]
        ),
        flush=True,
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecopole.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    prepare()
    sys.exit(main())
