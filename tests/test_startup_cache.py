"""The YAML data cache (reviewer/yamlio.py): hits, invalidation, an unwritable or
corrupt cache, and data it must not hold. Every test points XDG_CACHE_HOME (and HOME)
at its own folder, so the real user cache is never touched."""
from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer import yamlio
from reviewer.rubric import rubrics_dir

ROOT = Path(__file__).resolve().parent.parent
OLD = time.time() - 3600  # an mtime old enough for the file to be cached


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(yamlio, "_MEMO", {})  # each test starts as a new process would
    return tmp_path / "cache" / "reviewer"


def write_yaml(path: Path, text: str, mtime: float = OLD) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("yaml-*.marshal")) if folder.is_dir() else []


def load_in_new_process(path: Path, cache_home: Path) -> tuple[object, bool]:
    """The data a fresh interpreter reads, and whether it had to import yaml for it."""
    code = ("import json, sys; from reviewer.yamlio import load_yaml_file; "
            f"d = load_yaml_file({str(path)!r}); print(json.dumps([d, 'yaml' in sys.modules]))")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         check=True).stdout
    data, imported = json.loads(out)
    return data, imported


def test_second_process_reads_the_cache_without_yaml(tmp_path, private_cache):
    src = write_yaml(tmp_path / "kinds.yaml", "a: 1\nb: [x, 中文]\n")
    assert yamlio.load_yaml_file(src) == {"a": 1, "b": ["x", "中文"]}
    assert len(entries(private_cache)) == 1
    data, imported_yaml = load_in_new_process(src, tmp_path / "cache")
    assert data == {"a": 1, "b": ["x", "中文"]}
    assert imported_yaml is False


@pytest.mark.parametrize("name", sorted(p.name for p in rubrics_dir().glob("*.yaml")))
def test_cached_data_equals_parsed_data(name, private_cache):
    src = rubrics_dir() / name
    parsed = yamlio.load_yaml(src.read_text(encoding="utf-8"))
    assert yamlio.load_yaml_file(src) == parsed  # miss: parsed and stored
    yamlio._MEMO.clear()
    assert yamlio.load_yaml_file(src) == parsed  # hit: from the disk cache


def test_changed_file_is_parsed_again(tmp_path, private_cache):
    src = write_yaml(tmp_path / "t.yaml", "value: 1\n")
    assert yamlio.load_yaml_file(src) == {"value": 1}
    # Same size, other content, other time: the stored entry no longer matches.
    write_yaml(src, "value: 2\n", mtime=OLD + 60)
    assert yamlio.load_yaml_file(src) == {"value": 2}
    yamlio._MEMO.clear()
    assert yamlio.load_yaml_file(src) == {"value": 2}
    assert len(entries(private_cache)) == 1  # one entry per file, rewritten


def test_just_written_file_is_not_cached(tmp_path, private_cache):
    # Edited twice within its timestamp's resolution, a file could keep size and times.
    src = write_yaml(tmp_path / "fresh.yaml", "a: 1\n", mtime=time.time())
    assert yamlio.load_yaml_file(src) == {"a": 1}
    assert entries(private_cache) == []


@pytest.mark.parametrize("make_unwritable", ["file_in_the_way", "relative_xdg_and_file_home"])
def test_unwritable_cache_folder_is_skipped(tmp_path, monkeypatch, make_unwritable):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    if make_unwritable == "file_in_the_way":
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # …/blocker/reviewer cannot be made
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
        monkeypatch.setenv("HOME", str(blocker))
    src = write_yaml(tmp_path / "t.yaml", "k: [1, 2]\n")
    assert yamlio.load_yaml_file(src) == {"k": [1, 2]}
    yamlio._MEMO.clear()
    assert yamlio.load_yaml_file(src) == {"k": [1, 2]}
    assert [p.name for p in tmp_path.iterdir() if p.name not in ("blocker", "t.yaml")] == []


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01garbage", b"\xe3" * 50, marshal.dumps(("wrong", b"x")),
                                     marshal.dumps(((), b"\xff\xff"))])
def test_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path, private_cache, garbage):
    src = write_yaml(tmp_path / "t.yaml", "name: 规则\nitems: [1, 2.5, null, true]\n")
    expected = {"name": "规则", "items": [1, 2.5, None, True]}
    assert yamlio.load_yaml_file(src) == expected
    [entry] = entries(private_cache)
    entry.write_bytes(garbage)
    yamlio._MEMO.clear()
    assert yamlio.load_yaml_file(src) == expected
    stored_key, blob = marshal.loads(entry.read_bytes())  # a valid entry again
    assert marshal.loads(blob) == expected


def test_data_marshal_cannot_hold_is_returned_uncached(tmp_path, private_cache):
    import datetime

    src = write_yaml(tmp_path / "dated.yaml", "day: 2024-05-01\n")
    assert yamlio.load_yaml_file(src) == {"day": datetime.date(2024, 5, 1)}
    assert entries(private_cache) == []


def test_each_call_gets_its_own_copy(tmp_path):
    src = write_yaml(tmp_path / "t.yaml", "items: [{id: a}]\n")
    first = yamlio.load_yaml_file(src)
    first["items"][0]["id"] = "changed"  # rubric inheritance edits what it reads
    assert yamlio.load_yaml_file(src) == {"items": [{"id": "a"}]}


@pytest.mark.parametrize("content, error", [("a: [1, 2\n", "yaml"), (b"\xff\xfe\x00", UnicodeDecodeError)])
def test_bad_files_raise_as_before_and_are_not_cached(tmp_path, private_cache, content, error):
    src = tmp_path / "bad.yaml"
    src.write_bytes(content.encode() if isinstance(content, str) else content)
    os.utime(src, (OLD, OLD))
    expected = yamlio.yaml_error() if error == "yaml" else error
    with pytest.raises(expected):
        yamlio.load_yaml_file(src)
    assert entries(private_cache) == []


def test_missing_file_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        yamlio.load_yaml_file(tmp_path / "absent.yaml")


def test_cli_decisions_file_name_matches_decisions_module():
    # cli repeats the name so that a review without decisions never imports that module.
    from reviewer import cli, decisions

    assert cli._DECISIONS_FILE == decisions.DECISIONS_FILE
    assert cli._decisions_beside(Path("a/b.txt")) == decisions.decisions_path_for(Path("a/b.txt"))


def test_common_hanzi_is_gb2312_level_one():
    from reviewer.ingest.quality import common_hanzi

    chars = common_hanzi()
    assert len(chars) == 3755
    assert {"啊", "座", "的", "中"} <= chars and "亍" not in chars  # 亍: level two
