"""The attachment policy: kinds, limits at their edges, names, dispositions, inline rules."""

from __future__ import annotations

import pytest

from parley.domain.attachments import (
    KB,
    MB,
    AttachmentPolicy,
    Refusal,
    as_plain_text,
    content_disposition,
    content_kind,
    format_size,
    kind_of,
    normalise_mime,
    safe_filename,
    serve_inline,
    too_large_message,
    voice_note,
    webp_is_animated,
)


def test_kinds_follow_whatsapps_list() -> None:
    assert kind_of("image/jpeg") == "image"
    assert kind_of("audio/ogg; codecs=opus") == "audio"
    assert kind_of("image/webp") == "sticker"
    assert kind_of("video/3gpp") == "video"
    assert kind_of("application/vnd.ms-powerpoint") == "document"
    assert kind_of("text/html") is None
    assert kind_of("image/svg+xml") is None


def test_libmagic_names_are_mapped() -> None:
    assert normalise_mime("audio/x-m4a") == "audio/mp4"
    assert normalise_mime("audio/x-hx-aac-adts") == "audio/aac"


@pytest.mark.parametrize(
    ("mime", "limit"),
    [
        ("image/jpeg", 5 * MB),
        ("video/mp4", 16 * MB),
        ("audio/amr", 16 * MB),
        ("application/pdf", 100 * MB),
    ],
)
def test_each_limit_holds_at_its_edge(mime: str, limit: int) -> None:
    policy = AttachmentPolicy()
    assert policy.refusal(mime, limit) is None
    refusal = policy.refusal(mime, limit + 1)
    assert refusal is not None and refusal.code == "too_large"


def test_stickers_static_and_animated() -> None:
    policy = AttachmentPolicy()
    assert policy.refusal("image/webp", 100 * KB) is None
    assert policy.refusal("image/webp", 100 * KB + 1) is not None
    assert policy.refusal("image/webp", 500 * KB, animated=True) is None
    assert policy.refusal("image/webp", 500 * KB + 1, animated=True) is not None


def test_admins_narrow_but_never_widen() -> None:
    policy = AttachmentPolicy.configured(["image/png"], {"image": 50 * MB}, 100 * MB)
    assert policy.limit_for("image/png") == 5 * MB  # WhatsApp's own limit stays
    refusal = policy.refusal("image/jpeg", 10)
    assert refusal is not None and refusal.code == "unsupported_type"
    lower = AttachmentPolicy.configured(["application/pdf"], {"document": 1000}, 100 * MB)
    assert lower.refusal("application/pdf", 1001) is not None
    capped = AttachmentPolicy.configured(["application/pdf"], {}, 2 * MB)
    assert capped.limit_for("application/pdf") == 2 * MB
    with pytest.raises(ValueError, match="text/html"):
        AttachmentPolicy.configured(["text/html"], {}, MB)
    with pytest.raises(ValueError, match="gif"):
        AttachmentPolicy.configured([], {"gif": 1}, MB)


def test_empty_files_are_refused() -> None:
    refusal = AttachmentPolicy().refusal("application/pdf", 0)
    assert refusal is not None and refusal.code == "empty_file"


@pytest.mark.parametrize(
    ("given", "mime", "expected"),
    [
        ("invoice.pdf", "application/pdf", "invoice.pdf"),
        ("invoice.pdf", "image/png", "invoice.png"),
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\x\\photo.JPG", "image/jpeg", "photo.JPG"),
        ("evil\x00name\r\n.jpg", "image/jpeg", "evil_name_.jpg"),
        ("", "image/jpeg", "file.jpg"),
        (None, "audio/ogg", "file.ogg"),
        ("...", "application/pdf", "file.pdf"),
        ("relatório.docx", "application/msword", "relatório.doc"),
        ("page.html", "text/html", "page.html"),
        # Content decides, even for types outside WhatsApp's list: the name never lies.
        ("photo_html.jpg", "text/html", "photo_html.html"),
        ("Fatura.pdf", "application/octet-stream", "Fatura.bin"),
        ("setup.exe", "application/x-dosexec", "setup.exe"),
        ("data.dat", "application/octet-stream", "data.dat"),
        # Bidi and other format characters go: U+202E would show "evilgnp.pdf" as "evilfdp.png".
        ("evil\u202egnp.pdf", "application/pdf", "evilgnp.pdf"),
        ("Fatura\u202efdp.exe", "application/pdf", "Faturafdp.pdf"),
        ("a\u202ab\u2066c\u2069\u200e\u200f\u061cd\ufeff\u2028.txt", "text/plain", "abcd.txt"),
        # Not yet known (a contact's file before it is fetched): the extension waits.
        ("Fatura\u202efdp.exe", None, "Faturafdp.exe"),
    ],
)
def test_safe_filenames(given: str | None, mime: str | None, expected: str) -> None:
    assert safe_filename(given, mime) == expected


def test_unsupported_types_are_named_in_words() -> None:
    refusal = AttachmentPolicy().refusal("application/octet-stream", 10, name="prog.exe")
    assert refusal is not None
    assert refusal.message == (
        "prog.exe can’t be sent: programs and unknown file types are not allowed."
    )
    html = AttachmentPolicy().refusal("text/html", 10, name="page.htm")
    assert html is not None and html.message == (
        "page.htm can’t be sent: web pages (HTML) are not allowed."
    )
    narrowed = AttachmentPolicy.configured(["application/pdf"], {}, MB)
    refused = narrowed.refusal("image/png", 10)
    assert refused is not None and refused.message == (
        "This file can’t be sent: PNG files are not allowed."
    )


def test_a_txt_of_other_text_is_plain_text() -> None:
    assert as_plain_text("text/html", "crash.log") == "text/plain"
    assert as_plain_text("text/x-c", "notes.TXT") == "text/plain"
    assert as_plain_text("text/html", "page.html") == "text/html"
    assert as_plain_text("text/html", None) == "text/html"
    assert as_plain_text("application/octet-stream", "notes.txt") == "application/octet-stream"


def test_a_contacts_file_is_the_kind_its_content_is() -> None:
    assert content_kind("image", "image/jpeg") == "image"
    assert content_kind("sticker", "image/webp") == "sticker"
    assert content_kind("image", "text/html") == "document"
    assert content_kind("document", "image/png") == "image"
    assert content_kind("video", "application/octet-stream") == "document"
    assert content_kind("audio", "audio/ogg") == "audio"


def test_long_names_keep_their_extension() -> None:
    name = safe_filename("a" * 500 + ".pdf", "application/pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_content_disposition_is_rfc_6266() -> None:
    assert content_disposition("a.pdf", download=True) == 'attachment; filename="a.pdf"'
    header = content_disposition("Olá 😀.pdf", download=False)
    assert header == ("inline; filename=\"Ola .pdf\"; filename*=UTF-8''Ol%C3%A1%20%F0%9F%98%80.pdf")
    quoted = content_disposition('x";y.pdf', download=True)
    assert quoted.startswith('attachment; filename="x__y.pdf"')
    chinese = content_disposition("合同.pdf", download=True)
    assert chinese == "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf"
    assert content_disposition("😀", download=True).startswith('attachment; filename="file";')


def test_only_safe_types_are_inline() -> None:
    assert serve_inline("image/png") and serve_inline("application/pdf")
    assert serve_inline("audio/ogg") and serve_inline("video/mp4")
    for mime in ("text/html", "image/svg+xml", "application/octet-stream", "application/msword"):
        assert not serve_inline(mime)
    assert not serve_inline("audio/x-unknown-thing")


def test_webp_animation_flag_and_voice_notes() -> None:
    head = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x02" + b"\0" * 10
    assert webp_is_animated(head)
    assert not webp_is_animated(b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 20)
    assert voice_note("audio/ogg; codecs=opus", True)
    assert not voice_note("audio/mpeg", True)


def test_too_large_says_the_limit_in_words() -> None:
    assert too_large_message("image/jpeg", 5 * MB) == (
        "This photo is over 5 MB; a photo can be at most 5 MB."
    )
    assert too_large_message("video/mp4", 16 * MB, 20 * MB) == (
        "This video is 20 MB; a video can be at most 16 MB."
    )
    assert AttachmentPolicy().refusal("image/webp", 100 * KB + 1) == Refusal(
        "too_large", "This sticker is over 100 KB; a sticker can be at most 100 KB."
    )


def test_sizes_read_as_people_say_them() -> None:
    assert format_size(5 * MB) == "5 MB"
    assert format_size(1536) == "1.5 KB"
    assert format_size(10) == "10 bytes"
