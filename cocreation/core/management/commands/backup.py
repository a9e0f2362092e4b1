"""python manage.py backup [--output DIR]: the database and every uploaded file in one
dated archive (layout in cocreation/core/management/backup_archive.py)."""

import json
import os
import tarfile
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.core.management import backup_archive as archive


class Command(BaseCommand):
    # An operator's tool: a failing check elsewhere in the portal must not stop a backup
    # or a restore.
    requires_system_checks = []
    help = (
        "Back up the database (pg_dump, custom format) and the private and media files "
        "into one archive named cocreation-backup-<date and time in Japan>.tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BASE_DIR / ".data" / "backups"),
            help="Folder to write the archive in (created if missing), or the archive's "
            "own path ending in .tar.gz. Default: .data/backups.",
        )
        parser.add_argument(
            "--database", default="default", help="Alias in settings.DATABASES to back up."
        )
        parser.add_argument(
            "--database-url",
            help="Back up this database instead (postgresql://user@host:port/name); "
            "give the password in PGPASSWORD rather than here.",
        )

    def handle(self, *args, **options):
        started = timezone.now()
        target = self._target(Path(options["output"]), started)
        database = archive.Database.chosen(alias=options["database"], url=options["database_url"])
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=target.parent) as work:
            work = Path(work)
            facts = self._dump(database, work / archive.DUMP)
            partial = work / target.name
            files = self._write_archive(partial, work / archive.DUMP, facts, started)
            os.replace(partial, target)
        rows = sum(facts["tables"].values())
        self.stdout.write(
            _("Database %(database)s: tables %(tables)d, rows %(rows)d (pg_dump %(version)s).")
            % {
                "database": database.describe(),
                "tables": len(facts["tables"]),
                "rows": rows,
                "version": facts["pg_dump_major"],
            }
        )
        self.stdout.write(
            _("Files: private %(private)d, media %(media)d.")
            % {"private": files["private"], "media": files["media"]}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(size)s)")
                % {"path": target, "size": filesizeformat(target.stat().st_size)}
            )
        )

    def _target(self, output: Path, started) -> Path:
        """The archive's path: `output` itself when it names a .tar.gz file, or else the
        dated name inside the folder `output` (made if missing)."""
        if output.name.endswith(archive.NAME_SUFFIX) and not output.is_dir():
            folder, target = output.parent, output
        else:
            folder, target = output, output / archive.archive_name(started)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(
                _("Cannot create the folder %(path)s: %(error)s")
                % {"path": folder, "error": error.strerror or error}
            ) from error
        if not os.access(folder, os.W_OK):
            raise CommandError(_("Cannot write in the folder %(path)s.") % {"path": folder})
        if target.exists():
            raise CommandError(
                _("%(path)s already exists; nothing was overwritten.") % {"path": target}
            )
        return target

    def _dump(self, database: archive.Database, dump: Path) -> dict:
        """pg_dump into `dump` and count the rows of every table, both within one snapshot
        (exported by a read-only repeatable-read transaction held open meanwhile)."""
        with database.connect() as connection:
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            connection.read_only = True
            with connection.transaction():
                snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
                server = archive.server_major(connection)
                program, major = archive.find_program("pg_dump", server=server)
                archive.run_program(
                    [
                        program,
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        *database.program_args(),
                    ],
                    database=database,
                    what="pg_dump",
                )
                return {
                    "tables": archive.table_row_counts(connection),
                    "migrations": archive.applied_migrations(connection),
                    "server_version": connection.info.parameter_status("server_version"),
                    "pg_dump_major": major,
                }

    def _write_archive(self, path: Path, dump: Path, facts: dict, started) -> dict[str, int]:
        """The tar.gz at `path`: the dump, every file of both storages, then the manifest.
        Returns how many files each folder got."""
        files: dict[str, dict] = {}
        counts = {}
        with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            with dump.open("rb") as handle:
                digest, size = archive.sha256_of(handle)
            tar.add(dump, arcname=archive.DUMP, recursive=False, filter=_plain)
            files[archive.DUMP] = {"sha256": digest, "size": size}
            for folder, alias in archive.STORAGE_FOLDERS.items():
                storage = storages[alias]
                names = archive.storage_files(storage)
                for name in names:
                    member = f"{folder}/{name}"
                    files[member] = _add_stored_file(tar, storage, name, member)
                counts[folder] = len(names)
            manifest = {
                "format": archive.FORMAT,
                "created_at": started.astimezone(archive.JST).isoformat(timespec="seconds"),
                "portal_version": archive.portal_version(),
                "database": {
                    "server_version": facts["server_version"],
                    "pg_dump_major": facts["pg_dump_major"],
                },
                "migrations": facts["migrations"],
                "tables": facts["tables"],
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(archive.MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(started.timestamp()), 0o644
            with tempfile.SpooledTemporaryFile() as buffer:
                buffer.write(data)
                buffer.seek(0)
                tar.addfile(info, buffer)
        return counts


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No owner names or ids of this machine in the archive."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o644
    return info


def _add_stored_file(tar: tarfile.TarFile, storage, name: str, member: str) -> dict:
    """Copy one stored file into the archive as `member`; returns its size and SHA-256.

    The file is first copied aside, so that its size in the tar header is the size of the
    bytes written even if the file changes meanwhile."""
    with tempfile.SpooledTemporaryFile(max_size=8 * archive.CHUNK) as copy:
        with storage.open(name, "rb") as source:
            while chunk := source.read(archive.CHUNK):
                copy.write(chunk)
        copy.seek(0)
        digest, size = archive.sha256_of(copy)
        copy.seek(0)
        info = _plain(tarfile.TarInfo(member))
        info.size = size
        # Restore writes through the storage API, which stamps its own time: the archive's
        # time is enough here (and not every storage can tell a file's modified time).
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, copy)
    return {"sha256": digest, "size": size}
