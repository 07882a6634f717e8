"""Is this text the report, or garbage that merely decoded?

Reports are simplified Chinese. Text that decoded without error can still be garbage:
a PDF font without a Unicode map yields glyph numbers (control characters, Latin-1,
private-use characters, "(cid:12)"), and a file in the wrong encoding yields mojibake
(UTF-8 read as Latin-1, GBK read as Latin-1, UTF-8 read as GBK, Big5 read as GBK).
Reviewing such text produces nothing but false "missing part" findings, so it is
refused (or, for PDF pages, handed to OCR).

The measure: in real reports about 98-100% of the Chinese characters are among the
3,755 common characters (GB2312 level 1); mojibake and glyph numbers are made of rare
characters, kana, Greek, Cyrillic, Latin-1 letters, control and private-use characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Fewer visible characters than this say too little to judge.
MIN_VISIBLE = 20
# Share of visible characters that are unmapped glyphs (controls, U+FFFD, private use).
UNMAPPED_SHARE = 0.2
# Share of visible characters that are rare or foreign-script ones (mojibake).
SUSPECT_SHARE = 0.25
# Share of the Chinese-looking characters that must be common ones.
COMMON_SHARE = 0.5
# Share of question marks that means the characters were lost to "?" on saving.
QUESTION_SHARE = 0.3

_CID = re.compile(r"\(cid:\d+\)")
# Latin-1 and other symbols real reports use between Chinese text.
_ALLOWED_NON_ASCII = set("°±×÷·§µ¹²³¼½¾¥£€©®¤‰′″※√∑∈∩∪≈≠≤≥∞⊙○●◎△▲□■◇◆★☆→←↑↓")


@lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """The 3,755 most common Chinese characters (GB2312 level 1), from the codec itself."""
    chars: set[str] = set()
    row = bytearray(2 * 94)
    row[1::2] = bytes(range(0xA1, 0xFF))
    for lead in range(0xB0, 0xD8):
        # A whole row per call (decoding pair by pair was most of this function's time);
        # an unassigned pair is stepped over.
        row[0::2] = bytes((lead,)) * 94
        pos = 0
        while pos < len(row):
            try:
                chars.update(row[pos:].decode("gb2312"))
                break
            except UnicodeDecodeError as e:
                bad = pos + e.start - e.start % 2
                chars.update(row[pos:bad].decode("gb2312"))
                pos = bad + 2
    return frozenset(chars)


@lru_cache(maxsize=1)
def common_traditional() -> frozenset[str]:
    """The 5,401 common traditional characters (Big5 level 1, A440–C67E), from the codec:
    a report in traditional characters is readable Chinese, not mojibake."""
    chars: set[str] = set()
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if (lead, trail) > (0xC6, 0x7E):
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@lru_cache(maxsize=1)
def _readable_hanzi() -> frozenset[str]:
    return common_hanzi() | common_traditional()


# Pinyin a mirror site adds after characters it converted to traditional ("農(nóng)"):
# annotations, not letters of another script.
_PINYIN_NOTE = re.compile(r"\([a-zü]*[\u00e0-\u00fc\u0101-\u01dc][a-zü\u00e0-\u00fc\u0101-\u01dc]*\)")


def _is_hanzi(code: int) -> bool:
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F


def _is_unmapped(code: int) -> bool:
    return (code < 32 and code not in (9, 10, 13, 12)) or 0x7F <= code <= 0x9F or code == 0xFFFD \
        or 0xE000 <= code <= 0xF8FF or 0xF0000 <= code


def _is_foreign(ch: str, code: int) -> bool:
    """Letters of scripts a Chinese report does not use, which mojibake is made of."""
    if ch in _ALLOWED_NON_ASCII:
        return False
    return 0xA0 <= code < 0x2000 or 0x3040 <= code <= 0x30FF or 0x2500 <= code <= 0x257F \
        or 0x3100 <= code <= 0x312F or 0xAC00 <= code <= 0xD7AF


@dataclass
class TextStats:
    visible: int = 0
    unmapped: int = 0
    hanzi: int = 0
    common: int = 0
    foreign: int = 0
    questions: int = 0

    @property
    def reason(self) -> str | None:
        """Why the text is garbage ("unmapped", "mojibake", "questions"), or None."""
        if self.visible < MIN_VISIBLE:
            return None
        if self.unmapped >= UNMAPPED_SHARE * self.visible:
            return "unmapped"
        chinese_like = self.hanzi + self.foreign
        rare = self.hanzi - self.common + self.foreign
        if chinese_like >= MIN_VISIBLE and self.common < COMMON_SHARE * chinese_like \
                and rare >= SUSPECT_SHARE * self.visible:
            return "mojibake"
        if self.questions >= QUESTION_SHARE * self.visible and self.hanzi < 0.05 * self.visible:
            return "questions"
        return None


def text_stats(text: str) -> TextStats:
    """Counts over the distinct characters (Counter runs in C, so a 5 MB file costs a
    fraction of a second)."""
    from collections import Counter

    common = _readable_hanzi()
    stats = TextStats()
    text = _PINYIN_NOTE.sub("", text)
    cids = _CID.findall(text)
    if cids:
        text = _CID.sub("", text)
        stats.unmapped += len(cids)
        stats.visible += len(cids)
    for ch, n in Counter(text).items():
        if ch.isspace() and ch not in "\x1c\x1d\x1e\x1f\x85":
            continue
        code = ord(ch)
        stats.visible += n
        if code < 0x80:
            if code < 32 or code == 0x7F:
                stats.unmapped += n
            elif ch == "?":
                stats.questions += n
        elif _is_hanzi(code):
            stats.hanzi += n
            if ch in common:
                stats.common += n
        elif _is_unmapped(code):
            stats.unmapped += n
        elif _is_foreign(ch, code):
            stats.foreign += n
    return stats


# A long text is judged on evenly spaced windows of this many characters in all.
SAMPLE_CHARS = 1 << 18
_WINDOWS = 64


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The text itself, or evenly spaced windows of it totalling `limit` characters."""
    if len(text) <= limit:
        return text
    width = limit // _WINDOWS
    step = len(text) // _WINDOWS
    return "".join(text[i * step: i * step + width] for i in range(_WINDOWS))


def garbage_reason(text: str) -> str | None:
    """"unmapped", "mojibake" or "questions" when the text is garbage, else None."""
    return text_stats(sample(text)).reason


def page_is_garbage(text: str) -> bool:
    """True when a page's (or a file's) text is unmapped glyphs or mojibake rather than
    readable Chinese: such a page is left to OCR, or the file refused."""
    return garbage_reason(text) is not None


def diagnose_encoding(text: str, data: bytes | None = None) -> str:
    """A short Chinese description of which encoding mistake made `text` garbage."""
    reason = garbage_reason(text)
    if reason == "questions":
        return "文字已在保存时丢失为问号（“?”），文件另存时选用了不支持中文的编码"
    for wrong in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if repaired.strip() and garbage_reason(repaired) is None:
            return "UTF-8 文字被按 Latin-1/Windows-1252 读错后再次保存（双重编码乱码）"
    try:
        repaired = text.encode("latin-1").decode("gb18030")
        if repaired.strip() and garbage_reason(repaired) is None:
            return "GBK 文字被按 Latin-1 读错后再次保存（乱码）"
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    if data is not None:
        try:
            data.decode("big5")
            return "疑似繁体中文 Big5 编码"
        except UnicodeDecodeError:
            pass
    if "锟斤拷" in text or "烫烫" in text:
        return "UTF-8 文字被按 GBK 读错后再次保存（“锟斤拷”乱码）"
    if reason == "unmapped":
        return "文字是无法映射的字形编码（字体缺少 Unicode 映射）"
    return "文字是乱码（编码错误）"
