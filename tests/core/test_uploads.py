"""Uploads: the extension must be allowed for the field and the bytes must be what it
says; downloads are always attachments with a safe name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cocreation.core import uploads

PDF = b"%PDF-1.4\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"0" * 200


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("提案書.hta", PDF, "extension"),
        ("提案書.pdf.exe", PDF, "extension"),
        ("提案書", PDF, "extension"),
        ("提案書.pdf", b"<html><script>alert(1)</script>", "content"),
        ("提案書.pdf", PNG, "content"),
        ("report\u202efdp.exe", PDF, "bad_name"),
        ("big.pdf", PDF + b"0" * 2048, "too_large"),
    ],
)
def test_a_file_whose_name_or_content_is_not_allowed_is_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(_file(name, content), allowed=uploads.PDF_OR_IMAGE, max_bytes=1024)
    assert refused.value.code == code


@pytest.mark.parametrize(("name", "content"), [("提案書.PDF", PDF), ("写真.png", PNG)])
def test_an_allowed_file_passes_with_its_real_type(name, content):
    upload = _file(name, content)
    mime = uploads.check_upload(upload, allowed=uploads.PDF_OR_IMAGE, max_bytes=10_000)
    assert upload.content_type == mime


def test_a_pdf_field_refuses_an_image():
    with pytest.raises(ValidationError):
        uploads.check_upload(_file("写真.png", PNG), allowed=uploads.PDF, max_bytes=10_000)


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\me\\提案書.pdf", None, "提案書.pdf"),
        ("提案書.hta", "pdf", "提案書.pdf"),
        ("evil\u202egnp.exe", "pdf", "evilgnp.pdf"),
        ('a"b\x00c.pdf', None, "abc.pdf"),
        ("", "pdf", "file.pdf"),
        ("あ" * 300 + ".pdf", None, "あ" * 116 + ".pdf"),
    ],
)
def test_safe_names_have_no_path_controls_or_wrong_extension(name, extension, expected):
    assert uploads.safe_name(name, extension=extension) == expected


def test_a_download_is_an_attachment_named_for_its_content(tmp_path):
    path = tmp_path / "stored"
    path.write_bytes(PDF)
    response = uploads.attachment_response(
        path.open("rb"), filename="提案書.hta", content_type="application/pdf"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".hta" not in disposition and "%E6%8F%90%E6%A1%88%E6%9B%B8.pdf" in disposition
    assert response["Content-Type"] == "application/pdf"
    response.file_to_stream.close()
