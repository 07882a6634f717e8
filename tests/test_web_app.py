"""The web application without a browser: options, access token, uploads, migrations."""
from __future__ import annotations

import sqlite3
import time

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install -e '.[test]')")
pytest.importorskip("httpx", reason="starlette's test client needs httpx")

from starlette.testclient import TestClient  # noqa: E402

from reviewer.web.app import create_app, display_name  # noqa: E402
from reviewer.web.db import MIGRATIONS, Database  # noqa: E402
from reviewer.web.server import ServeConfig, is_loopback  # noqa: E402

from .conftest import SAMPLE_TXTS  # noqa: E402


def config(tmp_path, **kw) -> ServeConfig:
    base = dict(host="127.0.0.1", port=0, data_dir=tmp_path / "data", token=None, max_upload_mb=1, allow="pdf,docx,txt")
    return ServeConfig.build(**(base | kw))


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.10", False),
                                            ("", False)])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("kw, message", [
    (dict(host="0.0.0.0"), "--token"),
    (dict(host="10.0.0.5", token="short"), "至少 8"),
    (dict(allow="pdf,exe"), "exe"),
    (dict(allow=""), "--allow"),
])
def test_bad_options_are_refused(tmp_path, kw, message):
    with pytest.raises(ValueError, match=message):
        config(tmp_path, **kw)


def test_non_loopback_with_a_token_is_accepted(tmp_path):
    cfg = config(tmp_path, host="0.0.0.0", token="a-long-enough-token", allow="PDF, .docx")
    assert cfg.allowed == ("pdf", "docx") and cfg.token == "a-long-enough-token"


def test_serve_refuses_non_loopback_without_token_on_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from reviewer.cli import app

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
                                env={"REVIEWER_TOKEN": ""})
    assert result.exit_code == 2 and "--token" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name, shown", [
    ("报告.docx", "报告.docx"), ("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\a\\自评.pdf", "自评.pdf"),
    ("a\x00b\n.txt", "ab.txt"), ("", "未命名"),
])
def test_display_name(name, shown):
    assert display_name(name) == shown


def test_token_guards_every_page(tmp_path):
    cfg = config(tmp_path, host="0.0.0.0", token="intranet-token-123")
    with TestClient(create_app(cfg), base_url="http://127.0.0.1") as client:
        page = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert client.get("/api/batch/x").status_code == 401
        assert client.post("/login", data={"token": "wrong"}).status_code == 401
        assert client.get("/history", headers={"Authorization": "Bearer intranet-token-123"}).status_code == 200
        ok = client.post("/login?next=/history", data={"token": "intranet-token-123"}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/history"
        assert client.get("/history").status_code == 200  # the session cookie now
        evil = client.post("/login?next=//evil.example", data={"token": "intranet-token-123"}, follow_redirects=False)
        assert evil.headers["location"] == "/"


def upload_and_wait(client, name: str, data: bytes, media_type: str) -> list[dict]:
    """Upload one file and wait for its review to finish; the batch's rows."""
    response = client.post("/upload", files=[("files", (name, data, media_type))], follow_redirects=False)
    assert response.status_code == 303
    batch = response.headers["location"].split("/")[-1]
    for _ in range(200):
        rows = client.get(f"/api/batch/{batch}").json()
        if rows[0]["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    return rows


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("suffix, data, accepted", [
    ("doc", OLE + b"\x00" * 64, True), ("doc", b"PK\x03\x04 a renamed zip", False),
    ("wps", OLE + b"\x00" * 64, True), ("xls", b"%PDF-1.4", False),
    ("rtf", b"{\\rtf1\\ansi text}", True), ("rtf", b"plain text", False),
    ("md", "# 自评报告\n".encode(), True), ("html", b"<html>\x00</html>", False),
    ("xlsx", b"not a zip", False),
])
def test_legacy_and_other_formats_are_sniffed(suffix, data, accepted):
    from reviewer.web.app import UploadRejected, sniff

    if accepted:
        sniff(data, suffix)
    else:
        with pytest.raises(UploadRejected):
            sniff(data, suffix)


def test_markdown_upload_when_allowed(tmp_path):
    cfg = config(tmp_path, allow="pdf,docx,txt,md")
    assert "md" in cfg.allowed
    with TestClient(create_app(cfg), base_url="http://127.0.0.1") as client:
        rows = upload_and_wait(client, "自评报告.md", SAMPLE_TXTS[1].read_bytes(), "text/markdown")
        assert rows[0]["status"] == "done" and rows[0]["name"] == "自评报告.md"


def test_upload_review_and_downloads(tmp_path):
    cfg = config(tmp_path)
    with TestClient(create_app(cfg), base_url="http://127.0.0.1") as client:
        sample = SAMPLE_TXTS[1]
        rows = upload_and_wait(client, "../x/" + sample.name, sample.read_bytes(), "text/plain")
        assert rows[0]["status"] == "done" and rows[0]["name"] == sample.name
        page = client.get(f"/reviews/{rows[0]['id']}").text
        assert 'data-fp="' in page and "不采纳此条" in page and 'id="dl-xlsx"' in page
        for kind in ("docx", "list-docx", "xlsx", "md"):
            got = client.get(f"/reviews/{rows[0]['id']}/download/{kind}")
            assert got.status_code == 200 and got.content and "filename*=UTF-8''" in got.headers["content-disposition"]
        assert client.get(f"/reviews/{rows[0]['id']}/download/exe").status_code == 404
        assert client.post(f"/api/reviews/{rows[0]['id']}/dismiss", json={"fingerprint": "nope", "reason": "x"}
                           ).status_code == 404
        assert client.post(f"/api/reviews/{rows[0]['id']}/dismiss", json={"fingerprint": "nope"}).status_code == 400


def test_migrations_upgrade_an_old_database(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO uploads VALUES ('u', 'a.txt', 'txt', 1, 'x', '2024-01-01')")
    conn.commit()
    conn.close()
    db = Database(path)
    assert db.version == len(MIGRATIONS)
    assert db.one("SELECT original_name FROM uploads")["original_name"] == "a.txt"
    db.set_setting("auditor", "张三")
    assert db.setting("auditor") == "张三"
    db.close()
    assert Database(path).version == len(MIGRATIONS)  # a second start changes nothing


def test_upload_limit_counts_a_body_without_a_length():
    """A chunked body has no Content-Length: the limit is enforced while it is read."""
    import asyncio

    from reviewer.web.app import LimitUploads

    async def app(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def call(chunks: list[bytes]) -> int:
        messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
        sent = []

        async def receive():
            return messages.pop(0)

        async def send(message):
            sent.append(message)

        await LimitUploads(app, limit=100)({"type": "http", "method": "POST", "headers": []}, receive, send)
        return sent[0]["status"]

    assert asyncio.run(call([b"x" * 60, b"x" * 30])) == 200
    assert asyncio.run(call([b"x" * 60, b"x" * 60])) == 413
