"""What can be checked of the production files without a Docker engine."""

import re
import shlex
from pathlib import Path

import yaml

from config import launcher, settings

BASE_DIR = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _command(service) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def test_compose_describes_the_production_stack():
    services = _compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert _command(services["web"])[:2] == ["gunicorn", "config.wsgi:application"]
    assert _command(services["worker"])[:4] == ["celery", "-A", "config", "worker"]
    assert _command(services["beat"])[:4] == ["celery", "-A", "config", "beat"]
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert env["REDIS_URL"].startswith("redis://redis:")


def test_compose_and_readme_name_the_same_process_commands():
    """The launcher, docker compose and the README start the same three programs."""
    services = _compose()["services"]
    readme = (BASE_DIR / "README.md").read_text()
    for template, service in (
        (launcher.WEB_COMMAND, "web"),
        (launcher.WORKER_COMMAND, "worker"),
        (launcher.BEAT_COMMAND, "beat"),
    ):
        program = template.split()[: 4 if template.startswith("celery") else 2]
        assert _command(services[service])[: len(program)] == program
        assert " ".join(program) in readme, program
    assert "make run" in readme and "make test" in readme


def test_ci_runs_the_readme_test_command():
    ci = (BASE_DIR / ".ci" / "run").read_text()
    assert re.search(r"^exec make test$", ci, re.M)
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "config.launcher test" in makefile
    assert "config.launcher run" in makefile


def test_env_example_lists_every_setting_read_from_the_environment():
    source = Path(settings.__file__).read_text()
    names = set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', source))
    # os.environ.get(…) and environ.get(…) in functions given the environment (file_storages).
    names |= set(re.findall(r'environ\.get\("([A-Z_]+)"', source))
    example = (BASE_DIR / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    assert names, "no settings found: the pattern no longer matches settings.py"
    assert names - listed == set()


def test_dockerfile_builds_static_files_and_runs_gunicorn_unprivileged():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "collectstatic" in dockerfile
    assert "compile-messages" in dockerfile
    assert re.search(r"^USER portal$", dockerfile, re.M)
    assert '"gunicorn", "config.wsgi:application"' in dockerfile


def _dockerfile() -> str:
    return (BASE_DIR / "Dockerfile").read_text()


def test_uploaded_files_and_backups_are_on_volumes_that_outlive_the_containers():
    compose = _compose()
    services = compose["services"]
    env = dict(re.findall(r"^\s+(MEDIA_ROOT|PRIVATE_ROOT)=(\S+)", _dockerfile(), re.M))
    assert set(env) == {"MEDIA_ROOT", "PRIVATE_ROOT"}
    for name in ("web", "worker", "migrate"):
        mounts = dict(volume.split(":")[::-1][:2] for volume in services[name]["volumes"])
        assert mounts[env["PRIVATE_ROOT"]] == "private", name
        assert mounts[env["MEDIA_ROOT"]] == "media", name
        assert mounts["/backups"] == "backups", name
    assert {"media", "private", "backups"} <= set(compose["volumes"])
    # New named volumes take the owner of the image's folder: the portal user must own them.
    assert re.search(r"mkdir -p [^\n]*/app/\.data/private[^\n]*/backups", _dockerfile())
    assert re.search(r"chown -R portal [^\n]*/backups", _dockerfile())


def test_the_image_has_pg_dump_of_the_servers_major_version():
    image = _compose()["services"]["postgres"]["image"]
    major = re.fullmatch(r"postgres:(\d+)(?:[.-].*)?", image).group(1)
    dockerfile = _dockerfile()
    assert re.search(rf"^ARG POSTGRES_MAJOR={major}$", dockerfile, re.M)
    assert "postgresql-client-${POSTGRES_MAJOR}" in dockerfile


def test_dockerignore_keeps_secrets_data_and_history_out_of_the_image():
    patterns = {
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".env.*", ".data", ".git", ".venv", "*.tar.gz", "**/__pycache__"} <= patterns
    assert "test-artifacts" in patterns
    assert re.search(r"^COPY \. \.$", _dockerfile(), re.M)


def test_readme_shows_backup_and_restore_with_compose():
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    assert "docker compose exec web python manage.py backup --output /backups" in section
    assert "python manage.py restore" in section
    assert "--no-deps" in section  # the migrate service must not fill the empty database first
    assert "STORAGE_S3_BUCKET" in section
