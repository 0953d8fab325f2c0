"""Files both ways in the desktop: attach, check, upload and send; receive, preview, play, save."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, expect

from parley.settings import Settings
from parley.whatsapp.signature import sign
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, Desk, desk, go_ready, open_chat, transcript
from tests.media import files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_ERROR_CASE = Path(__file__).parents[1] / "fixtures/realworld/inbound-media-error-hidden.json"


async def phone_sends_file(d: Desk, kind: str, data: bytes, mime: str, **extra: Any) -> None:
    async with httpx.AsyncClient(base_url=d.phone) as client:
        media = await client.post(
            "/_sim/media", files={"file": ("f", data, mime)}, data={"type": mime}
        )
        media.raise_for_status()
    await d.customer_says(ANA, {"type": kind, kind: {"id": media.json()["id"], **extra}})


async def test_send_an_image_and_a_pdf_and_receive_voice_video_docx(
    settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    photo, pdf = tmp_path / "caixa.jpg", tmp_path / "Fatura março.pdf"
    photo.write_bytes(files.image(size=(640, 420)))
    pdf.write_bytes(files.pdf())
    too_big = tmp_path / "huge.jpg"
    too_big.write_bytes(files.padded(files.image(), 5 * 1024 * 1024 + 1))
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Can you send the invoice?"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")
        chat = transcript(page)

        # a file over WhatsApp's image limit is refused before any upload
        async with page.expect_file_chooser() as chooser:
            await page.get_by_role("button", name="Attach file").click()
        await (await chooser.value).set_files(str(too_big))
        await expect(page.get_by_role("alert")).to_contain_text(
            "huge.jpg is over 5 MB; a photo can be at most 5 MB"
        )
        chips = page.get_by_role("list", name="Files to send")
        await expect(chips.get_by_role("listitem")).to_have_count(0)

        # an image and a PDF: chips, then one Send
        async with page.expect_file_chooser() as chooser:
            await page.get_by_role("button", name="Attach file").click()
        await (await chooser.value).set_files([str(photo), str(pdf)])
        await expect(chips.get_by_role("listitem")).to_have_count(2)
        await expect(chips.get_by_role("button", name="Remove Fatura março.pdf")).to_be_visible()
        await page.get_by_role("textbox", name="Message").fill("Here it is")
        await shot(page, "attachments-chips")
        await expect(page.get_by_role("button", name="Send")).to_be_enabled()
        await page.get_by_role("button", name="Send").click()
        await expect(chips.get_by_role("listitem")).to_have_count(0)
        await expect(chat.get_by_role("button", name="Open image caixa.jpg")).to_be_visible()
        await expect(chat.get_by_role("link", name="Open Fatura março.pdf")).to_be_visible()
        # the bubble shows the server's small preview, at its size before it has even loaded
        bubble_image = chat.get_by_role("img", name="caixa.jpg")
        await expect(bubble_image).to_have_attribute("src", re.compile(r"/thumbnail$"))
        await expect(bubble_image).to_have_attribute("width", "320")
        assert await bubble_image.evaluate("i => i.decode().then(() => i.naturalWidth)") == 320

        async def phone_types() -> list[str]:
            return [m["type"] for m in await d.phone_messages(ANA) if m["direction"] == "out"]

        for _ in range(100):
            if len(await phone_types()) == 3:
                break
            await page.wait_for_timeout(100)
        assert await phone_types() == ["text", "image", "document"]

        # the customer sends a voice note, a video and a DOCX
        await phone_sends_file(d, "audio", files.ogg_opus(), "audio/ogg; codecs=opus", voice=True)
        await phone_sends_file(d, "video", files.mp4(), "video/mp4", caption="the box")
        contract = files.office("word")
        await phone_sends_file(d, "document", contract, DOCX, filename="Contrato.docx")
        voice = chat.locator("audio[aria-label^='Voice message']")
        await expect(voice).to_be_visible()
        await expect(chat.get_by_text("Voice message", exact=True)).to_be_visible()
        video = chat.locator("video")
        await expect(video).to_be_visible()
        docx = chat.get_by_role("link", name="Open Contrato.docx")
        await expect(docx).to_be_visible()
        await expect(chat.get_by_text("Word document · ")).to_be_visible()

        # the players load and play the fetched files
        duration = await voice.evaluate(
            "a => new Promise(ok => a.readyState >= 1 ? ok(a.duration) : a.addEventListener('loadedmetadata', () => ok(a.duration)))"
        )
        assert 0.5 < duration < 2
        played = await video.evaluate(
            "v => { v.muted = true; return v.play().then(() => new Promise(ok => setTimeout(() => ok(v.currentTime), 400))) }"
        )
        assert played > 0
        await shot(page, "attachments-transcript")

        # Save as from the bubble, and from its context menu
        row = chat.get_by_role("listitem").filter(
            has=page.get_by_role("link", name="Open Contrato.docx")
        )
        async with page.expect_download() as saving:
            await row.get_by_role("link", name="Save as").click()
        download = await saving.value
        assert download.suggested_filename == "Contrato.docx"
        assert Path(await download.path()).read_bytes() == contract  # noqa: ASYNC240
        await docx.click(button="right")
        await expect(page.get_by_role("menu")).to_be_visible()
        async with page.expect_download() as saving:
            await page.get_by_role("menuitem", name="Save as").click()
        assert (await saving.value).suggested_filename == "Contrato.docx"

        # the image opens in a full view
        await chat.get_by_role("button", name="Open image caixa.jpg").click()
        viewer = page.get_by_role("dialog", name="caixa.jpg")
        await expect(viewer).to_be_visible()
        full = viewer.get_by_role("img", name="caixa.jpg")
        assert await full.evaluate("i => i.decode().then(() => i.naturalWidth)") == 640
        await shot(page, "attachments-viewer")
        await viewer.get_by_role("button", name="Close").click()
        await expect(viewer).to_be_hidden()

        await page.evaluate("() => { document.documentElement.dataset.theme = 'dark' }")
        await shot(page, "attachments-transcript-dark")


async def test_the_phone_page_sends_files_browsers_name_badly(
    settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    """An AMR (no browser type) and an M4A (audio/x-m4a) leave the phone as WhatsApp names
    them; the desktop offers the AMR as a download (no browser plays it) and plays the M4A."""
    amr, m4a = tmp_path / "recado.amr", tmp_path / "memo.m4a"
    amr.write_bytes(files.amr())
    m4a.write_bytes(files.m4a())
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Listen"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        phone = await new_page(browser, 1100, 800)
        await phone.goto(d.phone)
        await phone.get_by_label("Customer").select_option(ANA)
        for path in (amr, m4a):
            async with phone.expect_file_chooser() as chooser:
                await phone.get_by_role("button", name="Attach file").click()
            await (await chooser.value).set_files(str(path))
        sent = [m for m in await d.phone_messages(ANA) if m["direction"] == "in"]
        for _ in range(50):
            if len(sent) == 3:
                break
            await page.wait_for_timeout(100)
            sent = [m for m in await d.phone_messages(ANA) if m["direction"] == "in"]
        assert [m["type"] for m in sent] == ["text", "audio", "audio"]
        chat = transcript(page)
        await expect(chat.get_by_role("link", name="Open audio.amr")).to_be_visible()
        await expect(chat.locator("audio[aria-label='Audio audio.m4a']")).to_be_visible()
        await shot(page, "attachments-amr-and-m4a")
        await shot(phone, "phone-audio-files")


async def test_a_photo_without_a_preview_shows_as_a_file(
    settings: Settings, browser: Browser
) -> None:
    """A contact's photo Pillow cannot read has no preview, and one whose preview does not load
    falls back the same way: a card to open or save, never a broken picture."""
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Two photos"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        photo, unreadable = files.photo((900, 600)), files.image(size=(400, 300))[:500]
        await phone_sends_file(d, "image", photo, "image/jpeg", caption="ok")
        chat = transcript(page)
        await expect(chat.get_by_role("img", name="photo.jpg")).to_be_visible()
        await phone_sends_file(d, "image", unreadable, "image/jpeg")
        card = chat.get_by_role("link", name="Open photo.jpg")
        await expect(card).to_have_count(1)
        await expect(chat.get_by_text("Photo · 500 bytes")).to_be_visible()
        await expect(chat.get_by_role("img", name="photo.jpg")).to_have_count(1)
        # WhatsApp's own "media download failed" (the shape of a real webhook): said, not hidden
        case = json.loads(MEDIA_ERROR_CASE.read_text())
        value = case["entry"][0]["changes"][0]["value"]
        value["contacts"][0]["wa_id"] = value["messages"][0]["from"] = ANA  # Ana's chat
        value["contacts"][0]["profile"]["name"] = "Ana Souza"
        value["messages"][0]["timestamp"] = str(int(time.time()))
        body = json.dumps(case).encode()
        async with httpx.AsyncClient(base_url=d.url) as client:
            answer = await client.post(
                "/webhooks/whatsapp",
                content=body,
                headers={"X-Hub-Signature-256": sign(body, d.settings.whatsapp_app_secret)},
            )
            assert answer.status_code == 200
        note = chat.get_by_role("note").filter(has_text="Photo could not be fetched")
        await expect(note).to_contain_text("ServerThrottle")
        await expect(note).to_contain_text("Ask the contact to send it again.")
        await expect(chat.get_by_text("WhatsApp could not receive this photo")).to_have_count(0)
        await shot(page, "attachments-preview-and-unreadable")
        await page.evaluate("() => { document.documentElement.dataset.theme = 'dark' }")
        await shot(page, "attachments-preview-and-unreadable-dark")

        # the first photo's preview goes missing from storage: in a fresh browser (nothing
        # cached) it shows as a file too
        stored = [path for path in settings.attachments_dir.rglob("*") if path.is_file()]
        previews = [path for path in stored if path.read_bytes() not in (photo, unreadable)]
        assert len(previews) == 1
        previews[0].unlink()
        page = await new_page(browser)
        await go_ready(page, d.url)
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await expect(chat.get_by_role("link", name="Open photo.jpg")).to_have_count(2)
        await expect(chat.get_by_role("img", name="photo.jpg")).to_have_count(0)
        await shot(page, "attachments-no-preview")
        await page.evaluate("() => { document.documentElement.dataset.theme = 'dark' }")
        await shot(page, "attachments-no-preview-dark")


async def test_every_refusal_stays_listed_and_a_lying_file_shows_as_what_it_is(
    settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    """Several files picked at once: the browser's refusals and the server's all stay, each
    naming its file, until the agent dismisses them. A contact's file whose name and declared
    type lie shows the server's type (no PDF badge on a program). The phone refuses a video
    over WhatsApp's 16 MB as WhatsApp does."""
    prog, big = tmp_path / "prog.exe", tmp_path / "over5mb.png"
    prog.write_bytes(b"MZ" + b"\0" * 200)
    big.write_bytes(files.padded(files.image("PNG"), 5 * 1024 * 1024 + 1))
    page_html, good = tmp_path / "invoice.pdf", tmp_path / "ok.pdf"
    page_html.write_bytes(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
    good.write_bytes(files.pdf())
    video = tmp_path / "party.mp4"
    video.write_bytes(files.padded(files.mp4(), 16 * 1024 * 1024 + 1))
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Files"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        async with page.expect_file_chooser() as chooser:
            await page.get_by_role("button", name="Attach file").click()
        await (await chooser.value).set_files([str(prog), str(big), str(page_html), str(good)])
        refusals = page.get_by_role("list", name="Files not attached")
        await expect(refusals.get_by_role("listitem")).to_have_count(3)
        await expect(refusals).to_contain_text("prog.exe can’t be sent")
        await expect(refusals).to_contain_text("over5mb.png is over 5 MB")
        await expect(refusals).to_contain_text(
            "invoice.pdf can’t be sent: web pages (HTML) are not allowed."
        )
        chips = page.get_by_role("list", name="Files to send")
        await expect(chips.get_by_role("button", name="Remove ok.pdf")).to_be_visible()
        await page.wait_for_timeout(1500)  # nothing replaces them a moment later
        await expect(refusals.get_by_role("listitem")).to_have_count(3)
        await shot(page, "attachments-refusals")
        await page.evaluate("() => { document.documentElement.dataset.theme = 'dark' }")
        await shot(page, "attachments-refusals-dark")
        await page.get_by_role("button", name="Dismiss all").click()
        await expect(refusals).to_have_count(0)

        exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64
        await phone_sends_file(
            d, "document", exe, "application/pdf", filename="Fatura\u202efdp.exe"
        )
        chat = transcript(page)
        card = chat.get_by_role("link", name=re.compile(r"^Open Faturafdp\."))
        await expect(card).to_be_visible()
        await expect(card).not_to_contain_text("PDF")
        await expect(card).to_contain_text("Program")  # libmagic: application/x-dosexec
        await phone_sends_file(d, "image", page_html.read_bytes(), "image/jpeg")
        html_card = chat.get_by_role("link", name="Open photo.html")
        await expect(html_card).to_contain_text("Web page (HTML)")
        await shot(page, "attachments-lying-files-dark")

        phone = await new_page(browser, 1100, 800)
        await phone.goto(d.phone)
        await phone.get_by_label("Customer").select_option(ANA)
        async with phone.expect_file_chooser() as chooser:
            await phone.get_by_role("button", name="Attach file").click()
        await (await chooser.value).set_files(str(video))
        await expect(phone.get_by_text("a video can be at most 16 MB")).to_be_visible()
        await shot(phone, "phone-video-too-large")
