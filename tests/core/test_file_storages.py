"""Where uploaded files are kept: the local disk by default; an S3-compatible bucket when
the environment names one, where nothing is public. Private files are served only by the
portal's own views, through storage.open, whatever the storage."""

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from storages.backends.s3 import S3Storage

from cocreation.core.storage import PrivateFileSystemStorage
from config.settings import file_storages
from quests.models import ProposalAttachment, TeamMember
from studygroups.models import Submission
from tests import factories
from tests.quests import factories as quest_factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUCKET = {
    "STORAGE_S3_BUCKET": "portal-files",
    "STORAGE_S3_ENDPOINT_URL": "https://s3.example.jp",
    "STORAGE_S3_REGION": "jp-east-1",
    "STORAGE_S3_ACCESS_KEY_ID": "portal-key",
    "STORAGE_S3_SECRET_ACCESS_KEY": "portal-secret",
}


def test_without_a_bucket_both_storages_are_on_the_local_disk(settings, tmp_path):
    configured, image_sources = file_storages({})
    settings.STORAGES = {**settings.STORAGES, **configured}
    settings.PRIVATE_ROOT = tmp_path / "private"

    assert image_sources == []
    assert isinstance(storages["private"], PrivateFileSystemStorage)
    assert storages["private"].location == str(tmp_path / "private")
    assert storages["default"].location == str(settings.MEDIA_ROOT)


def test_with_a_bucket_private_files_are_never_public(settings):
    configured, image_sources = file_storages(BUCKET)
    settings.STORAGES = {**settings.STORAGES, **configured}

    private, media = storages["private"], storages["default"]
    for storage in (private, media):
        assert isinstance(storage, S3Storage)
        assert storage.bucket_name == "portal-files"
        assert storage.endpoint_url == "https://s3.example.jp"
        assert storage.default_acl == "private"
        assert storage.querystring_auth is True
        assert storage.file_overwrite is False
    assert private.location == "private" and media.location == "media"
    assert private.querystring_expire <= 300
    assert private.object_parameters == {"ContentDisposition": "attachment"}
    # A signed address, made without a request to the bucket: it expires.
    url = private.url("quests/proposals/1/a.pdf")
    assert url.startswith("https://s3.example.jp/portal-files/private/quests/proposals/1/a.pdf?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    assert "X-Amz-Signature=" in media.url("spaces/photos/a.png")
    # Pages may show space photos from the bucket, and from nowhere else.
    assert image_sources == ["https://s3.example.jp"]


def test_private_files_may_have_a_bucket_of_their_own(settings):
    configured, _sources = file_storages({**BUCKET, "STORAGE_S3_PRIVATE_BUCKET": "portal-private"})
    settings.STORAGES = {**settings.STORAGES, **configured}

    assert storages["private"].bucket_name == "portal-private"
    assert storages["default"].bucket_name == "portal-files"


def test_the_file_fields_follow_the_configured_private_storage(settings):
    configured, _sources = file_storages(BUCKET)
    settings.STORAGES = {**settings.STORAGES, **configured}

    for model in (ProposalAttachment, Submission):
        storage = model._meta.get_field("file").storage
        assert isinstance(storage, S3Storage)
        assert storage.location == "private"


@pytest.mark.django_db
def test_an_attachment_is_served_from_a_storage_without_paths(client, settings):
    # InMemoryStorage has no .path(), like a bucket: the view must read through open().
    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "private": memory}
    koriyama = factories.make_municipality(regions=[factories.make_region()])
    company = factories.make_company()
    staff = factories.make_member(koriyama, email="staff@city.koriyama.lg.jp")
    member = factories.make_member(company, email="member@foodshare.example.com")
    quest = quest_factories.make_quest(koriyama, created_by=staff)
    quest_factories.add_to_team(quest, staff, koriyama, TeamMember.Role.LEADER)
    proposal = quest_factories.make_proposal(quest, company, member)
    attachment = proposal.attachments.create(
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name="計画書.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    assert isinstance(storages["private"], InMemoryStorage)
    assert storages["private"].exists(attachment.file.name)

    client.force_login(staff)
    response = client.get(
        reverse("quests:proposal_attachment", args=[quest.pk, proposal.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
