"""Input limits: the one place their defaults live.

A report file larger, longer or slower to read than these is refused with one clear
line (exit 2) rather than exhausting memory or time. The defaults fit every real report
by a wide margin; each can be raised per run (CLI options, ReviewOptions.limits) or by
environment variables (REVIEWER_MAX_FILE_MB, REVIEWER_MAX_PAGES, REVIEWER_MAX_UNPACKED_MB,
REVIEWER_TIME_LIMIT).
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_file_mb: float = Field(100.0, gt=0)  # size of the file as submitted
    max_pages: int = Field(2000, gt=0)  # pages of a PDF (or page breaks of any document)
    max_unpacked_mb: float = Field(300.0, gt=0)  # a DOCX package's parts once decompressed
    max_ratio: float = Field(200.0, gt=1)  # compression ratio of one large zip member
    max_members: int = Field(10000, gt=0)  # parts in a DOCX package
    # XML parts are parsed into memory (several times their size): a 1,000-page report's
    # document.xml is about 20 MB.
    max_xml_mb: float = Field(80.0, gt=0)
    time_limit: float = Field(600.0, gt=0)  # seconds for reading and reviewing one file

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)


_ENV = {"max_file_mb": "REVIEWER_MAX_FILE_MB", "max_pages": "REVIEWER_MAX_PAGES",
        "max_unpacked_mb": "REVIEWER_MAX_UNPACKED_MB", "time_limit": "REVIEWER_TIME_LIMIT"}

_active: Optional[Limits] = None


def default_limits() -> Limits:
    """The defaults, with any environment overrides (ignored when not a positive number)."""
    values = {}
    for field, var in _ENV.items():
        raw = os.environ.get(var)
        if not raw:
            continue
        try:
            number = float(raw)
        except ValueError:
            continue
        if number > 0:
            values[field] = int(number) if field == "max_pages" else number
    return Limits(**values)


def active_limits() -> Limits:
    """The limits of this process: set by the command line, else the defaults."""
    global _active
    if _active is None:
        _active = default_limits()
    return _active


def set_active_limits(limits: Optional[Limits]) -> None:
    global _active
    _active = limits


def resolve(limits: Optional[Limits]) -> Limits:
    return limits if limits is not None else active_limits()


def too_large(path, size: int, limits: Limits) -> InputError:
    return InputError(
        f"文件过大（{size / 1024 / 1024:.2f} MB，上限 {limits.max_file_mb:g} MB；可用 --max-file-mb 调整）：{path}",
        f"file too large ({size} bytes, limit {limits.max_file_mb:g} MB): {path}")


def too_many_pages(path, pages: int, limits: Limits) -> InputError:
    return InputError(f"页数过多（{pages} 页，上限 {limits.max_pages} 页；可用 --max-pages 调整）：{path}",
                      f"too many pages ({pages}, limit {limits.max_pages}): {path}")


class ReviewTimeout(BaseException):
    """The time limit of one file ran out. A BaseException, so that no stage's
    `except Exception` turns it into a finding and carries on."""

    def __init__(self, seconds: float, path: str = ""):
        super().__init__(f"time limit of {seconds:g} s exceeded")
        self.seconds = seconds
        self.path = path

    def one_line(self) -> str:
        where = f"：{self.path}" if self.path else ""
        return (f"错误：审核超过时限 {self.seconds:g} 秒，已停止（可用 --time-limit 调整）{where}"
                f"（time limit of {self.seconds:g} s exceeded）")


def surface_timeout(exc: BaseException) -> None:
    """Re-raise the ReviewTimeout that `exc` wraps, if any. The timer's signal can land
    inside code that converts whatever it raises: Python 3.10 turns an exception in a
    class body's __set_name__ (while a library is being imported) into a RuntimeError
    whose cause is ours. Without this, such a timeout reads as a crash or a corrupt file."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ReviewTimeout):
            raise exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__


def arm_deadline(seconds: Optional[float], path: str = ""):
    """Raise ReviewTimeout in the main thread when `seconds` pass; returns the function
    that disarms it. Uses a real-time interval timer, so it only works in the main
    thread (elsewhere, or with an outer timer already running, it does nothing)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        return lambda: None

    def expire(signum, frame):
        raise ReviewTimeout(seconds, path)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    return disarm


@contextmanager
def deadline(seconds: Optional[float], path: str = "") -> Iterator[None]:
    """ReviewTimeout when the block runs longer than `seconds` (see arm_deadline)."""
    disarm = arm_deadline(seconds, path)
    try:
        yield
    finally:
        disarm()


class Stopwatch:
    """Elapsed time against the limit, for loops that can check it themselves (a PDF's
    pages) where a signal cannot interrupt a long C call."""

    def __init__(self, limits: Limits, path: str = ""):
        self.limits, self.path, self.start = limits, path, time.monotonic()

    def check(self) -> None:
        if time.monotonic() - self.start > self.limits.time_limit:
            raise ReviewTimeout(self.limits.time_limit, str(self.path))


def read_report_bytes(path, limits: Limits) -> bytes:
    """The bytes of a regular file within the size limit. Devices, FIFOs and sockets
    (or links to them) are refused before they are opened: reading /dev/zero never ends
    and opening a FIFO waits for a writer."""
    import stat

    try:
        info = os.stat(path)
    except OSError as e:
        raise InputError(f"无法读取文件：{path}", f"cannot read {path}: {e.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"不是普通文件（设备、管道或套接字），无法审核：{path}",
                         f"not a regular file (device, FIFO or socket): {path}")
    if info.st_size > limits.max_file_bytes:
        raise too_large(path, info.st_size, limits)
    try:
        with open(path, "rb") as fh:
            # One byte more than allowed tells a file that grew since stat().
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as e:
        raise InputError(f"无法读取文件：{path}", f"cannot read {path}: {e.strerror}") from None
    if len(data) > limits.max_file_bytes:
        raise too_large(path, len(data), limits)
    return data
