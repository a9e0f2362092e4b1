"""What `manage.py backup` and `manage.py restore` share: the archive's layout, the
connection to PostgreSQL, the PostgreSQL client programs and the checks.

An archive is one gzip-compressed tar file named `cocreation-backup-<JST time>.tar.gz`:

    database.dump   pg_dump --format=custom --no-owner of the whole database
    private/…       every file of the "private" storage (proposal attachments, reports)
    media/…         every file of the "default" storage (space photos)
    manifest.json   when, by which portal version, the applied migrations, the row count
                    of every table and the SHA-256 of every file above

The dump and the row counts come from one snapshot of the database (pg_export_snapshot),
so they agree even while the portal keeps writing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
NAME_PREFIX = "cocreation-backup-"
NAME_SUFFIX = ".tar.gz"
# Folder in the archive → alias in settings.STORAGES.
STORAGE_FOLDERS = {"private": "private", "media": "default"}
JST = ZoneInfo("Asia/Tokyo")
CHUNK = 1024 * 1024

# Keys of Django's OPTIONS that are not libpq connection parameters.
_DJANGO_ONLY_OPTIONS = {
    "assume_role",
    "context",
    "cursor_factory",
    "isolation_level",
    "pool",
    "server_side_binding",
}


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database to dump or restore into.

    `params` are libpq connection parameters (host, port, user, dbname, sslmode, …) without
    the password, which stays apart so that it never appears on a command line.
    """

    params: dict
    password: str

    @classmethod
    def chosen(cls, *, alias: str, url: str | None) -> Database:
        """The database named by `url` (a postgresql:// URL or a libpq "key=value"
        string), or else by `alias` in settings.DATABASES. Raises CommandError."""
        if url:
            try:
                params = conninfo_to_dict(url)
            except psycopg.ProgrammingError as error:
                raise CommandError(
                    _("The database address is not valid: %(error)s") % {"error": error}
                ) from error
            password = str(params.pop("password", "") or "")
        else:
            if alias not in settings.DATABASES:
                raise CommandError(
                    _("There is no database %(alias)s in the settings.") % {"alias": alias}
                )
            config = settings.DATABASES[alias]
            params = {
                key: value
                for key, value in (config.get("OPTIONS") or {}).items()
                if key not in _DJANGO_ONLY_OPTIONS and isinstance(value, str | int)
            }
            for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER")):
                if config.get(setting):
                    params[key] = str(config[setting])
            params["dbname"] = config["NAME"]
            password = str(config.get("PASSWORD") or "")
        if not params.get("dbname"):
            raise CommandError(_("The database address names no database."))
        params = {key: value for key, value in params.items() if value not in ("", None)}
        return cls(params=params, password=password)

    @property
    def name(self) -> str:
        """The database's name (libpq's dbname)."""
        return str(self.params["dbname"])

    def describe(self) -> str:
        """The database name and where it is, for messages ("cocreation (127.0.0.1:5432)")."""
        host = self.params.get("host") or "localhost"
        port = self.params.get("port")
        return f"{self.name} ({host}:{port})" if port else f"{self.name} ({host})"

    def connect(self) -> psycopg.Connection:
        """A new connection (the caller closes it). Raises CommandError naming the database."""
        try:
            return psycopg.connect(make_conninfo(**self.params, password=self.password or None))
        except psycopg.OperationalError as error:
            raise CommandError(
                _("Cannot connect to the database %(database)s: %(error)s")
                % {"database": self.describe(), "error": str(error).strip()}
            ) from error

    def program_args(self) -> list[str]:
        """`--dbname` for pg_dump and pg_restore: every parameter but the password."""
        return ["--dbname", make_conninfo(**self.params)]

    def program_environ(self) -> dict[str, str]:
        """The environment for pg_dump and pg_restore: the password in PGPASSWORD (the
        operator's own PGPASSWORD or ~/.pgpass when the settings give none)."""
        environ = dict(os.environ)
        if self.password:
            environ["PGPASSWORD"] = self.password
        return environ


def server_major(connection: psycopg.Connection) -> int:
    """The major version of the server (15 for 15.20)."""
    return connection.info.server_version // 10000


def public_relations(connection: psycopg.Connection) -> list[str]:
    """Names of the tables, views and sequences in the public schema."""
    rows = connection.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
        " ORDER BY c.relname"
    ).fetchall()
    return [name for (name,) in rows]


def table_row_counts(connection: psycopg.Connection) -> dict[str, int]:
    """Rows in each table of the public schema, by table name (in the connection's
    transaction, so within its snapshot)."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
            " ORDER BY c.relname"
        ).fetchall()
    ]
    return {name: count_rows(connection, name) for name in tables}


def count_rows(connection: psycopg.Connection, table: str) -> int:
    """Rows in one table of the public schema."""
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
    return connection.execute(query).fetchone()[0]


def applied_migrations(connection: psycopg.Connection) -> dict[str, list[str]]:
    """The migrations recorded in django_migrations, by app label (none in a database
    that was never migrated)."""
    applied: dict[str, list[str]] = {}
    if connection.execute("SELECT to_regclass('public.django_migrations')").fetchone()[0] is None:
        return applied
    for app, name in connection.execute(
        "SELECT app, name FROM django_migrations ORDER BY app, id"
    ).fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def find_program(name: str, *, server: int, at_least: int | None = None) -> tuple[str, int]:
    """The path and major version of a PostgreSQL client program (pg_dump, pg_restore).

    Looks on PATH, in /usr/lib/postgresql/<major>/bin (Debian's versioned packages) and in
    the embedded PostgreSQL that `make run` may use (pgserver's binaries). Takes the one of
    the server's major version `server` when there is one, or else the oldest newer one (a
    client older than the server refuses it). `at_least` raises the lowest major version
    accepted (pg_restore must be as new as the pg_dump that wrote the archive).
    Raises CommandError saying what was found and what to install.
    """
    found: dict[str, int] = {}
    for candidate in _candidates(name):
        real = os.path.realpath(candidate)
        if real in found:
            continue
        major = _major_version(candidate)
        if major is not None:
            found[real] = major
    lowest = max(server, at_least or 0)
    usable = sorted(
        ((major != server, major, path) for path, major in found.items() if major >= lowest)
    )
    if usable:
        _other, major, path = usable[0]
        return path, major
    if not found:
        raise CommandError(
            _(
                "%(program)s was not found on PATH nor in the embedded PostgreSQL (pgserver). "
                "Install the PostgreSQL %(version)s client programs "
                "(Debian: apt-get install postgresql-client-%(version)s)."
            )
            % {"program": name, "version": lowest}
        )
    versions = ", ".join(f"{path} ({major})" for path, major in sorted(found.items()))
    raise CommandError(
        _(
            "%(program)s must be of PostgreSQL %(version)s or newer; found only %(found)s. "
            "Install the PostgreSQL %(version)s client programs "
            "(Debian: apt-get install postgresql-client-%(version)s)."
        )
        % {"program": name, "version": lowest, "found": versions}
    )


def _candidates(name: str) -> list[str]:
    paths = []
    on_path = shutil.which(name)
    if on_path:
        paths.append(on_path)
    paths += sorted(str(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            embedded = Path(location) / "pginstall" / "bin" / name
            if embedded.exists():
                paths.append(str(embedded))
    return paths


def _major_version(program: str) -> int | None:
    try:
        result = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def run_program(command: list[str], *, database: Database, what: str) -> None:
    """Run pg_dump or pg_restore; raise CommandError with its own error lines on failure."""
    result = subprocess.run(
        command,
        env=database.program_environ(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise CommandError(
            _("%(program)s failed (exit status %(status)s):\n%(error)s")
            % {"program": what, "status": result.returncode, "error": "\n".join(lines[-20:])}
        )


def sha256_of(handle) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of what is left to read in a binary file object."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def storage_files(storage, folder: str = "") -> list[str]:
    """Names of every file in a storage, depth first, sorted ('' lists from the top)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in sorted(files)]
    for directory in sorted(directories):
        names += storage_files(storage, f"{folder}/{directory}" if folder else directory)
    return names


def archive_name(moment: datetime) -> str:
    """cocreation-backup-20261130T091500+0900.tar.gz for `moment` in Japan time."""
    return f"{NAME_PREFIX}{moment.astimezone(JST):%Y%m%dT%H%M%S%z}{NAME_SUFFIX}"


def portal_version() -> str:
    """The installed portal's version (pyproject.toml), or "unknown" outside an install."""
    try:
        return importlib.metadata.version("cocreation-portal")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def check_members(archive: tarfile.TarFile) -> None:
    """Refuse an archive holding anything but the layout above: absolute names, `..`,
    links, devices and unknown top-level names are refused before anything is extracted.
    Raises CommandError naming the first member refused."""
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        top = path.parts[0] if path.parts else ""
        allowed = (
            not path.is_absolute()
            and ".." not in path.parts
            and "\\" not in member.name
            and (member.isfile() or member.isdir())
            and (
                (top in STORAGE_FOLDERS and (member.isdir() or len(path.parts) > 1))
                or (member.isfile() and member.name in {MANIFEST, DUMP})
            )
        )
        if not allowed:
            raise CommandError(
                _(
                    "The archive holds %(member)s, which a backup of this portal never holds; "
                    "nothing was restored."
                )
                % {"member": repr(member.name)}
            )


def read_manifest(folder: Path) -> dict:
    """The manifest extracted into `folder`. Raises CommandError if it is missing or not
    one this version reads."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(
            _("The archive has no readable manifest.json: %(error)s") % {"error": error}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(_("The archive's manifest.json is not one this portal version reads."))
    for key in ("files", "tables", "migrations", "created_at"):
        if key not in manifest:
            raise CommandError(_("The archive's manifest.json lacks %(key)s.") % {"key": key})
    if DUMP not in manifest["files"]:
        raise CommandError(_("The archive's manifest.json lacks %(key)s.") % {"key": DUMP})
    return manifest


def verify_extracted(folder: Path, manifest: dict) -> None:
    """Every file extracted into `folder` is in the manifest with its size and SHA-256, and
    every file of the manifest was extracted. Raises CommandError listing the differences."""
    expected = manifest["files"]
    present = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    problems = [
        _("%(name)s is in the archive but not in its manifest") % {"name": name}
        for name in sorted(present - set(expected))
    ]
    for name, facts in sorted(expected.items()):
        if name not in present:
            problems.append(_("%(name)s is missing from the archive") % {"name": name})
            continue
        with (folder / name).open("rb") as handle:
            digest, size = sha256_of(handle)
        if (digest, size) != (facts.get("sha256"), facts.get("size")):
            problems.append(_("%(name)s does not match its checksum") % {"name": name})
    if problems:
        raise CommandError(
            _("The archive is damaged; nothing was restored.")
            + "\n"
            + "\n".join(f"  - {problem}" for problem in problems[:20])
        )
