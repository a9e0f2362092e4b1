"""Space photos are served by the portal in production too (DEBUG off, local disk), to
signed-in people only, and no path leaves the media storage."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def photo(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "proposal.pdf").write_bytes(b"%PDF-1.4 confidential")
    return storages["default"].save("spaces/photos/big-i-6f.png", ContentFile(PNG))


def test_a_signed_in_person_sees_the_photo(client, staff_user, photo):
    client.force_login(staff_user)
    response = client.get(f"/media/{photo}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_the_photo_is_not_served_to_anyone_signed_out(client, photo):
    response = client.get(f"/media/{photo}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "spaces/photos/missing.png",
        "../private/proposal.pdf",
        "spaces/../../private/proposal.pdf",
        "%2e%2e/private/proposal.pdf",
        "spaces/photos/",
        "a" * 5000,
    ],
)
def test_no_path_leaves_the_media_storage(client, staff_user, photo, path):
    client.force_login(staff_user)
    assert client.get(f"/media/{path}").status_code == 404
