"""Older office formats through LibreOffice: .doc, .wps and .rtf become DOCX (then the
Word reader), .xls becomes XLSX when xlrd is not installed (then the spreadsheet reader).

LibreOffice runs headless with a profile of its own in a temporary folder (so it never
waits on a user's running instance), under a time limit. The document keeps the path
the user gave, so every finding names the file they sent.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError

PACKAGE = "libreoffice-writer-nogui"
CALC_PACKAGE = "libreoffice-calc-nogui"
# Seconds one conversion may take: a long report converts in a few seconds, LibreOffice's
# first start in a fresh profile in ten or so.
TIMEOUT = 120.0
_NAMES = {".doc": "Word 97-2003（.doc）", ".wps": "WPS 文字（.wps）", ".rtf": "RTF", ".xls": "Excel 97-2003（.xls）"}


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(data: bytes, path: str, suffix: str, target: str, timeout: float = TIMEOUT) -> bytes:
    """The file converted by LibreOffice to `target` ("docx" or "xlsx"), as bytes."""
    program = soffice()
    kind = _NAMES.get(suffix, suffix)
    if program is None:
        package = CALC_PACKAGE if target == "xlsx" else PACKAGE
        raise InputError(f"读取{kind}文件需要 LibreOffice，请安装 {package}（如 apt-get install {package}），"
                         f"或将文件另存为 {target.upper()} 后再审核：{path}",
                         f"{suffix} needs LibreOffice: install {package}, or save as .{target}: {path}")
    with tempfile.TemporaryDirectory(prefix="reviewer-office-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        profile = (work / "profile").as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                   "--convert-to", target, "--outdir", str(work / "out"), str(source)]
        env = dict(os.environ, HOME=str(work))  # LibreOffice writes its caches under HOME
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice 转换{kind}文件超时（{timeout:.0f} 秒），请另存为 {target.upper()} 后再审核：{path}",
                             f"LibreOffice conversion timed out after {timeout:.0f}s: {path}") from None
        except OSError as e:
            raise InputError(f"无法启动 LibreOffice（{e.strerror}），请另存为 {target.upper()} 后再审核：{path}",
                             f"cannot start LibreOffice: {e.strerror}: {path}") from None
        out = work / "out" / f"input.{target}"
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            why = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"LibreOffice 无法转换该{kind}文件（文件可能已损坏或已加密）：{path}",
                             f"LibreOffice could not convert {path}: {why[-1] if why else done.returncode}")
        return out.read_bytes()


def parse_word(data: bytes, path: str, suffix: str, limits=None):
    """A .doc, .wps or .rtf report: converted to DOCX, then read as one (format "docx")."""
    from .docx import parse_docx

    timeout = min(TIMEOUT, limits.time_limit) if limits is not None else TIMEOUT
    return parse_docx(convert(data, path, suffix, "docx", timeout), path, limits=limits)
