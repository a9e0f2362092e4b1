"""`manage.py backup` and `manage.py restore`: a round trip through a new, empty database
gives the same row in every table and the same bytes in every file; a restore refuses a
database that is not empty, files it would overwrite, a damaged archive and an archive
whose members would land outside its folder."""

import hashlib
import io
import json
import tarfile
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation
from PIL import Image
from psycopg import sql
from psycopg.conninfo import make_conninfo

from cocreation.core.management import backup_archive
from quests.models import ProposalAttachment
from tests import factories
from tests.quests import factories as quest_factories
from tests.spaces.conftest import make_space

# The round trip needs committed rows that pg_dump, in another session, can see.
in_committed_database = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 80, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def roots(settings, tmp_path):
    """Media and private files of this test in their own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def portal_data(roots):
    """A quest with a proposal and its PDF attachment (private), and a room with its photo
    (media)."""
    region = factories.make_region()
    koriyama = factories.make_municipality(regions=[region])
    company = factories.make_company()
    staff = factories.make_member(koriyama, email="staff@city.koriyama.lg.jp")
    member = factories.make_member(company, email="member@foodshare.example.com")
    quest = quest_factories.make_quest(koriyama, created_by=staff)
    proposal = quest_factories.make_proposal(quest, company, member)
    proposal.attachments.create(
        file=SimpleUploadedFile("計画書.pdf", PDF),
        original_name="計画書.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    space = make_space(koriyama, regions=[region])
    space.photo.save("部屋.png", ContentFile(_png()))
    return quest


def _conninfo(name: str) -> str:
    config = connection.settings_dict
    params = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"]}
    return make_conninfo(
        **{k: v for k, v in params.items() if v}, dbname=name, password=config["PASSWORD"] or None
    )


@pytest.fixture
def empty_database():
    """A new database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _row_counts(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            name: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", name))
            ).fetchone()[0]
            for name in tables
        }


def _checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def _backup(folder: Path) -> Path:
    call_command("backup", output=str(folder), stdout=io.StringIO())
    (archive,) = folder.glob("cocreation-backup-*.tar.gz")
    return archive


@in_committed_database
def test_a_backup_restored_into_an_empty_database_has_every_row_and_every_file(
    portal_data, roots, settings, empty_database
):
    source_rows = _row_counts(_conninfo(connection.settings_dict["NAME"]))
    source_files = {
        "media": _checksums(roots / "media"),
        "private": _checksums(roots / "private"),
    }
    assert source_rows["quests_proposalattachment"] == 1
    assert len(source_files["media"]) == 1 and len(source_files["private"]) == 1

    archive = _backup(roots / "backups")

    assert backup_archive.NAME_PREFIX in archive.name and "+0900" in archive.name
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"database.dump", "manifest.json"} <= names
    assert manifest["tables"] == source_rows
    assert "quests" in manifest["migrations"]
    assert manifest["created_at"].endswith("+09:00")

    # Another machine: empty folders, an empty database.
    settings.MEDIA_ROOT = roots / "restored" / "media"
    settings.PRIVATE_ROOT = roots / "restored" / "private"
    output = io.StringIO()
    call_command("restore", str(archive), database_url=_conninfo(empty_database), stdout=output)

    assert _row_counts(_conninfo(empty_database)) == source_rows
    assert {
        "media": _checksums(roots / "restored" / "media"),
        "private": _checksums(roots / "restored" / "private"),
    } == source_files
    with psycopg.connect(_conninfo(empty_database)) as restored:
        (file_name,) = restored.execute("SELECT file FROM quests_proposalattachment").fetchone()
        (title,) = restored.execute("SELECT title FROM quests_quest").fetchone()
    assert (roots / "restored" / "private" / file_name).read_bytes() == PDF
    assert title == portal_data.title
    assert empty_database in output.getvalue()


@in_committed_database
def test_restore_refuses_a_database_that_is_not_empty(portal_data, roots, settings):
    archive = _backup(roots / "backups")
    settings.MEDIA_ROOT = roots / "restored" / "media"
    settings.PRIVATE_ROOT = roots / "restored" / "private"
    attachments = ProposalAttachment.objects.count()

    with translation.override("ja"), pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())  # the test database

    assert "空ではありません" in str(refused.value)
    assert "--replace-database" in str(refused.value)
    assert ProposalAttachment.objects.count() == attachments
    assert not (roots / "restored").exists()


@in_committed_database
def test_restore_refuses_to_overwrite_files(portal_data, roots, empty_database):
    archive = _backup(roots / "backups")

    with translation.override("ja"), pytest.raises(CommandError) as refused:
        call_command(
            "restore",
            str(archive),
            database_url=_conninfo(empty_database),
            stdout=io.StringIO(),
        )

    assert "--replace-files" in str(refused.value)
    assert _row_counts(_conninfo(empty_database)) == {}


def _archive_with(path: Path, members: list[tarfile.TarInfo]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            data = b"x" * member.size
            tar.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return path


def _member(name: str, *, size: int = 1, link: str | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    if link is None:
        info.size = size
    else:
        info.type, info.linkname = tarfile.SYMTYPE, link
    return info


@pytest.mark.parametrize(
    "member",
    [
        _member("../evil"),
        _member("private/../../evil"),
        _member("/tmp/evil"),
        _member("private/link.pdf", link="/etc/passwd"),
        _member("evil.sh"),
    ],
    ids=["parent", "parent-inside", "absolute", "symlink", "unknown"],
)
def test_restore_refuses_an_archive_whose_members_would_escape(roots, tmp_path, member):
    archive = _archive_with(tmp_path / "evil.tar.gz", [_member("manifest.json"), member])

    with translation.override("ja"), pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert repr(member.name) in str(refused.value)
    assert "復元していません" in str(refused.value)
    assert not (tmp_path.parent / "evil").exists()


@in_committed_database
def test_restore_refuses_an_archive_whose_file_does_not_match_its_checksum(
    portal_data, roots, tmp_path, empty_database
):
    archive = _backup(roots / "backups")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("private/"):
                data = data.replace(b"%%EOF", b"%%EOX")
            target.addfile(member, io.BytesIO(data))

    with translation.override("ja"), pytest.raises(CommandError) as refused:
        call_command(
            "restore",
            str(damaged),
            database_url=_conninfo(empty_database),
            stdout=io.StringIO(),
        )

    assert "private/" in str(refused.value)
    assert _row_counts(_conninfo(empty_database)) == {}


def test_a_missing_pg_dump_is_named_with_what_to_install(monkeypatch):
    monkeypatch.setattr(backup_archive, "_candidates", lambda name: [])

    with translation.override("ja"), pytest.raises(CommandError) as refused:
        backup_archive.find_program("pg_dump", server=16)

    assert "pg_dump" in str(refused.value)
    assert "postgresql-client-16" in str(refused.value)


def test_the_client_of_the_servers_major_version_is_preferred(monkeypatch):
    versions = {"/a/pg_dump": 15, "/b/pg_dump": 16, "/c/pg_dump": 17}
    monkeypatch.setattr(backup_archive, "_candidates", lambda name: list(versions))
    monkeypatch.setattr(backup_archive, "_major_version", versions.get)
    monkeypatch.setattr(backup_archive.os.path, "realpath", lambda path: path)

    assert backup_archive.find_program("pg_dump", server=16) == ("/b/pg_dump", 16)
    assert backup_archive.find_program("pg_dump", server=14) == ("/a/pg_dump", 15)
    with pytest.raises(CommandError):
        backup_archive.find_program("pg_dump", server=18)


def test_the_password_reaches_pg_dump_only_through_its_environment(monkeypatch):
    production = {
        "HOST": "db.example.jp",
        "PORT": "5433",
        "USER": "portal",
        "NAME": "cocreation",
        "PASSWORD": "s3cret-pass",
        "OPTIONS": {"sslmode": "require", "pool": False},
    }
    monkeypatch.setattr(
        backup_archive, "settings", SimpleNamespace(DATABASES={"default": production})
    )

    database = backup_archive.Database.chosen(alias="default", url=None)

    assert "s3cret-pass" not in " ".join(database.program_args())
    assert database.program_environ()["PGPASSWORD"] == "s3cret-pass"
    conninfo = database.program_args()[1]
    for part in (
        "host=db.example.jp",
        "port=5433",
        "user=portal",
        "dbname=cocreation",
        "sslmode=require",
    ):
        assert part in conninfo
    assert "pool" not in conninfo
    assert database.describe() == "cocreation (db.example.jp:5433)"
