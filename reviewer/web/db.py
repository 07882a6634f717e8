"""The web application's data: one SQLite file under the data folder.

Tables: uploads (the stored files, under a generated name), reviews (one per upload, with
its progress and the review JSON), decisions (dismissed findings: who, when, why) and
settings. The schema is versioned with PRAGMA user_version; each migration runs once, in
order, inside a transaction, so an older data folder is brought up to date on start.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

MIGRATIONS: list[str] = [
    # 1: uploads, reviews, decisions
    """
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        original_name TEXT NOT NULL,
        suffix TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        upload_id TEXT NOT NULL REFERENCES uploads(id),
        batch_id TEXT NOT NULL,
        status TEXT NOT NULL,          -- queued | running | done | failed
        stage TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        unit TEXT,
        year INTEGER,
        kind TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        review_json TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX reviews_batch ON reviews(batch_id);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fingerprint TEXT NOT NULL,
        unit TEXT,
        rule TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        quote TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        who TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        review_id TEXT
    );
    CREATE INDEX decisions_fingerprint ON decisions(fingerprint);
    """,
    # 2: history by unit and year; who signs the comment list
    """
    CREATE INDEX reviews_unit_year ON reviews(unit, year);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
]


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self.migrate()

    @property
    def version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        with self._lock:
            for number in range(self.version + 1, len(MIGRATIONS) + 1):
                self._conn.execute("BEGIN")
                try:
                    for statement in MIGRATIONS[number - 1].split(";"):
                        if statement.strip():
                            self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {number}")
                    self._conn.execute("COMMIT")
                except Exception:
                    self._conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except Exception:
                self._conn.execute("ROLLBACK")
                raise

    def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, args).fetchone()

    def run(self, sql: str, *args: Any) -> None:
        with self.transaction() as conn:
            conn.execute(sql, args)

    def setting(self, key: str, default: str = "") -> str:
        row = self.one("SELECT value FROM settings WHERE key = ?", key)
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.run("INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 key, value)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
