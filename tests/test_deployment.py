"""docker-compose.yml cannot run on the build machines (no Docker engine), so this
reads it and checks that everything it names exists in the project."""

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTINGS_SOURCE = "\n".join(
    path.read_text() for path in (ROOT / "referral_site" / "settings").glob("*.py")
)
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
APP_SERVICES = ["web", "worker", "beat"]


def _command(name: str) -> str:
    command = SERVICES[name]["command"]
    return " ".join(command) if isinstance(command, list) else command


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker", "beat"])
def test_every_service_has_a_healthcheck(name):
    assert SERVICES[name]["healthcheck"]["test"]


def test_the_databases_are_postgresql_16_or_later_and_redis_7():
    db_image, redis_image = SERVICES["db"]["image"], SERVICES["redis"]["image"]
    assert db_image.startswith("postgres:") and int(db_image.split(":")[1]) >= 16
    assert redis_image.split(":")[0] == "redis" and redis_image.split(":")[1] >= "7"


def test_web_worker_and_beat_run_the_project_processes_from_the_project_image():
    assert _command("web").startswith("gunicorn referral_site.wsgi")
    assert _command("worker").startswith("celery -A referral_site worker")
    assert _command("beat").startswith("celery -A referral_site beat")
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    dockerfile = (ROOT / "Dockerfile").read_text()
    for copied in re.findall(r"^COPY (?:--\S+ )*(\S+) ", dockerfile, re.M):
        assert (ROOT / copied).exists(), copied


def test_the_app_containers_use_settings_that_exist_and_wait_for_their_services():
    for name in APP_SERVICES:
        service = SERVICES[name]
        module = service["environment"]["DJANGO_SETTINGS_MODULE"]
        assert module == "referral_site.settings.prod"
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file()
        assert service["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert {"db", "redis"} <= set(service["depends_on"]) | set(
            SERVICES["migrate"]["depends_on"]
        )
    assert importlib.util.find_spec("referral_site.wsgi")


def test_every_variable_compose_sets_is_one_the_settings_read():
    for name in APP_SERVICES:
        for variable in SERVICES[name]["environment"]:
            if variable != "DJANGO_SETTINGS_MODULE":
                assert f'"{variable}"' in SETTINGS_SOURCE, variable


def test_every_variable_the_settings_read_is_documented_in_env_example():
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))
    read |= set(re.findall(r'_required\("([A-Z_]+)"\)', SETTINGS_SOURCE))
    assert read, "no variables found: the pattern is out of date"
    for variable in read:
        assert re.search(rf"^#? ?{variable}=", ENV_EXAMPLE, re.M), variable


def test_the_production_secrets_come_from_the_env_file():
    for name in APP_SERVICES:
        assert SERVICES[name]["env_file"] == ".env"
    for secret in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY"):
        assert re.search(rf"^{secret}=\S", ENV_EXAMPLE, re.M), secret


def _pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line (extras dropped)."""
    pins = {}
    for line in path.read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if found:
            pins[found[1].lower().replace("_", "-")] = found[2]
    return pins


@pytest.mark.parametrize("name", ["requirements", "requirements-dev"])
def test_the_lock_pins_every_requirement_as_listed_with_hashes(name):
    listed = _pins(ROOT / f"{name}.txt")
    if name == "requirements-dev":
        listed |= _pins(ROOT / "requirements.txt")
    lock_path = ROOT / f"{name}.lock"
    locked = _pins(lock_path)

    # A list changed without `make lock`: the lock would install something else.
    assert {pkg: locked.get(pkg) for pkg in listed} == listed
    # ...and every package in it, dependencies included, is pinned to its files.
    lines = lock_path.read_text().splitlines()
    pinned = [i for i, line in enumerate(lines) if re.match(r"^[A-Za-z0-9].*==", line)]
    assert len(pinned) >= len(listed)
    for i in pinned:
        assert "--hash=sha256:" in lines[i + 1], lines[i]


def test_the_proxy_runs_the_nginx_file_the_bench_measures_in_front_of_web():
    proxy = SERVICES["proxy"]
    source, target = proxy["volumes"][0].split(":")[:2]
    assert (ROOT / source).resolve() == ROOT / "deploy" / "nginx" / "referral.conf"
    assert target.startswith("/etc/nginx/conf.d/")
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    # Only the proxy is published; web believes the one proxy's address.
    assert "ports" not in SERVICES["web"]
    assert SERVICES["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    conf = (ROOT / "deploy" / "nginx" / "referral.conf").read_text()
    assert "server web:8000;" in conf
    # Never kept: anything with our session or message cookie.
    assert "proxy_no_cache $referral_personal;" in conf
    assert "proxy_cache_bypass $referral_personal;" in conf


def test_when_the_cores_are_busy_a_person_waiting_on_a_page_goes_first():
    """The web at the default CPU weight; opening callbacks, off the person's path,
    at half; e-mail and pictures at a quarter. `make bench` runs each process at
    the nice level of the same weight."""
    from bench.stack import nice_as_in_compose

    shares = {name: SERVICES[name].get("cpu_shares", 1024) for name in SERVICES}

    assert shares["web"] > shares["worker"] > shares["mail"] == shares["images"]
    nice = {name: nice_as_in_compose(name) for name in ("web", "worker", "mail")}
    assert nice == {"web": "0", "worker": "3", "mail": "6"}
