"""`reviewer serve` end to end in headless Chromium, driven by selenium: upload a sample,
see its highlights, dismiss a finding, download every file and open each one (Word with
LibreOffice, Excel with openpyxl), and see the dismissed finding stay hidden on a re-run.

The test starts the server itself (`python -m reviewer serve` on 127.0.0.1 with a free
port and a fresh data folder) and stops it at the end.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import SAMPLE_TXTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="chromium and chromium-driver are not installed (.ci/run installs the Debian packages)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("web-data")
    port = free_port()
    log = open(data / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(data / "store"), "--no-llm", "--audit-unit", "某县财政局绩效科",
                             "--max-upload-mb", "2"],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((data / "server.log").read_text())
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield base, data / "store"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
                f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(60)
    try:
        yield driver, downloads
    finally:
        driver.quit()


def wait_for(condition, timeout: float = 120.0, step: float = 0.25):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def upload(driver, base: str, path: Path) -> str:
    """Upload one file through the form; returns the review page's URL once it shows."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    driver.find_element(By.ID, "files").send_keys(str(path))
    driver.find_element(By.ID, "submit").click()
    wait_for(lambda: "/reviews/" in driver.current_url
             and driver.execute_script("return document.body.dataset.ready === 'true'"))
    return driver.current_url


def downloaded(folder: Path, suffix: str, before: set[str]) -> Path:
    def done():
        new = [p for p in folder.iterdir() if p.name not in before and p.name.endswith(suffix)]
        return new[0] if new and not any(p.name.endswith(".crdownload") for p in folder.iterdir()) else None

    return wait_for(done, timeout=60)


def test_upload_highlight_dismiss_download(server, browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    base, store = server
    driver, downloads = browser
    sample = SAMPLE_TXTS[0]
    url = upload(driver, base, sample)

    # Highlights: every listed finding with a quote is anchored in the text.
    items = driver.find_elements(By.CSS_SELECTOR, "#findings li[data-id]")
    assert items, "no findings listed"
    anchored = [li for li in items if li.get_attribute("data-anchored") == "yes"]
    assert anchored and driver.find_elements(By.CSS_SELECTOR, "mark.hl[data-finding]")
    marks = {m.get_attribute("data-finding") for m in driver.find_elements(By.CSS_SELECTOR, "mark.hl[data-finding]")}
    assert {li.get_attribute("data-id") for li in anchored} == marks
    # Filterable: unticking a severity hides its items.
    severity = items[0].get_attribute("data-severity")
    box = driver.find_element(By.CSS_SELECTOR, f'#filters input[data-dim="severity"][value="{severity}"]')
    box.click()
    assert items[0].get_attribute("hidden") is not None
    box.click()
    assert items[0].get_attribute("hidden") is None

    # Dismiss the first finding with a reason.
    target = items[0]
    title = target.find_element(By.CSS_SELECTOR, ".title").text
    target.find_element(By.CSS_SELECTOR, "button.dismiss").click()
    target.find_element(By.CSS_SELECTOR, ".dismiss-form textarea").send_keys("原文无误，不采纳")
    target.find_element(By.CSS_SELECTOR, "button.dismiss-confirm").click()
    wait_for(lambda: target.get_attribute("data-dismissed") == "yes", timeout=20)
    assert driver.find_element(By.ID, "dismissed-count").get_attribute("data-count") == "1"
    driver.get(url)
    wait_for(lambda: driver.execute_script("return document.body.dataset.ready === 'true'"))
    titles = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#findings li[data-id] .title")]
    assert len(titles) == len(items) - 1
    assert driver.find_element(By.ID, "dismissed-count").get_attribute("data-count") == "1"

    # Every download, opened by the program a recipient would use.
    files = {}
    for kind, suffix in (("docx", "批注.docx"), ("list-docx", "审核意见表.docx"), ("xlsx", "审核意见表.xlsx"),
                         ("md", "审核意见表.md")):
        before = {p.name for p in downloads.iterdir()}
        driver.find_element(By.ID, f"dl-{kind}").click()
        files[kind] = downloaded(downloads, suffix, before)
    assert all(p.name.startswith(sample.stem) for p in files.values())

    wb = load_workbook(files["xlsx"])
    ws = wb["审核意见表"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "某县财政局绩效科" in text and "总体结论" in text
    assert title not in text  # the dismissed finding is not on the list
    markdown = files["md"].read_text(encoding="utf-8")
    assert "| 序号 | 严重程度 |" in markdown and title not in markdown

    if SOFFICE:
        out = tmp_path / "pdf"
        cmd = [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out), str(files["docx"]), str(files["list-docx"])]
        subprocess.run(cmd, capture_output=True, timeout=240)
        for word in (files["docx"], files["list-docx"]):
            pdf = out / (word.stem + ".pdf")
            assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", word.name

    # A second upload of the same report: the dismissed finding stays hidden.
    upload(driver, base, sample)
    again = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#findings li[data-id] .title")]
    assert len(again) == len(items) - 1
    assert driver.find_element(By.ID, "dismissed-count").get_attribute("data-count") == "1"

    # History by unit and year lists both reviews; uploads are stored under generated names.
    driver.get(base + "/history")
    groups = driver.find_elements(By.CSS_SELECTOR, ".history-group")
    assert groups and sample.name in groups[0].text
    stored = list((store / "uploads").iterdir())
    assert stored and all(p.stem.isalnum() and len(p.stem) == 32 for p in stored)


def test_compare_page_shows_fixed_findings(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    driver, _ = browser
    sample = SAMPLE_TXTS[3]
    corrected = Path(__file__).parent / "fixtures" / "corrected" / sample.name
    upload(driver, base, sample)
    url = upload(driver, base, corrected)
    driver.find_element(By.CSS_SELECTOR, "#compare button").click()
    wait_for(lambda: "/compare/" in driver.current_url
             and driver.execute_script("return document.body.dataset.ready === 'true'"))
    summary = driver.find_element(By.ID, "compare-summary").text
    assert "新增 0 项" in summary
    fixed = driver.find_elements(By.CSS_SELECTOR, "#fixed li[data-status=fixed]")
    assert fixed and f"已整改 {len(fixed)} 项" in summary
    assert all(li.get_attribute("data-status") == "open"
               for li in driver.find_elements(By.CSS_SELECTOR, "#findings li[data-id]"))
    assert url.startswith(base)


def test_oversized_and_renamed_uploads_are_refused(server, tmp_path):
    base, _ = server
    import uuid

    def post(name: str, data: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(base + "/upload", data=body, method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    assert post("report.pdf", b"this is not a pdf") == 400
    assert post("../../evil.sh", b"#!/bin/sh") == 400
    # Too large: refused on the announced length, before any of the body is read.
    host, port = base.rsplit("/", 1)[-1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                     f"Content-Length: {3 * 1024 * 1024}\r\n\r\n".encode())
        reply = sock.recv(4096).decode("utf-8", "replace")
    assert reply.startswith("HTTP/1.1 413"), reply
