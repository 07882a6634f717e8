"""Reading the YAML data files (rubrics, kinds, sectors, thresholds …) fast.

Every review reads several of them, and parsing dominated: libyaml's C parser still
builds each value in Python. `load_yaml_file` parses a file once per process and keeps
the parsed data in the user's cache folder ($XDG_CACHE_HOME/reviewer, else
~/.cache/reviewer) as marshal bytes, keyed by the file's path, size, times and inode and
by the package version, so a later process skips both the parse and `import yaml`.

The cache is an optimisation only: a folder that cannot be created or written, a
corrupt or stale entry, data marshal cannot hold (a YAML date) — each falls back to
parsing the file, silently. Nothing is ever written outside the cache folder.
"""
from __future__ import annotations

import marshal
import os
import time
from pathlib import Path
from typing import Any

# Bump when the stored layout changes: older entries then read as misses.
_CACHE_FORMAT = 1
# A file changed this recently may change again within its timestamp's resolution
# without its size or times changing: it is parsed but not cached until it settles.
_SETTLE_SECONDS = 2.0

# In-process memo: key -> marshal bytes. Each call returns a fresh copy, so a caller that
# edits the data (rubric inheritance merges dicts) cannot change what the next one gets.
_MEMO: dict[tuple, bytes] = {}


def safe_loader():
    """libyaml's C safe loader when PyYAML was built with it (about 10x faster than the
    pure-Python one), else the pure-Python safe loader."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: Any) -> Any:
    """yaml.safe_load with the fastest safe loader available."""
    import yaml

    return yaml.load(source, Loader=safe_loader())  # noqa: S506 - a safe loader


def cache_dir() -> Path | None:
    """The user's cache folder for reviewer, or None when the environment names none."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "reviewer"


def load_yaml_file(path: str | os.PathLike) -> Any:
    """The parsed content of a YAML file (UTF-8), as `load_yaml(path.read_text())` gives
    it, from the process memo or the disk cache when the file has not changed. Reading
    and parsing errors (OSError, UnicodeDecodeError, yaml.YAMLError) propagate as before."""
    path = os.path.abspath(os.fspath(path))
    info = os.stat(path)
    key = _key(path, info)
    blob = _MEMO.get(key)
    if blob is not None:
        return marshal.loads(blob)
    cached = _read_cache(path, key)
    if cached is not None:
        blob, data = cached
    else:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
        try:
            blob = marshal.dumps(data)
        except ValueError:  # a type marshal cannot hold (dates): no caching for this file
            return data
        if time.time() - info.st_mtime >= _SETTLE_SECONDS:
            _write_cache(path, key, blob)
    _MEMO[key] = blob
    return data


def _key(path: str, info: os.stat_result) -> tuple:
    from . import __version__

    return (_CACHE_FORMAT, __version__, marshal.version, path, info.st_size, info.st_mtime_ns,
            info.st_ctime_ns, info.st_ino)


def _entry_path(folder: Path, path: str) -> Path:
    # One entry per source file, rewritten when the file changes. The name only spreads
    # the files; the full key stored inside decides whether an entry is the file's.
    import zlib

    name = Path(path).stem[:40]
    return folder / f"yaml-{name}-{zlib.crc32(path.encode('utf-8', 'surrogatepass')):08x}.marshal"


def _read_cache(path: str, key: tuple) -> tuple[bytes, Any] | None:
    """The cached bytes and the data they hold, or None for a missing, stale or corrupt
    entry."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        raw = _entry_path(folder, path).read_bytes()
        stored_key, blob = marshal.loads(raw)
    except (OSError, ValueError, EOFError, TypeError):  # missing or corrupt: parse again
        return None
    if stored_key != key or not isinstance(blob, bytes):
        return None
    try:
        return blob, marshal.loads(blob)
    except (ValueError, EOFError, TypeError):  # a damaged body
        return None


def _write_cache(path: str, key: tuple, blob: bytes) -> None:
    folder = cache_dir()
    if folder is None:
        return
    target = _entry_path(folder, path)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        part.write_bytes(marshal.dumps((key, blob)))
        os.replace(part, target)  # readers see the old entry or the new one, never half
    except OSError:  # a read-only or full cache folder: just don't cache
        try:
            part.unlink()
        except OSError:
            pass


def yaml_error() -> type[Exception]:
    """yaml.YAMLError, for `except yaml_error():` clauses in modules that no longer import
    yaml up front (an except clause evaluates it only when an exception arrives)."""
    import yaml

    return yaml.YAMLError
