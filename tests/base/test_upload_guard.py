"""The archive guard every app's uploads go through (kuzbib_site/base/uploads.py): ZIP members
are read as streams capped on the bytes they really inflate to, never on the sizes the archive
declares; only stored and deflate members are opened; the web check of hostile files keeps the
process's peak memory flat (measured in a separate process)."""

import io
import resource
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kuzbib_site.base import uploads
from tests.base.peak_memory import peak_growth
from tests.factories import files as sample

ALL = ["pdf", "docx", "pptx", "odt", "jpeg", "png"]
MB = 1024 * 1024


def check(name, data, allowed=ALL, max_bytes=20 * MB):
    return uploads.check_upload(SimpleUploadedFile(name, data), allowed, max_bytes)


def refusal(name, data, allowed=ALL):
    with pytest.raises(ValidationError) as caught:
        check(name, data, allowed)
    return caught.value.error_list[0].code


def test_real_office_documents_pass_and_are_told_apart():
    assert check("a.docx", sample.docx()) == "docx"
    assert check("a.pptx", sample.pptx()) == "pptx"
    assert check("a.odt", sample.odt()) == "odt"


def test_a_bzip2_member_is_refused_before_it_is_inflated():
    # Declares the 39 bytes of a real mimetype; inflates to a gigabyte. Refused even where only
    # PDF is accepted: sniffing an archive reads its members.
    data = sample.lying_odt("bzip2")
    assert len(data) < 2000
    assert refusal("work.odt", data) == "archive_method"
    assert refusal("work.pdf", data, allowed=["pdf"]) == "archive_method"


def test_a_deflate_member_is_stopped_at_its_real_output_not_its_declared_size():
    # The directory declares the mimetype's 39 bytes and their CRC, and the first 39 bytes are
    # exactly those: a reader that stops at the declared size sees a valid member, while
    # zipfile's read() inflates the whole gigabyte before cutting it.
    data = sample.lying_odt("deflate")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("mimetype")
        declared = (info.file_size, info.CRC)
    assert declared == (39, zlib.crc32(sample.ODT_MIMETYPE))
    assert refusal("work.odt", data) == "archive_too_large"


def test_an_xml_member_inflating_past_its_cap_is_refused():
    assert refusal("work.docx", sample.docx_with_content_types_bomb()) == "archive_too_large"


def test_every_member_is_checked_and_the_file_rewound():
    buffer = io.BytesIO(sample.docx())
    uploads.check_archive(buffer, "a.docx")
    assert buffer.tell() == 0
    # A member whose bytes are not what its checksum says is damaged, wherever it is.
    bad = sample.rezipped(sample.docx(), {"word/styles.xml": (b"<a/>", sample.deflated(b"<b/>"))})
    with pytest.raises(ValidationError) as caught:
        uploads.check_archive(io.BytesIO(bad), "a.docx")
    assert caught.value.error_list[0].code == "archive_damaged"


def test_a_member_that_inflates_to_less_than_it_declares_is_damaged():
    content = b"<office:document-content/>"
    data = sample.raw_zip(
        [
            ("mimetype", 0, sample.ODT_MIMETYPE, 39, zlib.crc32(sample.ODT_MIMETYPE)),
            ("content.xml", 8, sample.deflated(content)[:-3], len(content), zlib.crc32(content)),
        ]
    )
    assert refusal("cut.odt", data) == "archive_damaged"


def test_members_ratio_and_password_limits(settings):
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for number in range(20):
            archive.writestr(f"part{number}.txt", "x")
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "ARCHIVE": {"MAX_MEMBERS": 10}}
    assert refusal("many.docx", many.getvalue()) == "archive_too_large"

    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "ARCHIVE": {"MAX_RATIO": 3}}
    assert refusal("a.docx", sample.docx()) == "archive_too_large"

    locked = bytearray(sample.raw_zip([("word/document.xml", 0, b"x", 1, zlib.crc32(b"x"))]))
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):  # set the «encrypted» flag in both headers
        at = locked.find(signature)
        flag_at = at + (6 if signature == b"PK\x03\x04" else 8)
        locked[flag_at] |= 1
    assert refusal("locked.docx", bytes(locked)) == "archive_password"


def test_guarded_reads_have_their_own_cap():
    with uploads.open_guarded_zip(io.BytesIO(sample.odt()), "a.odt") as archive:
        assert archive.read("mimetype") == sample.ODT_MIMETYPE
        with pytest.raises(ValidationError):
            archive.read("content.xml", max_bytes=10)


def test_the_address_space_limit_applies_inside_and_is_restored_after():
    before = resource.getrlimit(resource.RLIMIT_AS)
    with uploads.address_space_limit(64 * MB):
        assert resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY
        with pytest.raises(MemoryError):
            bytearray(256 * MB)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    bytearray(256 * MB)  # allowed again
    with uploads.address_space_limit(None):
        assert resource.getrlimit(resource.RLIMIT_AS) == before


@pytest.mark.services  # measured in a process of its own
def test_the_web_check_of_hostile_files_keeps_peak_memory_flat(tmp_path):
    files = sample.hostile_files()
    warm = {"warm.pdf": sample.pdf(), "warm.docx": sample.docx(), "warm.odt": sample.odt()}
    results = peak_growth("web", files, warm, tmp_path)
    for name, result in results.items():
        assert result["grew_mib"] < 100, (name, result)
    # The archives are refused by the web check; the PDF and the PNG are valid files whose
    # size is the worker's business (see tests/contests/test_hostile_files.py).
    for name in ("bzip2.odt", "deflate.odt", "types.docx"):
        assert results[name]["outcome"] not in ALL, (name, results[name])
    assert results["tall.pdf"]["outcome"] == "pdf"
    assert results["huge.png"]["outcome"] == "png"
