"""`make run`: the API (Django's server), a Celery worker and Celery beat, side by side; Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")


def main() -> int:
    py = sys.executable
    processes = {
        "api": [py, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [py, "-m", "celery", "-A", "ecopole", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [py, "-m", "celery", "-A", "ecopole", "beat", "--loglevel=INFO"],
    }
    running = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in processes.items()}
    base = f"http://{HOST}:{PORT}"
    from accounts.demo import DEMO_PASSWORD, DEMO_USERS

    print(
        "\n".join(
            [
                "",
                "Ecopôle alimentaire: the shop and the API are starting.",
                f"  Web shop    {base}/",
                f"  API root    {base}/api/v1/",
                f"  Swagger UI  {base}/api/docs/",
                f"  Admin       {base}/admin/   (admin@ecopole.example / {DEMO_PASSWORD})",
                f"  Health      {base}/health/",
                f"Demo logins (password {DEMO_PASSWORD}):",
                *[
                    f"  {email:36} {', '.join(groups) or ('producer' if slug else 'customer')}"
                    for email, _name, groups, slug, _staff in DEMO_USERS
                ],
                "Ctrl-C stops the API, the worker and beat.",
                "",
            ]
        ),
        flush=True,
    )
    try:
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


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecopole.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    sys.exit(main())
