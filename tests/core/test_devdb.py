"""The embedded PostgreSQL of `make run` / `make test` (ecopole/devdb.py): started around a command, stopped after it.

The tests share one var/ folder of their own (ECOPOLE_VAR_DIR, initialised once), so their server is not the one
the suite may be running on."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecopole import devdb

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = str(ROOT / "scripts" / "with_postgres.py")

# Prints what the command sees of its database, then exits with the code given as argument.
PROBE = """
import os, sys, psycopg, dj_database_url
db = dj_database_url.parse(os.environ["DATABASE_URL"])
with psycopg.connect(host=db["HOST"], user=db["USER"], dbname=db["NAME"]) as conn:
    version = conn.execute("SHOW server_version").fetchone()[0]
    extensions = sorted(r[0] for r in conn.execute(
        "SELECT name FROM pg_available_extensions WHERE name IN ('btree_gist', 'unaccent', 'pg_trgm')"))
print(db["NAME"], version.split(".")[0], ",".join(extensions), os.environ.get("DJANGO_SETTINGS_MODULE"), flush=True)
sys.exit(int(sys.argv[1]))
"""


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("devdb") / "var"


def _env(var_dir: Path) -> dict:
    env = {**os.environ, "ECOPOLE_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def test_a_command_runs_on_the_embedded_postgres_which_stops_after_it_even_when_it_fails(var_dir):
    # given no DATABASE_URL

    # when a command that fails runs through the wrapper
    result = subprocess.run(
        [sys.executable, WRAPPER, sys.executable, "-c", PROBE, "3"],
        cwd=ROOT,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then it ran on PostgreSQL 18 with the extensions production uses and the environment it was given (no
    # DJANGO_SETTINGS_MODULE of the wrapper's: pytest would run on the wrong settings), its exit code is the
    # wrapper's, and the server is stopped
    assert result.stdout.split() == ["ecopole", "18", "btree_gist,pg_trgm,unaccent", "None"], result.stderr
    assert result.returncode == 3
    assert not devdb.is_running(devdb.data_dir(var_dir))


def test_sigterm_stops_the_command_and_the_server(var_dir, tmp_path):
    # given a long command running through the wrapper
    marker = tmp_path / "started"
    script = f"import pathlib, time; pathlib.Path({str(marker)!r}).touch(); time.sleep(120)"
    wrapper = subprocess.Popen([sys.executable, WRAPPER, sys.executable, "-c", script], cwd=ROOT, env=_env(var_dir))
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline and wrapper.poll() is None:
        time.sleep(0.2)
    assert marker.exists() and devdb.is_running(devdb.data_dir(var_dir))

    # when the wrapper is told to stop (a supervisor, `timeout`, a closed terminal)
    wrapper.send_signal(signal.SIGTERM)

    # then the command is stopped by the same signal, and so is the server
    assert wrapper.wait(timeout=60) == 128 + signal.SIGTERM
    assert not devdb.is_running(devdb.data_dir(var_dir))


def test_a_second_command_shares_the_server_and_the_last_one_out_stops_it(var_dir, tmp_path):
    # given a command holding the embedded server
    marker = tmp_path / "started"
    script = f"import pathlib, time; pathlib.Path({str(marker)!r}).touch(); time.sleep(120)"
    first = subprocess.Popen([sys.executable, WRAPPER, sys.executable, "-c", script], cwd=ROOT, env=_env(var_dir))
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.2)

    # when a second command runs and ends meanwhile
    second = subprocess.run(
        [sys.executable, WRAPPER, sys.executable, "-c", PROBE, "0"],
        cwd=ROOT,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then the server outlives it, and stops with the first
    assert second.returncode == 0, second.stderr
    assert devdb.is_running(devdb.data_dir(var_dir))
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=60)
    assert not devdb.is_running(devdb.data_dir(var_dir))


def test_the_settings_refuse_a_database_that_is_not_postgresql(tmp_path):
    # given a SQLite URL, as the project accepted before
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    # when Django loads the settings
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    # then it refuses to start, and says why
    assert result.returncode != 0
    assert "DATABASE_URL doit désigner une base PostgreSQL" in result.stderr


def test_the_default_database_url_is_the_embedded_servers_socket(tmp_path):
    # given a var/ folder at a short path, and one whose socket path would be too long for a unix socket
    short, deep = tmp_path / "v", tmp_path / ("d" * 90) / "var"

    # then the URL names the data folder as the socket folder, or a short one under /tmp
    assert devdb.socket_dir(short) == devdb.data_dir(short)
    assert len(str(devdb.socket_dir(deep) / devdb.SOCKET_NAME)) <= devdb.MAX_SOCKET_PATH
    assert devdb.database_url(short).endswith("/ecopole")
