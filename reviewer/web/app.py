"""The web application: upload reports, follow the progress, read the annotated review,
dismiss findings, download the Word/Excel/Markdown comment lists, compare resubmissions
and browse the history by unit and year.

Uploads are stored under generated names (the name the user gave is only ever shown, never
used as a path); reviews run one after another in a worker thread; everything is kept in
one SQLite database under the data folder (reviewer/web/db.py).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import uuid
import zipfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..models import KIND_LABELS, Review
from . import pages
from .db import Database
from .server import ServeConfig

log = logging.getLogger("reviewer.web")

COOKIE = "reviewer_session"
DOWNLOADS = {  # kind -> (output format, file name suffix, media type)
    "docx": ("docx", "批注.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "审核意见表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "list-docx": ("docx-list", "审核意见表.docx",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "md": ("markdown", "审核意见表.md", "text/markdown; charset=utf-8"),
}
STAGES = {"queued": "排队等候", "reading": "正在读取文件", "reviewing": "正在审核", "done": "完成", "failed": "失败"}


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------
# Uploads


class UploadRejected(Exception):
    pass


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, suffix: str) -> None:
    """The content must be what the suffix says (a renamed file is refused)."""
    if not data:
        raise UploadRejected("文件是空的")
    if suffix == "pdf" and not data[:1024].lstrip().startswith(b"%PDF"):
        raise UploadRejected("不是有效的 PDF 文件")
    if suffix == "docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" not in z.namelist():
                    raise UploadRejected("不是有效的 Word（DOCX）文件")
        except zipfile.BadZipFile:
            raise UploadRejected("不是有效的 Word（DOCX）文件")
    if suffix == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "xl/workbook.xml" not in z.namelist():
                    raise UploadRejected("不是有效的 Excel（XLSX）文件")
        except zipfile.BadZipFile:
            raise UploadRejected("不是有效的 Excel（XLSX）文件")
    # .doc, .wps and .xls are OLE compound files.
    if suffix in ("doc", "wps", "xls") and not data.startswith(OLE_MAGIC):
        raise UploadRejected(f"不是有效的 {suffix.upper()} 文件")
    if suffix == "rtf" and not data[:64].lstrip().startswith(b"{\\rtf"):
        raise UploadRejected("不是有效的 RTF 文件")
    if suffix in ("txt", "md", "html", "htm") and b"\x00" in data[:4096]:
        raise UploadRejected("不是文本文件")


def display_name(name: str) -> str:
    """The name as shown: its last path part, without control characters, at most 120 long."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "未命名"
    return name[-120:]


class LimitUploads:
    """ASGI middleware: a request body larger than the limit is refused with 413, whether
    or not it says its length up front."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await _too_large(self.limit, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(self.limit, send)


class _TooLarge(Exception):
    pass


async def _too_large(limit: int, send) -> None:
    body = f"上传内容超过大小上限（{limit / 1024 / 1024:.0f} MB）".encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RequireToken:
    """ASGI middleware: with an access token set, every request needs the session cookie
    (set by /login), or `Authorization: Bearer <token>`."""

    OPEN = ("/login", "/static/")

    def __init__(self, app, config: ServeConfig):
        self.app, self.config = app, config

    def session_value(self) -> str:
        return hmac.new(self.config.secret.encode(), self.config.token.encode(), hashlib.sha256).hexdigest()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.config.token or scope["path"].startswith(self.OPEN):
            return await self.app(scope, receive, send)
        request = Request(scope)
        bearer = request.headers.get("authorization", "")
        ok = hmac.compare_digest(request.cookies.get(COOKIE, ""), self.session_value()) or (
            bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].strip(), self.config.token))
        if ok:
            return await self.app(scope, receive, send)
        if scope["method"] == "GET" and "text/html" in request.headers.get("accept", ""):
            response: Response = RedirectResponse(f"/login?next={quote(scope['path'])}", status_code=303)
        else:
            response = PlainTextResponse("需要访问口令（unauthorized）", status_code=401)
        await response(scope, receive, send)


# ---------------------------------------------------------------------------
# The application


class ReviewService:
    """Stores uploads, runs reviews in a worker thread, reads them back with decisions."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.root = Path(config.data_dir)
        self.uploads = self.root / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.root / "reviewer.sqlite3")
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="review")
        self._docs: OrderedDict[str, object] = OrderedDict()
        self._docs_lock = threading.Lock()
        # Reviews a previous run left unfinished are queued again.
        for row in self.db.all("SELECT id FROM reviews WHERE status IN ('queued', 'running')"):
            self.pool.submit(self._run, row["id"])

    def stored_path(self, upload) -> Path:
        return self.uploads / f"{upload['id']}.{upload['suffix']}"

    def add_upload(self, name: str, data: bytes, batch_id: str) -> str:
        shown = display_name(name)
        suffix = Path(shown).suffix.lower().lstrip(".")
        if suffix not in self.config.allowed:
            raise UploadRejected(f"不支持的文件类型（允许：{'、'.join(self.config.allowed)}）")
        sniff(data, suffix)
        upload_id, review_id = uuid.uuid4().hex, uuid.uuid4().hex
        path = self.uploads / f"{upload_id}.{suffix}"  # never the user's name
        path.write_bytes(data)
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO uploads(id, original_name, suffix, size, sha256, created_at) VALUES(?,?,?,?,?,?)",
                         (upload_id, shown, suffix, len(data), hashlib.sha256(data).hexdigest(), now()))
            conn.execute("INSERT INTO reviews(id, upload_id, batch_id, status, stage, created_at) VALUES(?,?,?,?,?,?)",
                         (review_id, upload_id, batch_id, "queued", "queued", now()))
        self.pool.submit(self._run, review_id)
        return review_id

    def _stage(self, review_id: str, stage: str) -> None:
        self.db.run("UPDATE reviews SET status = 'running', stage = ? WHERE id = ?", stage, review_id)

    def _run(self, review_id: str) -> None:
        from ..errors import InputError
        from ..ingest import load
        from ..options import ReviewOptions
        from ..pipeline import review_document

        row = self.upload_of(review_id)
        try:
            self._stage(review_id, "reading")
            doc = load(self.stored_path(row))
            self._stage(review_id, "reviewing")
            review = review_document(doc, ReviewOptions(llm=self.config.llm))
            review.document.path = row["original_name"]
            self._remember(review_id, doc)
            d = review.document
            self.db.run("UPDATE reviews SET status='done', stage='done', unit=?, year=?, kind=?, errors=?, warnings=?, "
                        "infos=?, review_json=?, finished_at=? WHERE id=?", d.unit, d.year, d.kind,
                        review.summary.errors, review.summary.warnings, review.summary.infos,
                        review.model_dump_json(), now(), review_id)
        except InputError as e:
            self.db.run("UPDATE reviews SET status='failed', stage='failed', error=?, finished_at=? WHERE id=?",
                        e.one_line(), now(), review_id)
        except Exception as e:  # one odd file never stops the worker
            log.exception("review %s failed", review_id)
            self.db.run("UPDATE reviews SET status='failed', stage='failed', error=?, finished_at=? WHERE id=?",
                        f"审核出错：{type(e).__name__}: {e}", now(), review_id)

    def _remember(self, review_id: str, doc) -> None:
        with self._docs_lock:
            self._docs[review_id] = doc
            self._docs.move_to_end(review_id)
            while len(self._docs) > 8:
                self._docs.popitem(last=False)

    def upload_of(self, review_id: str):
        return self.db.one("SELECT u.* FROM uploads u JOIN reviews r ON r.upload_id = u.id WHERE r.id = ?", review_id)

    def row(self, review_id: str):
        return self.db.one("SELECT r.*, u.original_name, u.suffix FROM reviews r JOIN uploads u ON u.id = r.upload_id "
                           "WHERE r.id = ?", review_id)

    def document(self, review_id: str):
        with self._docs_lock:
            doc = self._docs.get(review_id)
        if doc is None:
            from ..ingest import load

            doc = load(self.stored_path(self.upload_of(review_id)))
            self._remember(review_id, doc)
        return doc

    def decisions(self):
        from ..decisions import Decision

        return [Decision(fingerprint=r["fingerprint"], rule=r["rule"], title=r["title"], quote=r["quote"],
                         unit=r["unit"], by=r["who"], at=r["created_at"], reason=r["reason"])
                for r in self.db.all("SELECT * FROM decisions ORDER BY id")]

    def review(self, review_id: str) -> Review | None:
        """The stored review with the current decisions applied."""
        from ..decisions import apply_decisions

        row = self.row(review_id)
        if row is None or row["status"] != "done":
            return None
        return apply_decisions(Review.model_validate_json(row["review_json"]), self.decisions())

    def dismiss(self, review_id: str, fingerprint: str, reason: str, who: str) -> dict:
        """Record a dismissal; the finding is named by fingerprint, which (unlike its number)
        does not change when other findings of the page are dismissed."""
        from ..decisions import decision_for
        from ..fingerprint import fingerprints

        review = self.review(review_id)
        if review is None:
            raise KeyError(review_id)
        by_fp = {fp: f for f, fp in zip(review.findings, fingerprints(review.findings))}
        if fingerprint not in by_fp:
            raise KeyError(fingerprint)
        d = decision_for(by_fp[fingerprint], fingerprint, review, by=who, reason=reason)
        self.db.run("INSERT INTO decisions(fingerprint, unit, rule, title, quote, reason, who, created_at, review_id) "
                    "VALUES(?,?,?,?,?,?,?,?,?)", d.fingerprint, d.unit, d.rule, d.title, d.quote, d.reason, d.by,
                    d.at, review_id)
        after = self.review(review_id)
        return {"dismissed": after.summary.dismissed or 0, "errors": after.summary.errors,
                "warnings": after.summary.warnings, "infos": after.summary.infos}

    def list_options(self):
        from ..commentlist import ListOptions

        return ListOptions(audit_unit=self.db.setting("audit_unit", self.config.audit_unit),
                           auditor=self.db.setting("auditor"))


def _attachment(data: bytes | str, name: str, media_type: str) -> Response:
    body = data.encode("utf-8") if isinstance(data, str) else data
    ascii_name = "review" + Path(name).suffix
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


def create_app(config: ServeConfig) -> Starlette:
    service = ReviewService(config)

    async def index(request: Request) -> Response:
        rows = service.db.all("SELECT r.*, u.original_name FROM reviews r JOIN uploads u ON u.id = r.upload_id "
                              "ORDER BY r.created_at DESC LIMIT 15")
        return HTMLResponse(pages.index(config, rows, service.list_options(), request.query_params.get("error", "")))

    async def upload(request: Request) -> Response:
        async with request.form(max_files=50, max_fields=20) as form:
            files = [f for f in form.getlist("files") if hasattr(f, "read")]
            if not files:
                return HTMLResponse(pages.message("没有选择文件", "请先选择要审核的报告文件。"), status_code=400)
            batch_id = uuid.uuid4().hex
            problems = []
            for f in files:
                data = await f.read()
                try:
                    service.add_upload(f.filename or "", data, batch_id)
                except UploadRejected as e:
                    problems.append(f"{display_name(f.filename or '')}：{e}")
        if problems and not service.db.one("SELECT 1 FROM reviews WHERE batch_id = ?", batch_id):
            return HTMLResponse(pages.message("无法审核", "；".join(problems)), status_code=400)
        target = f"/batch/{batch_id}" + (f"?rejected={quote('；'.join(problems))}" if problems else "")
        return RedirectResponse(target, status_code=303)

    def batch_rows(batch_id: str):
        return service.db.all("SELECT r.id, r.batch_id, r.status, r.stage, r.error, r.unit, r.year, u.original_name "
                              "FROM reviews r JOIN uploads u ON u.id = r.upload_id WHERE r.batch_id = ? "
                              "ORDER BY r.created_at, u.original_name", batch_id)

    async def batch_page(request: Request) -> Response:
        rows = batch_rows(request.path_params["batch_id"])
        if not rows:
            return HTMLResponse(pages.message("没有这批文件", "链接可能已失效。"), status_code=404)
        return HTMLResponse(pages.batch(rows, request.query_params.get("rejected", "")))

    async def batch_status(request: Request) -> Response:
        rows = batch_rows(request.path_params["batch_id"])
        return JSONResponse([{"id": r["id"], "name": r["original_name"], "status": r["status"],
                              "stage": STAGES.get(r["stage"], r["stage"]), "error": r["error"]} for r in rows])

    async def review_page(request: Request) -> Response:
        review_id = request.path_params["review_id"]
        row = service.row(review_id)
        if row is None:
            return HTMLResponse(pages.message("没有这份审核", "链接可能已失效。"), status_code=404)
        if row["status"] != "done":
            return HTMLResponse(pages.progress(row, STAGES))
        from ..render.html import render_html

        review = service.review(review_id)
        doc = service.document(review_id)
        # Earlier reviews to compare with: the same unit and year first, then the rest.
        earlier = service.db.all(
            "SELECT r.id, r.created_at, u.original_name FROM reviews r JOIN uploads u ON u.id = r.upload_id "
            "WHERE r.status='done' AND r.id != ? AND r.created_at <= ? "
            "ORDER BY (r.unit IS ? AND r.year IS ?) DESC, r.year IS ? DESC, r.created_at DESC, r.rowid DESC LIMIT 50",
            review_id, row["created_at"], row["unit"], row["year"], row["year"])
        html = render_html(review, doc, dismiss=True, toolbar=pages.review_toolbar(review_id, review, earlier),
                           script=pages.REVIEW_SCRIPT)
        return HTMLResponse(html)

    async def dismiss(request: Request) -> Response:
        review_id = request.path_params["review_id"]
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "请求格式不对"}, status_code=400)
        reason = str(body.get("reason", "")).strip()[:500]
        who = str(body.get("who", "")).strip()[:60] or service.db.setting("auditor") or "审核人"
        if not reason:
            return JSONResponse({"error": "请填写不采纳的理由"}, status_code=400)
        try:
            counts = service.dismiss(review_id, str(body.get("fingerprint", "")), reason, who)
        except KeyError:
            return JSONResponse({"error": "没有这条意见"}, status_code=404)
        return JSONResponse(counts)

    def _outputs(review_id: str, kind: str, old_id: str | None = None) -> Response:
        from ..outputs import render, render_comparison

        if kind not in DOWNLOADS:
            return PlainTextResponse("未知的下载类型", status_code=404)
        review = service.review(review_id)
        if review is None:
            return PlainTextResponse("审核尚未完成", status_code=404)
        fmt, suffix, media = DOWNLOADS[kind]
        doc = service.document(review_id)
        stem = Path(review.document.path).stem
        if old_id:
            from ..compare import compare_reviews

            old = service.review(old_id)
            if old is None:
                return PlainTextResponse("没有上次报送的审核", status_code=404)
            data = render_comparison(compare_reviews(old, review), old, review, doc, fmt,
                                     list_options=service.list_options())
            return _attachment(data, f"{stem}.对比{suffix}", media)
        return _attachment(render(review, doc, fmt, list_options=service.list_options()), f"{stem}.{suffix}", media)

    async def download(request: Request) -> Response:
        return _outputs(request.path_params["review_id"], request.path_params["kind"])

    async def compare_page(request: Request) -> Response:
        from ..compare import compare_reviews
        from ..render.html import render_html

        old_id, new_id = request.path_params["old_id"], request.path_params["new_id"]
        old, new = service.review(old_id), service.review(new_id)
        if old is None or new is None:
            return HTMLResponse(pages.message("无法对比", "两份审核都须已完成。"), status_code=404)
        cmp = compare_reviews(old, new)
        html = render_html(new, service.document(new_id), status=cmp.status_by_new_id(), fixed=cmp.fixed_findings(),
                           toolbar=pages.compare_toolbar(old_id, new_id, old, new, cmp))
        return HTMLResponse(html)

    async def compare_download(request: Request) -> Response:
        return _outputs(request.path_params["new_id"], request.path_params["kind"], request.path_params["old_id"])

    async def history(request: Request) -> Response:
        unit = request.query_params.get("unit", "").strip()
        sql = ("SELECT r.*, u.original_name FROM reviews r JOIN uploads u ON u.id = r.upload_id "
               "WHERE r.status = 'done'")
        args: list = []
        if unit:
            sql += " AND r.unit LIKE ?"
            args.append(f"%{unit}%")
        rows = service.db.all(sql + " ORDER BY r.unit, r.year DESC, r.created_at DESC", *args)
        return HTMLResponse(pages.history(rows, unit, KIND_LABELS))

    async def settings(request: Request) -> Response:
        form = await request.form()
        service.db.set_setting("audit_unit", str(form.get("audit_unit", "")).strip()[:100])
        service.db.set_setting("auditor", str(form.get("auditor", "")).strip()[:60])
        return RedirectResponse("/", status_code=303)

    async def login(request: Request) -> Response:
        next_path = request.query_params.get("next", "/")
        if not next_path.startswith("/") or next_path.startswith("//"):
            next_path = "/"
        if request.method == "GET":
            return HTMLResponse(pages.login(next_path, ""))
        form = await request.form()
        if config.token and hmac.compare_digest(str(form.get("token", "")), config.token):
            response = RedirectResponse(next_path, status_code=303)
            value = hmac.new(config.secret.encode(), config.token.encode(), hashlib.sha256).hexdigest()
            response.set_cookie(COOKIE, value, httponly=True, samesite="strict")
            return response
        return HTMLResponse(pages.login(next_path, "口令不对"), status_code=401)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "schema": service.db.version})

    routes = [
        Route("/", index),
        Route("/upload", upload, methods=["POST"]),
        Route("/batch/{batch_id:str}", batch_page),
        Route("/api/batch/{batch_id:str}", batch_status),
        Route("/reviews/{review_id:str}", review_page),
        Route("/api/reviews/{review_id:str}/dismiss", dismiss, methods=["POST"]),
        Route("/reviews/{review_id:str}/download/{kind:str}", download),
        Route("/compare/{old_id:str}/{new_id:str}", compare_page),
        Route("/compare/{old_id:str}/{new_id:str}/download/{kind:str}", compare_download),
        Route("/history", history),
        Route("/settings", settings, methods=["POST"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/healthz", health),
    ]
    app = Starlette(routes=routes)
    app.state.service = service
    app.add_middleware(LimitUploads, limit=config.max_upload_bytes)
    app.add_middleware(RequireToken, config=config)
    return app
