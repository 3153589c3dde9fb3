"""No Celery task is delayed beyond the broker's visibility timeout (issue 14.7): Redis redelivers a task held past
it every timeout, so the workshop's held-offer expiry (an ETA 4 h ahead) ran up to four times."""

import ast
from pathlib import Path

import pytest

from ecopole.core.countdown import bounded_countdown

ROOT = Path(__file__).resolve().parents[2]
SKIP = (".venv/", ".tools/", "tests/", "bench/")


def _project_calls():
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(SKIP):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                yield relative, node


def _is_bounded(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and getattr(value.func, "id", None) == "bounded_countdown"


def test_no_task_is_published_with_an_eta_or_an_unbounded_countdown():
    offenders = []
    for relative, call in _project_calls():
        for keyword in call.keywords:
            if keyword.arg == "eta":
                offenders.append(f"{relative}:{call.lineno} eta=")
            if keyword.arg == "countdown" and not _is_bounded(keyword.value):
                offenders.append(f"{relative}:{call.lineno} countdown= without bounded_countdown()")
    assert offenders == []


def test_the_scan_sees_the_calls_it_checks():
    """The rule above must not pass because it scans nothing: the retries it covers are in the tree."""
    countdowns = [
        relative for relative, call in _project_calls() for keyword in call.keywords if keyword.arg == "countdown"
    ]
    assert {"orders/tasks.py", "deliveries/tasks.py"} <= set(countdowns)


@pytest.mark.parametrize(("asked", "given"), [(60, 60), (4 * 3600, 1800), (0, 1), (-5, 1)])
def test_a_countdown_is_capped_at_half_the_visibility_timeout(settings, asked, given):
    settings.CELERY_VISIBILITY_TIMEOUT = 3600
    assert bounded_countdown(asked) == given
