"""The deployment files stay coherent: docker compose's services, healthchecks and volumes, .env.example vs README."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_production_services_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "migrate" in services["web"]["command"]
    assert "gunicorn" in services["web"]["command"]
    assert any("postgresql/data" in volume for volume in services["postgres"]["volumes"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_every_setting_read_from_the_environment_is_documented():
    # given every variable the settings read
    settings_source = "".join(p.read_text() for p in (ROOT / "ecopole" / "settings").glob("*.py"))
    read = set(re.findall(r'env(?:_bool|_list|_int|_float)?\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', settings_source))
    read -= {"CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE", "TEST_EMAIL_BACKEND"}  # test settings only

    # then README and .env.example name each of them
    readme = (ROOT / "README.md").read_text()
    env_example = (ROOT / ".env.example").read_text()
    assert {v for v in read if v not in readme} == set()
    assert {v for v in read if f"{v}=" not in env_example} == set()
