"""Errors that end a review of one document with a clear message (exit code 2)."""
from __future__ import annotations


class InputError(Exception):
    """The input cannot be reviewed: missing, empty, corrupt, encrypted, unreadable.

    Carries one line in Chinese for the user and one in English for developers; the
    CLI prints both on one line and exits 2.
    """

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def one_line(self) -> str:
        return f"错误：{self.zh}（{self.en}）"
