"""python manage.py restore ARCHIVE: a `manage.py backup` archive back into an empty
database and the private and media storages, checked against its manifest."""

import tarfile
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from cocreation.core.management import backup_archive as archive


class Command(BaseCommand):
    # An operator's tool: a failing check elsewhere in the portal must not stop a backup
    # or a restore.
    requires_system_checks = []
    help = (
        "Restore a backup archive into an empty database and the private and media "
        "storages; checks every file's checksum and every table's row count."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A cocreation-backup-….tar.gz file.")
        parser.add_argument(
            "--database", default="default", help="Alias in settings.DATABASES to restore into."
        )
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead (postgresql://user@host:port/name); "
            "give the password in PGPASSWORD rather than here.",
        )
        parser.add_argument(
            "--replace-database",
            action="store_true",
            help="Restore into a database that already has tables: the archive's tables are "
            "dropped and recreated (pg_restore --clean --if-exists). Without it, a database "
            "that is not empty is refused.",
        )
        parser.add_argument(
            "--replace-files",
            action="store_true",
            help="Overwrite stored files that have the same names as files of the archive. "
            "Without it, the restore is refused when any exists.",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        database = archive.Database.chosen(alias=options["database"], url=options["database_url"])
        with tempfile.TemporaryDirectory(prefix="cocreation-restore-") as work:
            folder = Path(work)
            self._extract(path, folder)
            manifest = archive.read_manifest(folder)
            archive.verify_extracted(folder, manifest)
            self.stdout.write(
                _("Archive %(path)s of %(created)s, portal %(version)s: checksums match.")
                % {
                    "path": path,
                    "created": manifest["created_at"],
                    "version": manifest.get("portal_version", "?"),
                }
            )
            files = _files_by_storage(manifest)
            with database.connect() as connection:
                self._check_empty(connection, database, options["replace_database"])
                server = archive.server_major(connection)
            self._check_files(files, options["replace_files"])
            program, _major = archive.find_program(
                "pg_restore",
                server=server,
                at_least=manifest.get("database", {}).get("pg_dump_major"),
            )
            archive.run_program(
                [
                    program,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    *(["--clean", "--if-exists"] if options["replace_database"] else []),
                    *database.program_args(),
                    str(folder / archive.DUMP),
                ],
                database=database,
                what="pg_restore",
            )
            self._check_rows(database, manifest["tables"])
            self.stdout.write(
                _("Database %(database)s: tables %(tables)d, rows %(rows)d, as in the archive.")
                % {
                    "database": database.describe(),
                    "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                }
            )
            written = self._write_files(folder, files, manifest["files"])
        self.stdout.write(
            _("Files: private %(private)d, media %(media)d, written and checked.")
            % {"private": written.get("private", 0), "media": written.get("media", 0)}
        )
        self._report_migrations(manifest["migrations"])
        self.stdout.write(self.style.SUCCESS(_("Restore finished.")))

    def _extract(self, path: Path, folder: Path) -> None:
        try:
            with tarfile.open(path, "r:gz") as tar:
                archive.check_members(tar)
                # The "data" filter refuses whatever check_members might have let through
                # (a name outside the folder, a link, a device).
                tar.extractall(folder, filter="data")
        except FileNotFoundError as error:
            raise CommandError(_("There is no file %(path)s.") % {"path": path}) from error
        except (tarfile.TarError, OSError, EOFError) as error:
            raise CommandError(
                _("%(path)s is not a readable backup archive: %(error)s")
                % {"path": path, "error": error}
            ) from error

    def _check_empty(self, connection, database, replace: bool) -> None:
        relations = archive.public_relations(connection)
        if relations and not replace:
            raise CommandError(
                _(
                    "The database %(database)s is not empty (tables, views or sequences: "
                    "%(count)d, e.g. %(names)s); nothing was restored. Restore into a new, "
                    "empty database, or pass --replace-database to replace its contents."
                )
                % {
                    "database": database.describe(),
                    "count": len(relations),
                    "names": ", ".join(relations[:3]),
                }
            )

    def _check_files(self, files: dict[str, list[str]], replace: bool) -> None:
        if replace:
            return
        existing = [
            f"{folder}/{name}"
            for folder, names in files.items()
            for name in names
            if storages[archive.STORAGE_FOLDERS[folder]].exists(name)
        ]
        if existing:
            raise CommandError(
                _(
                    "Files of the archive already exist (%(count)d, e.g. %(names)s); nothing "
                    "was restored. Pass --replace-files to overwrite them."
                )
                % {"count": len(existing), "names": ", ".join(existing[:3])}
            )

    def _check_rows(self, database, tables: dict[str, int]) -> None:
        with database.connect() as connection:
            found = {name: archive.count_rows(connection, name) for name in tables}
        differences = [
            f"  - {name}: {tables[name]} → {found[name]}"
            for name in sorted(tables)
            if found[name] != tables[name]
        ]
        if differences:
            raise CommandError(
                _(
                    "The database was restored, but these tables' row counts differ from the "
                    "archive's (archive → database):"
                )
                + "\n"
                + "\n".join(differences)
            )

    def _write_files(self, folder: Path, files: dict[str, list[str]], facts: dict) -> dict:
        """Save each extracted file under its own name, then read it back and compare its
        SHA-256 with the manifest's. Returns how many files each folder got."""
        written = {}
        for top, names in files.items():
            storage = storages[archive.STORAGE_FOLDERS[top]]
            for name in names:
                if storage.exists(name):
                    storage.delete(name)
                with (folder / top / name).open("rb") as handle:
                    saved = storage.save(name, File(handle, name=name))
                with storage.open(saved, "rb") as handle:
                    digest, _size = archive.sha256_of(handle)
                if saved != name or digest != facts[f"{top}/{name}"]["sha256"]:
                    raise CommandError(
                        _("%(name)s was not stored as it is in the archive.")
                        % {"name": f"{top}/{name}"}
                    )
            written[top] = len(names)
        return written

    def _report_migrations(self, applied: dict[str, list[str]]) -> None:
        """Say whether this code's migrations and the archive's agree."""
        on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        in_archive = {(app, name) for app, names in applied.items() for name in names}
        if in_archive - on_disk:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "The archive was made by a newer version of the portal: migrations "
                        "unknown to this code: %(count)d."
                    )
                    % {"count": len(in_archive - on_disk)}
                )
            )
        if on_disk - in_archive:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Migrations of this code that the archive had not applied: "
                        "%(count)d. Run python manage.py migrate."
                    )
                    % {"count": len(on_disk - in_archive)}
                )
            )


def _files_by_storage(manifest: dict) -> dict[str, list[str]]:
    """The manifest's files by archive folder ("private", "media"), as storage names."""
    files: dict[str, list[str]] = {folder: [] for folder in archive.STORAGE_FOLDERS}
    for member in sorted(manifest["files"]):
        top, _slash, name = member.partition("/")
        if top in files:
            files[top].append(name)
    return files
