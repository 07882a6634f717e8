"""Options of `reviewer serve`, their checks, and running the app under uvicorn."""
from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path

# What the page can take: every format the reader opens. The legacy Office formats go
# through LibreOffice, so they are offered only when asked for with --allow.
KNOWN_TYPES = ("pdf", "docx", "txt", "doc", "wps", "rtf", "xlsx", "xls", "html", "htm", "md")
DEFAULT_TYPES = ("pdf", "docx", "txt")


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    data_dir: Path = Path("reviewer-data")
    token: str = ""
    max_upload_bytes: int = 50 * 1024 * 1024
    allowed: tuple[str, ...] = DEFAULT_TYPES
    llm: str = "off"
    audit_unit: str = ""
    workers: int = 1
    # Signs the session cookie; a fresh one per start is enough (sessions end on restart).
    secret: str = field(default_factory=lambda: secrets.token_hex(16))

    @classmethod
    def build(cls, *, host: str, port: int, data_dir: Path, token: str | None, max_upload_mb: float,
              allow: str, llm: str = "off", audit_unit: str = "") -> "ServeConfig":
        """Checked options; ValueError (in Chinese) for a bad combination."""
        allowed = tuple(dict.fromkeys(t.strip().lower().lstrip(".") for t in allow.split(",") if t.strip()))
        unknown = [t for t in allowed if t not in KNOWN_TYPES]
        if unknown or not allowed:
            raise ValueError(f"--allow 只能是 {'、'.join(KNOWN_TYPES)} 的组合（不支持：{'、'.join(unknown) or '空'}）")
        token = (token or "").strip()
        if not is_loopback(host) and not token:
            raise ValueError(f"监听非本机地址 {host} 时必须用 --token（或环境变量 REVIEWER_TOKEN）设置访问口令"
                             "（a token is required for a non-loopback bind）")
        if token and len(token) < 8:
            raise ValueError("访问口令至少 8 个字符（token too short）")
        return cls(host=host, port=port, data_dir=Path(data_dir), token=token,
                   max_upload_bytes=int(max_upload_mb * 1024 * 1024), allowed=allowed, llm=llm,
                   audit_unit=audit_unit)


def run_server(config: ServeConfig) -> None:
    import uvicorn

    from .app import create_app

    app = create_app(config)
    where = f"http://{config.host if ':' not in config.host else f'[{config.host}]'}:{config.port}/"
    print(f"预审网页已启动：{where}（数据文件夹 {config.data_dir.resolve()}；按 Ctrl+C 停止）", flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)
