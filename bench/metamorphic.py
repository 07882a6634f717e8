"""Metamorphic precision benchmark: a clean report must stay clean under changes that keep its meaning.

Each transformation rewrites a clean report's TXT text in a way a reader would call the
same report (thousands separators, full-width digits, spaces around numbers, 元 instead of
万元, another heading numbering style, hard-wrapped lines, another table shape, ASCII
punctuation, everyday synonyms, two independent paragraphs swapped). The runner reviews
the original and every variant offline (no language model) and reports every finding the
variant adds and every finding of the original that vanished. A finding whose quote
changed only because the text changed is the same finding: findings are matched by rule
and by their quote normalised the way the transformations differ (NFKC, no white space or
table rules, no thousands separators, amounts in 元, synonyms and heading numbers mapped
to one form), then by rule and one normalised quote containing the other.

    python3 bench/metamorphic.py                     # every transformation, every clean base
    python3 bench/metamorphic.py -v                  # and each new / vanished finding
    python3 bench/metamorphic.py --transforms wrap,tables --json out.json

Recall mode (--recall): the same transformations applied to mutate.py's mutated texts
(one mutation per defect class and base by default, one draw of the wrap widths). Each
injected defect's anchor is carried through the transformation's edits (or the pair is
skipped and counted when it cannot be), and the variant is judged by mutate.judge against
the transformed clean text, so findings the transformation itself causes do not count.

    python3 bench/metamorphic.py --recall            # found/n per class × transformation
    python3 bench/metamorphic.py --recall -v --classes rate,unit --json recall.json

Exit status is 0 whatever the result: this is a measurement, not a gate.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import difflib
import json
import random
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import mutate  # noqa: E402
from mutate import default_bases, printed_lines, review_findings  # noqa: E402

_CN_DIGITS = "零一二三四五六七八九"
_CN_NUM = "一二三四五六七八九十百零〇"
_CJK = r"\u4e00-\u9fff"
_NUMBER = r"\d+(?:\.\d+)?"
_MONEY_UNIT = r"亿元|万元|元"
_COUNT_UNIT = r"人次|万人|人|个|次|天|亩|公里|场|册|份|家|项|户|名"
# A number standing on its own (not the tail of a longer number, a date, a code).
_FREE_NUMBER = rf"(?<![\d.,．，])({_NUMBER})"
_CROSS_REFERENCE = re.compile(r"^(?:上述|前述|其中|以上|综上|同时|此外|另外|一是|二是|三是|首先|其次|最后)")


# --------------------------------------------------------------------------- reading the text

def parse(text: str):
    from reviewer.ingest.txt import parse_txt

    return parse_txt(text, "<metamorphic>")


def _is_heading(block) -> bool:
    from reviewer.sections import heading_rank

    return block.kind == "paragraph" and heading_rank(block.text) is not None


def narrative_blocks(doc) -> list:
    """Running text: paragraph blocks that are not headings and read as sentences (they hold
    a Chinese comma, full stop or semicolon). Form labels and lone values stay out."""
    return [b for b in doc.blocks
            if b.kind == "paragraph" and not _is_heading(b) and re.search(f"[{_CJK}]", b.text)
            and re.search("[，。；]", b.text)]


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace non-overlapping (start, end, replacement) spans, right to left so offsets hold."""
    out = text
    last = len(text) + 1
    for start, end, rep in sorted(edits, key=lambda e: e[0], reverse=True):
        if end > last:  # overlapping edit: keep the later one only
            continue
        out = out[:start] + rep + out[end:]
        last = start
    return out


def substitute_in_blocks(text: str, blocks, pattern: re.Pattern, replace) -> list[tuple[int, int, str]]:
    """Edits replacing every match of `pattern` inside the given blocks (offsets into text);
    `replace(match)` returns the replacement or None to leave the match alone."""
    edits = []
    for b in blocks:
        for m in pattern.finditer(text, b.start, b.end):
            rep = replace(m)
            if rep is not None and rep != m.group(0):
                edits.append((m.start(), m.end(), rep))
    return edits


def _edit(text: str, edits) -> list[tuple[int, int, str]]:
    return [e for e in edits if text[e[0]:e[1]] != e[2]]


# --------------------------------------------------------------------------- transformations
# Each takes (text, parsed document, rng) and returns its edits (start, end, replacement),
# none when the text has no site for it (the base is then skipped for that transformation).

def t_thousands(text, doc, rng):
    """3260.45万元 → 3,260.45万元 for amounts of 1000 or more, in running text."""
    pattern = re.compile(rf"(?<![\d.,．，])(\d{{4,}})(\.\d+)?(?=[ \t]*(?:{_MONEY_UNIT}))")
    return _edit(text, substitute_in_blocks(text, narrative_blocks(doc), pattern,
                                            lambda m: f"{int(m.group(1)):,}" + (m.group(2) or "")))


_FULL_WIDTH = {**{str(d): chr(0xFF10 + d) for d in range(10)}, "%": "％", ".": "．", ",": "，",
               ":": "：", ";": "；", "(": "（", ")": "）"}


def t_full_width(text, doc, rng):
    """Digits, decimal points and percent signs in running text written full width
    (１２３．４５万元, ８９．７４％), with the ASCII punctuation there."""
    # A list number's point goes full width with it (１．开展…), as full-width input types it.
    pattern = re.compile(r"\d+(?:\.\d+)?(?:%|\.(?!\d))?|[%(),:;]")

    def widen(m):
        s = m.group(0)
        if s in ",:;" and _between_digits(m):
            return None
        return "".join(_FULL_WIDTH.get(ch, ch) for ch in s)

    return _edit(text, substitute_in_blocks(text, narrative_blocks(doc), pattern, widen))


def _between_digits(m: re.Match) -> bool:
    s, t = m.string, m.start()
    return 0 < t < len(s) - 1 and s[t - 1].isdigit() and s[m.end()].isdigit()


def t_spaces(text, doc, rng):
    """A space between a number and its unit (money, percent, common counts), and between a
    Chinese character and the number: 3260.45万元 → 3260.45 万元, 占89.74% → 占 89.74 %."""
    pattern = re.compile(rf"([{_CJK}]?){_FREE_NUMBER}({_MONEY_UNIT}|%|％|{_COUNT_UNIT})")
    return _edit(text, substitute_in_blocks(
        text, narrative_blocks(doc), pattern,
        lambda m: (m.group(1) + " " if m.group(1) else "") + f"{m.group(2)} {m.group(3)}"))


def _numbers_in(s: str) -> set[Decimal]:
    out = set()
    for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", unicodedata.normalize("NFKC", s)):
        try:
            out.add(Decimal(m.group(0).replace(",", "")))
        except InvalidOperation:
            pass
    return out


def t_yuan(text, doc, rng):
    """An amount stated in 万元 in running text restated in 元 (3260.45万元 → 32604500元).
    Only amounts whose figure appears nowhere else than in running text (no table cell, no
    form line, no heading holds it), so no comparison across a table or form changes
    unit on one side only; every running-text mention of such a figure changes together."""
    narrative = narrative_blocks(doc)
    inside = {id(b) for b in narrative}
    elsewhere: set[Decimal] = set()
    for b in doc.blocks:
        if id(b) not in inside:
            elsewhere |= _numbers_in(b.text)
    pattern = re.compile(rf"{_FREE_NUMBER}[ \t]*万元")

    def restate(m):
        value = Decimal(m.group(1))
        if value in elsewhere or value == 0:
            return None
        yuan = (value * 10000).normalize()
        return f"{yuan:f}元"

    return _edit(text, substitute_in_blocks(text, narrative, pattern, restate))


def _cn_to_int(s: str) -> int | None:
    s = s.replace("〇", "零")
    if not s or any(ch not in _CN_NUM for ch in s):
        return None
    if "十" not in s:
        return int("".join(str(_CN_DIGITS.index(ch)) for ch in s)) if all(ch in _CN_DIGITS for ch in s) else None
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.index(tens) if tens else 1) * 10 + (_CN_DIGITS.index(ones) if ones else 0)


_HEAD_NUMBER = re.compile(
    rf"^(?:(?P<cn>[{_CN_NUM}]{{1,3}})\s*[、．.，,]|[（(]\s*(?P<cnp>[{_CN_NUM}]{{1,3}})\s*[）)]"
    rf"|(?P<ar>\d{{1,2}})\s*(?:[、．]|\.(?!\d)))\s*")


def _headings(doc):
    """(block, rank, number, prefix end offset) for every heading numbered 一、/（一）/1. ."""
    from reviewer.sections import contents_blocks, heading_rank

    contents = contents_blocks(doc)
    out = []
    for i, b in enumerate(doc.blocks):
        if b.kind != "paragraph" or i in contents:
            continue
        rank = heading_rank(b.text)
        if rank not in (0, 1, 2):
            continue
        m = _HEAD_NUMBER.match(b.text)
        if not m:
            continue
        chinese = m.group("cn") or m.group("cnp")
        n = _cn_to_int(chinese) if chinese else int(m.group("ar"))
        if n is None:
            continue
        out.append((b, rank, n, b.start + m.end()))
    return out


def t_headings_part(text, doc, rng):
    """Top-level headings 一、 → 第一部分 (the levels below keep their numbers)."""
    if re.search(r"^\s*第[一二三四五六七八九十]{1,3}部分", text, re.M):
        return []
    edits = [(b.start, end, f"第{_to_cn(n)}部分 ") for b, rank, n, end in _headings(doc) if rank == 0]
    return _edit(text, edits) if len(edits) >= 2 else []


def _to_cn(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_CN_DIGITS[tens] if tens > 1 else "") + "十" + (_CN_DIGITS[ones] if ones else "")


def t_headings_decimal(text, doc, rng):
    """Heading numbers as decimals: 一、 → 1. , （一） → 1.1 , 1. → 1.1.1 (the numbers the
    text gives, under the heading above them)."""
    heads = _headings(doc)
    ranks = sorted({rank for _, rank, _, _ in heads})
    if len(heads) < 2 or 0 not in ranks:
        return []
    stack: list[tuple[int, int]] = []  # (rank, number) of the open headings
    edits = []
    for b, rank, n, end in heads:
        while stack and stack[-1][0] >= rank:
            stack.pop()
        stack.append((rank, n))
        dotted = ".".join(str(k) for _, k in stack)
        edits.append((b.start, end, f"{dotted}. " if len(stack) == 1 else f"{dotted} "))
    return _edit(text, edits)


_NO_LINE_START = set("，。、；：？！）》」』”’…%％,.;:)")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.,%/+\-]+|\S")


def page_lines(paragraph: str, width: int) -> list[str]:
    """A paragraph as a page prints it `width` Chinese characters wide: ASCII (digits, the
    decimal point, %) takes half a character, a number or word that does not fit moves to
    the next line whole, and closing punctuation stays on its line, as a word processor
    sets it."""
    lines, current, used = [], "", 0.0
    for token in _ASCII_RUN.findall(paragraph):
        cost = 0.5 * len(token) if token.isascii() else 1.0
        # Line-break rules: closing punctuation never opens a line (it hangs in the margin).
        if current and used + cost > width and token not in _NO_LINE_START:
            lines.append(current)
            current, used = "", 0.0
        current += token
        used += cost
    if current:
        lines.append(current)
    return lines


def _rewrap(text, doc, widths, cut) -> list[tuple[int, int, str]]:
    edits = []
    for b in narrative_blocks(doc):
        width = widths()
        # A paragraph the layout stage re-joined from printed lines is re-wrapped whole, its
        # lines separated as the base separates them (PDF exports often leave a blank line).
        joined = "".join(ln.strip() for ln in b.text.split("\n") if ln.strip())
        if len("".join(joined.split())) <= width:
            continue
        separator = "\n\n" if "\n\n" in b.text else "\n"
        edits.append((b.start, b.end, separator.join(cut(joined, width))))
    return _edit(text, edits)


def t_wrap(text, doc, rng):
    """Every running-text line hard-wrapped as a page prints it (one printed line per line,
    as a PDF-to-text export gives): one width of 30–40 characters for the whole report,
    digits half a character, numbers never cut; tables untouched."""
    width = rng.randint(30, 40)
    return _rewrap(text, doc, lambda: width, page_lines)


def t_wrap_mixed(text, doc, rng):
    """Harsher: every running-text paragraph hard-wrapped at its own width of 30–40
    characters, every character one place wide, cutting wherever the count falls (inside a
    number too), as mutate.py's docx_lines format cuts."""
    return _rewrap(text, doc, lambda: rng.randint(30, 40), printed_lines)


def t_tables(text, doc, rng):
    """Tab-indented tables (one cell a line, rows between blank lines) → pipe tables with
    border pipes; pipe tables → tab-indented one-value-a-line tables."""
    edits = []
    for b in doc.blocks:
        if b.kind != "table" or not b.rows:
            continue
        if b.origin == "tab":
            rows = ["| " + " | ".join(c.text.replace("|", "｜").replace("\n", " ") for c in row) + " |"
                    for row in b.rows]
            edits.append((b.start, b.end, "\n".join(rows)))
        elif b.origin == "text:pipe":
            rows = ["\n".join("\t" + c.text for c in row) for row in b.rows]
            edits.append((b.start, b.end, "\n\n".join(rows) + "\n"))
    return _edit(text, edits)


def t_punct_ascii(text, doc, rng):
    """Chinese comma, colon, semicolon and brackets in running text → ASCII; 《》 → “”."""
    table = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "《": "“", "》": "”"}
    pattern = re.compile("[，：；（）《》]")
    return _edit(text, substitute_in_blocks(
        text, narrative_blocks(doc), pattern,
        lambda m: None if m.group(0) == "，" and _between_digits(m) else table[m.group(0)]))


def t_punct_cjk(text, doc, rng):
    """ASCII comma, colon, semicolon and brackets in running text → Chinese (never a comma
    or colon between digits: 1,000 and 10:30 stay)."""
    table = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
    pattern = re.compile(r"[,:;()]")
    return _edit(text, substitute_in_blocks(
        text, narrative_blocks(doc), pattern,
        lambda m: None if m.group(0) in ",:" and _between_digits(m) else table[m.group(0)]))


_PERCENT = rf"{_NUMBER}\s*[%％]"
_AMOUNT = rf"{_NUMBER}\s*(?:{_MONEY_UNIT})"
_SYNONYMS = re.compile(
    rf"(?P<bi>比)(?=上年|20\d\d年)|(?P<jiao>较)(?=上年)|(?P<yu>与上年相比)"
    rf"|(?P<up_rate>增长|增加)(?={_PERCENT})|(?P<down_rate>下降|减少)(?={_PERCENT})"
    rf"|(?P<up_amount>增加)(?={_AMOUNT})|(?P<down_amount>减少)(?={_AMOUNT})"
    rf"|(?P<share>(?<![占])占)(?={_PERCENT})")


def t_synonyms(text, doc, rng):
    """Synonyms reviewers see every day: 比上年 ↔ 较上年, 与上年相比 → 同上年相比, 增长5.2% →
    增幅为5.2%, 下降5.2% → 降幅为5.2%, 增加12万元 → 增长12万元, 减少12万元 → 下降12万元,
    占5.2% → 占比为5.2%. Amounts unchanged."""
    def swap(m):
        kind = m.lastgroup
        return {"bi": "较", "jiao": "比", "yu": "同上年相比", "up_rate": "增幅为", "down_rate": "降幅为",
                "up_amount": "增长", "down_amount": "下降", "share": "占比为"}[kind]

    return _edit(text, substitute_in_blocks(text, narrative_blocks(doc), _SYNONYMS, swap))


def t_paragraph_order(text, doc, rng):
    """Within a section, two adjacent narrative paragraphs swapped, where each is a whole
    paragraph (ends a sentence, follows a heading or a finished sentence), neither opens with
    a cross reference or list word (上述, 前述, 其中, 一是 …) nor points at the other
    (上述/前述/如下/以下/以上 anywhere), and the first does not introduce the second (：)."""
    from reviewer.sections import build_sections

    tree = build_sections(doc)
    blocks = [b for b in doc.blocks]
    narrative = {id(b) for b in narrative_blocks(doc)}

    def whole(i):
        b = blocks[i]
        if id(b) not in narrative or len(b.text) < 20 or not b.text.rstrip().endswith("。"):
            return False
        if _CROSS_REFERENCE.match(b.text.lstrip()) or re.search("上述|前述|如下|以下|以上|下表|上表", b.text):
            return False
        if _HEAD_NUMBER.match(b.text.lstrip()) or re.match(r"^(?:[（(]\d{1,2}[）)]|[①-⑳])", b.text.lstrip()):
            return False
        return True

    edits, used = [], set()
    for i in range(1, len(blocks) - 1):
        a, c = blocks[i], blocks[i + 1]
        prev = blocks[i - 1]
        if i in used or not (whole(i) and whole(i + 1)):
            continue
        if not (_is_heading(prev) or prev.kind == "paragraph" and prev.text.rstrip().endswith(("。", "：", ":"))):
            continue
        section_a, section_c = tree.at(a.start), tree.at(c.start)
        if section_a is not section_c or section_a is None:
            continue
        if any(e[0] < c.end and a.start < e[1] for e in edits):
            continue
        gap = text[a.end:c.start]
        edits.append((a.start, c.end, c.text + gap + a.text))
        used.update({i, i + 1})
    return _edit(text, edits)


# Transformations that draw at random (widths): each base gets `--draws` variants of them.
RANDOM = {"wrap", "wrap_mixed"}

TRANSFORMS = {
    "thousands": t_thousands,
    "full_width": t_full_width,
    "spaces": t_spaces,
    "yuan": t_yuan,
    "headings_part": t_headings_part,
    "headings_decimal": t_headings_decimal,
    "wrap": t_wrap,
    "wrap_mixed": t_wrap_mixed,
    "tables": t_tables,
    "punct_ascii": t_punct_ascii,
    "punct_cjk": t_punct_cjk,
    "synonyms": t_synonyms,
    "paragraph_order": t_paragraph_order,
}


# --------------------------------------------------------------------------- comparing reviews

_SYNONYM_FORMS = [
    ("较上年", "比上年"), ("同上年相比", "比上年"), ("与上年相比", "比上年"), ("较20", "比20"),
    ("增幅为", "增加"), ("增长", "增加"), ("降幅为", "减少"), ("下降", "减少"), ("占比为", "占"),
]
_LEADING_NUMBER = re.compile(
    rf"^(?:第[{_CN_NUM}]{{1,3}}部分|[{_CN_NUM}]{{1,3}}[、.,]|\([{_CN_NUM}\d]{{1,3}}\)|\d{{1,2}}(?:\.\d{{1,2}})*[、.]?)"
    rf"(?=[{_CJK}])")


def normalise_quote(quote: str | None) -> str:
    """The comparison form of a quote: what every transformation leaves the same."""
    s = unicodedata.normalize("NFKC", quote or "")
    s = "".join(s.split()).replace("|", "")
    s = re.sub("[《》“”\"'‘’]", "", s)
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)

    def to_yuan(m):
        value = Decimal(m.group(1)) * {"亿元": 100000000, "万元": 10000, "元": 1}[m.group(2)]
        return f"{value.normalize():f}元"

    s = re.sub(rf"(?<![\d.])({_NUMBER})(亿元|万元|元)", to_yuan, s)
    for a, b in _SYNONYM_FORMS:
        s = s.replace(a, b)
    return _LEADING_NUMBER.sub("", s)


def compare(original: list[dict], variant: list[dict]) -> tuple[list[dict], list[dict]]:
    """(new findings of the variant, vanished findings of the original), matched by rule and
    normalised quote, then by rule and one normalised quote containing the other."""
    left = list(original)
    new = []
    pending = []
    by_key = collections.defaultdict(list)
    for f in left:
        by_key[(f.get("rule"), normalise_quote(f.get("quote")))].append(f)
    for f in variant:
        bucket = by_key.get((f.get("rule"), normalise_quote(f.get("quote"))))
        if bucket:
            bucket.pop()
        else:
            pending.append(f)
    unmatched_original = [f for bucket in by_key.values() for f in bucket]
    for f in pending:
        q = normalise_quote(f.get("quote"))
        match = next((o for o in unmatched_original if o.get("rule") == f.get("rule") and q and
                      (q in normalise_quote(o.get("quote")) or normalise_quote(o.get("quote")) in q)
                      and normalise_quote(o.get("quote"))), None)
        if match is not None:
            unmatched_original.remove(match)
        else:
            new.append(f)
    return new, unmatched_original


def brief(f: dict) -> dict:
    return dict(rule=f.get("rule"), category=f.get("category"), source=f.get("source"),
                title=f.get("title"), quote=(f.get("quote") or "")[:80], detail=(f.get("detail") or "")[:200],
                section=(f.get("location") or {}).get("section"))


# --------------------------------------------------------------------------- runner

def _review_job(job: dict) -> dict:
    started = time.perf_counter()
    try:
        findings, _, _ = review_findings(job["path"])
    except Exception as exc:  # a crash on a variant is a result too
        return dict(job, error=f"{type(exc).__name__}: {exc}", findings=[], seconds=0.0)
    return dict(job, findings=findings, error=None, seconds=round(time.perf_counter() - started, 3))


def build_variants(bases: list[Path], transforms: list[str], seed: int, draws: int = 3) -> tuple[list[dict], list[dict]]:
    """(variants, skips): every transformation applied to every base that has a site for it
    (the random ones `draws` times, with different widths)."""
    variants, skips = [], []
    for base in bases:
        text = base.read_text(encoding="utf-8")
        doc = parse(text)
        for name in transforms:
            seen = set()
            for draw in range(draws if name in RANDOM else 1):
                rng = random.Random(f"{seed}:{base.name}:{name}:{draw}")
                try:
                    edits = TRANSFORMS[name](text, doc, rng)
                except Exception as exc:  # a transformation bug must not hide the others
                    skips.append(dict(base=base.name, transform=name, why=f"error {type(exc).__name__}: {exc}"))
                    break
                if not edits:
                    skips.append(dict(base=base.name, transform=name, why="no site"))
                    break
                out = apply_edits(text, edits)
                if out in seen:  # the same widths drawn twice
                    continue
                seen.add(out)
                variants.append(dict(base=base.name, transform=name, draw=draw, text=out, sites=len(edits)))
    return variants, skips


def run(bases: list[Path], transforms: list[str], seed: int = 1, workers: int = 2,
        keep: Path | None = None, draws: int = 3) -> dict:
    started = time.perf_counter()
    variants, skips = build_variants(bases, transforms, seed, draws)
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="reviewer-metamorphic-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        jobs = []
        # Same file name as the base in every variant: nothing the name carries may differ.
        for base in bases:
            path = work / "original" / base.name
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base, path)
            jobs.append(dict(kind="original", base=base.name, transform=None, path=str(path)))
        for v in variants:
            path = work / f"{v['transform']}-{v['draw']}" / v["base"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(v["text"], encoding="utf-8")
            jobs.append(dict(kind="variant", base=v["base"], transform=v["transform"], draw=v["draw"], sites=v["sites"],
                             path=str(path)))
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_review_job, jobs, chunksize=4))
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    originals = {r["base"]: r for r in results if r["kind"] == "original"}
    records = []
    for r in results:
        if r["kind"] != "variant":
            continue
        o = originals[r["base"]]
        new, vanished = compare(o["findings"], r["findings"]) if not r["error"] else ([], [])
        records.append(dict(base=r["base"], transform=r["transform"], draw=r["draw"], sites=r["sites"],
                            error=r["error"] or o["error"],
                            original_findings=len(o["findings"]), variant_findings=len(r["findings"]),
                            new=[brief(f) for f in new], vanished=[brief(f) for f in vanished],
                            seconds=r["seconds"]))
    summary = {}
    for name in transforms:
        rs = [r for r in records if r["transform"] == name]
        summary[name] = dict(variants=len(rs), sites=sum(r["sites"] for r in rs),
                             skipped=sum(s["transform"] == name for s in skips),
                             new=sum(len(r["new"]) for r in rs), vanished=sum(len(r["vanished"]) for r in rs),
                             changed=sum(bool(r["new"] or r["vanished"]) for r in rs),
                             errors=sum(bool(r["error"]) for r in rs))
    return dict(seed=seed, draws=draws, bases=[b.name for b in bases], transforms=transforms, summary=summary,
                records=records, skips=skips, total_seconds=round(time.perf_counter() - started, 1))


def print_table(result: dict, verbose: bool = False) -> None:
    width = max(18, *(len(t) + 2 for t in result["transforms"]))
    print(f"{'transformation':<{width}}{'variants':>9}{'sites':>7}{'skipped':>9}{'changed':>9}{'new':>6}{'vanished':>10}"
          f"{'errors':>8}")
    totals = collections.Counter()
    for name in result["transforms"]:
        s = result["summary"][name]
        totals.update(s)
        print(f"{name:<{width}}{s['variants']:>9}{s['sites']:>7}{s['skipped']:>9}{s['changed']:>9}{s['new']:>6}"
              f"{s['vanished']:>10}{s['errors']:>8}")
    print(f"{'ALL':<{width}}{totals['variants']:>9}{totals['sites']:>7}{totals['skipped']:>9}{totals['changed']:>9}{totals['new']:>6}"
          f"{totals['vanished']:>10}{totals['errors']:>8}")
    print(f"bases: {len(result['bases'])}, seed {result['seed']}, {result['draws']} draws of the wrap widths, total {result['total_seconds']}s "
          f"(sites = places changed; changed = variants with any new or vanished finding)")
    if not verbose:
        return
    for r in result["records"]:
        if r["error"]:
            print(f"  error    {r['transform']} {r['base']}: {r['error']}")
        for kind in ("new", "vanished"):
            for f in r[kind]:
                label = f"{r['transform']}#{r['draw']}" if r["transform"] in RANDOM else r["transform"]
                print(f"  {kind:<8} {label} {r['base']}: {f['rule']} | {f['quote'][:50]!r} | {f['detail'][:120]}")
    skipped = collections.defaultdict(list)
    for s in result["skips"]:
        skipped[(s["transform"], s["why"])].append(s["base"])
    for (name, why), names in sorted(skipped.items()):
        print(f"  skipped  {name} ({why}): {', '.join(names)}")


# --------------------------------------------------------------------------- recall mode
# The injected defects of mutate.py must survive the same rewrites: each mutated text is
# transformed, its anchor mapped through the transformation's edits, and the variant judged
# by mutate.judge against the transformed clean text, so what the rewrite itself makes the
# tool report is not taken for the defect.

# Short column labels of the recall table.
SHORT = {"thousands": "thou", "full_width": "fullw", "spaces": "space", "yuan": "yuan",
         "headings_part": "h_part", "headings_decimal": "h_dec", "wrap": "wrap", "wrap_mixed": "wrapm",
         "tables": "tables", "punct_ascii": "p_asc", "punct_cjk": "p_cjk", "synonyms": "syn",
         "paragraph_order": "order"}
NEAR = 40  # folded characters either side of the anchor that count as "near the site"


def effective_edits(text: str, edits) -> list[tuple[int, int, str]]:
    """The edits apply_edits really applies (it drops an edit overlapping the next one), ascending."""
    kept, last = [], len(text) + 1
    for start, end, rep in sorted(edits, key=lambda e: e[0], reverse=True):
        if end > last:
            continue
        kept.append((start, end, rep))
        last = start
    return kept[::-1]


def _inside(old: str, new: str, offset: int, side: str) -> int:
    """A boundary `offset` chars into `old` carried into `new` by their alignment; a boundary
    inside a changed stretch moves out to that stretch's edge (the anchor widens)."""
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if side == "start" and i1 <= offset < i2 or side == "end" and i1 < offset <= i2:
            if tag == "equal":
                return j1 + offset - i1
            return j1 if side == "start" else j2
    return len(new) if side == "end" else 0


def _raw_span_of_folded(s: str, fi: int, fj: int) -> tuple[int, int] | None:
    """The raw span of s whose folded form is fold(s)[fi:fj], or None when no char boundary fits."""
    cum = [0]
    for ch in s:
        cum.append(cum[-1] + len(mutate.fold(ch)))
    starts = [i for i, c in enumerate(cum) if c == fi and i < len(s) and mutate.fold(s[i])]
    ends = [i for i, c in enumerate(cum) if c == fj and i > 0 and mutate.fold(s[i - 1])]
    return (starts[0], ends[-1]) if starts and ends else None


def map_span(text: str, edits: list[tuple[int, int, str]], s: int, e: int) -> tuple[int, int]:
    """Where text[s:e] lands in the edited text. An edit holding the whole span whose
    replacement holds the span's folded text once (a rewrapped paragraph, a redrawn table, a
    moved paragraph) maps there; otherwise each boundary is carried through the alignment."""
    new_starts, shift = [], 0
    for s0, e0, rep in edits:
        new_starts.append(s0 + shift)
        shift += len(rep) - (e0 - s0)
    for (s0, e0, rep), ns in zip(edits, new_starts):
        if s0 <= s and e <= e0 and (s0, e0) != (s, e):
            piece, folded_rep = mutate.fold(text[s:e]), mutate.fold(rep)
            if piece and folded_rep.count(piece) == 1:
                fi = folded_rep.index(piece)
                raw = _raw_span_of_folded(rep, fi, fi + len(piece))
                if raw:
                    return ns + raw[0], ns + raw[1]

    def carry(p: int, side: str) -> int:
        moved = 0
        for (s0, e0, rep), ns in zip(edits, new_starts):
            if s0 < p < e0:
                return ns + _inside(text[s0:e0], rep, p - s0, side)
            if e0 <= p and (s0 < p or side == "end"):
                moved += len(rep) - (e0 - s0)
        return p + moved

    return carry(s, "start"), carry(e, "end")


def _anchor_span(text: str, anchor: str, site: tuple[int, int]) -> tuple[int, int] | None:
    """The occurrence of the anchor that holds the mutation's site."""
    for s, e in mutate.spans(text, anchor):
        if s <= site[0] and site[1] <= e:
            return s, e
    found = mutate.spans(text, anchor)
    return found[0] if len(found) == 1 else None


def map_anchor(text: str, out: str, edits, anchor: str, site) -> tuple[str | None, str | None, bool]:
    """(mapped anchor, why it cannot be mapped, whether an edit touched it)."""
    span = _anchor_span(text, anchor, site)
    if span is None:
        return None, "anchor not in the mutated text", False
    s, e = span
    # White space folds away: an anchor's leading or trailing line break is no part of it
    # (and would tie a moved paragraph's anchor to the text after it).
    while s < e and not mutate.fold(text[s]):
        s += 1
    while e > s and not mutate.fold(text[e - 1]):
        e -= 1
    touched = any(s0 < e and s < e0 for s0, e0, _ in edits)
    ns, ne = map_span(text, edits, s, e)
    mapped = out[ns:ne] if ne > ns else ""
    folded, before = mutate.fold(mapped), mutate.fold(anchor)
    if not folded:
        return None, "anchor erased", touched
    if len(folded) > 2 * len(before) + 12:
        return None, "anchor spread over the rewritten text", touched
    if 2 * len(folded) < len(before):
        return None, "anchor split by the transformation", touched
    count = len(mutate.spans(mutate.fold(out), folded))
    if count != 1:
        return None, "anchor no longer unique (its context moved)" if count else "anchor lost", touched
    return mapped, None, touched


def _map_extra(text: str, out: str, edits, anchors: list[str]) -> list[str]:
    """`also` / `related` anchors mapped wherever they occur; the unmappable ones dropped."""
    mapped = []
    for a in anchors:
        for s, e in mutate.spans(text, a):
            ns, ne = map_span(text, edits, s, e)
            piece = out[ns:ne]
            if mutate.fold(piece) and len(mutate.fold(piece)) <= 2 * len(mutate.fold(a)) + 12 and piece not in mapped:
                mapped.append(piece)
    return mapped


def transform_text(text: str, name: str, rng_key: str) -> tuple[str, list[tuple[int, int, str]]]:
    """(transformed text, effective edits); the text itself and no edits when there is no site."""
    edits = TRANSFORMS[name](text, parse(text), random.Random(rng_key))
    edits = effective_edits(text, edits)
    return (apply_edits(text, edits), edits) if edits else (text, [])


def _near_site(findings: list[dict], doc: str, targets, baseline_keys: set, categories) -> list[dict]:
    """Findings of a review within NEAR folded characters of the anchor, marked as counted in
    the baseline (same rule and quote there) or not, and as of an accepted category or not."""
    out = []
    for f in findings:
        where = [tuple(f["folded_span"])] if f.get("folded_span") else []
        quote = mutate.fold(f.get("quote"))
        if not where and len(quote) >= 2:
            where = mutate.spans(doc, quote)
        if any(a - NEAR < e and s < b + NEAR for s, e in where for a, b in targets):
            out.append(dict(rule=f.get("rule"), category=f.get("category"), title=(f.get("title") or "")[:40],
                            quote=(f.get("quote") or "")[:50],
                            in_baseline=mutate.finding_key(f) in baseline_keys,
                            accepted=f.get("category") in categories))
    return out


def _recall_job(job: dict) -> dict:
    """Review one text (clean → findings; mutated → mutate.judge against the job's baseline)."""
    path = Path(job["dir"]) / job["name"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(job.pop("text"), encoding="utf-8")
    try:
        findings, doc, _ = review_findings(str(path))
    except Exception as exc:  # a crash is a result too: the defect was not found
        return dict(job, error=f"{type(exc).__name__}: {exc}", found=False, near=[], baseline=None)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if job.get("mutation") is None:
        return dict(job, findings=findings, error=None)
    baseline = job.pop("baseline")
    verdict = mutate.judge(findings, doc, baseline, job["mutation"])
    anchor = job["mutation"]["anchor"]
    targets = mutate.spans(doc, mutate.fold(anchor)) if anchor else []
    near = _near_site(findings, doc, targets, {mutate.finding_key(f) for f in baseline},
                      job["mutation"]["categories"])
    return dict(job, error=None, near=near, **verdict)


def build_recall_jobs(bases: list[Path], classes: list[str], transforms: list[str], limit: int, seed: int,
                      draws: int, clean: dict[str, list[dict]]):
    """(mutations, transformed clean texts, mutated variants, skips)."""
    mutations, clean_variants, variants, skips = [], {}, [], []
    for base in bases:
        text = base.read_text(encoding="utf-8")
        avoid = [(f["location"]["start"], f["location"]["end"]) for f in clean[base.name]
                 if f["location"].get("start") is not None]
        keys = {}
        for name in transforms:
            for draw in range(draws if name in RANDOM else 1):
                key = f"{seed}:{base.name}:{name}:{draw}"
                try:
                    clean_variants[(base.name, name, draw)] = transform_text(text, name, key)[0]
                except Exception as exc:  # a transformation bug must not hide the others
                    clean_variants[(base.name, name, draw)] = None
                    skips.append(dict(base=base.name, transform=name, cls="*", why=f"error {type(exc).__name__}"))
                keys[(name, draw)] = key
        for cls in classes:
            for n, m in enumerate(mutate.mutate(text, cls, seed=f"{seed}:{base.name}", avoid=avoid, limit=limit)):
                mi = len(mutations)
                mutations.append(dict(index=mi, base=base.name, cls=cls, n=n, text=m.text, anchor=m.anchor,
                                      categories=m.categories, anyof=m.anyof, also=m.also, related=m.related,
                                      note=m.note))
                for (name, draw), key in keys.items():
                    if clean_variants[(base.name, name, draw)] is None:
                        continue
                    where = dict(base=base.name, transform=name, draw=draw, cls=cls, mutation_index=mi)
                    try:
                        out, edits = transform_text(m.text, name, key)
                    except Exception as exc:
                        skips.append(dict(where, why=f"error {type(exc).__name__}"))
                        continue
                    if not edits:
                        skips.append(dict(where, why="no site"))
                        continue
                    anchor, touched = None, False
                    if m.anchor:
                        anchor, why, touched = map_anchor(m.text, out, edits, m.anchor, m.site)
                        if anchor is None:
                            skips.append(dict(where, why=why, anchor=m.anchor))
                            continue
                    variants.append(dict(where, text=out, sites=len(edits), touched=touched,
                                         anchor_changed=bool(m.anchor) and mutate.fold(anchor) != mutate.fold(m.anchor),
                                         mutation=dict(anchor=anchor, categories=m.categories, anyof=m.anyof,
                                                       also=_map_extra(m.text, out, edits, m.also),
                                                       related=_map_extra(m.text, out, edits, m.related))))
    return mutations, clean_variants, variants, skips


def run_recall(bases: list[Path], classes: list[str], transforms: list[str], limit: int = 1, seed: int = 1,
               workers: int = 2, draws: int = 1) -> dict:
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="reviewer-metamorphic-recall-"))
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            originals = [dict(kind="clean", base=b.name, key=(b.name, None, 0), text=b.read_text(encoding="utf-8"),
                              dir=str(work / f"c{i}"), name=b.name) for i, b in enumerate(bases)]
            clean = {r["base"]: r["findings"] for r in pool.map(_recall_job, originals)}
            mutations, clean_variants, variants, skips = build_recall_jobs(
                bases, classes, transforms, limit, seed, draws, clean)
            clean_jobs = [dict(kind="clean", base=k[0], key=k, text=t, dir=str(work / f"t{i}"), name=k[0])
                          for i, (k, t) in enumerate(clean_variants.items())
                          if t is not None and t != Path(next(b for b in bases if b.name == k[0])).read_text(encoding="utf-8")]
            transformed_clean = {r["key"]: r["findings"] for r in pool.map(_recall_job, clean_jobs, chunksize=4)}
            jobs = []
            for m in mutations:
                jobs.append(dict(kind="plain", base=m["base"], cls=m["cls"], mutation_index=m["index"], transform=None,
                                 text=m["text"], dir=str(work / f"m{m['index']}"), name=m["base"],
                                 baseline=clean[m["base"]],
                                 mutation={k: m[k] for k in ("anchor", "categories", "anyof", "also", "related")}))
            for i, v in enumerate(variants):
                key = (v["base"], v["transform"], v["draw"])
                jobs.append(dict(v, kind="variant", dir=str(work / f"v{i}"), name=v["base"],
                                 baseline=transformed_clean.get(key, clean[v["base"]])))
            results = list(pool.map(_recall_job, jobs, chunksize=8))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    plain = {r["mutation_index"]: r for r in results if r["kind"] == "plain"}
    records = []
    for r in results:
        if r["kind"] != "variant":
            continue
        m, p = mutations[r["mutation_index"]], plain[r["mutation_index"]]
        records.append(dict(base=r["base"], transform=r["transform"], draw=r["draw"], cls=r["cls"], note=m["note"],
                            anchor=m["anchor"], mapped_anchor=r["mutation"]["anchor"], sites=r["sites"],
                            touched=r["touched"], anchor_changed=r["anchor_changed"],
                            plain_found=p.get("found", False), plain_hits=p.get("hits", []),
                            found=r.get("found", False), hits=r.get("hits", []), at_site=r.get("at_site", []),
                            near=r.get("near", []), plain_near=p.get("near", []), error=r.get("error")))
    plain_records = [dict(base=m["base"], cls=m["cls"], note=m["note"], anchor=m["anchor"],
                          found=plain[m["index"]].get("found", False), hits=plain[m["index"]].get("hits", []),
                          error=plain[m["index"]].get("error")) for m in mutations]
    return dict(mode="recall", seed=seed, limit=limit, draws=draws, bases=[b.name for b in bases], classes=classes,
                transforms=transforms, summary=summarise_recall(records, plain_records, skips, classes, transforms),
                plain=plain_records, records=records, skips=skips,
                total_seconds=round(time.perf_counter() - started, 1))


def _tally(rs: list[dict]) -> dict:
    return dict(n=len(rs), found=sum(r["found"] for r in rs),
                lost=sum(r["plain_found"] and not r["found"] for r in rs),
                gained=sum(r["found"] and not r["plain_found"] for r in rs),
                touched=sum(r["touched"] for r in rs), errors=sum(bool(r["error"]) for r in rs))


def summarise_recall(records, plain_records, skips, classes, transforms) -> dict:
    out = {}
    for cls in classes + ["ALL"]:
        ps = [p for p in plain_records if cls in ("ALL", p["cls"])]
        out[f"{cls}/plain"] = dict(n=len(ps), found=sum(p["found"] for p in ps))
        for name in transforms + ["ALL"]:
            rs = [r for r in records if cls in ("ALL", r["cls"]) and name in ("ALL", r["transform"])]
            ss = [s for s in skips if cls in ("ALL", s["cls"]) and name in ("ALL", s["transform"])]
            out[f"{cls}/{name}"] = dict(_tally(rs), no_site=sum(s["why"] == "no site" for s in ss),
                                        unmapped=sum(s["why"] != "no site" for s in ss))
    return out


def print_recall(result: dict, verbose: bool = False) -> None:
    summary, transforms = result["summary"], result["transforms"]
    cols = ["plain"] + transforms + ["ALL"]
    width = max(14, *(len(c) + 1 for c in result["classes"]))

    def cell(key):
        s = summary[key]
        return f"{s['found']}/{s['n']}" if s["n"] else "-"

    print("recall: found/n per defect class × transformation (plain = the same mutations untransformed)")
    print(f"{'class':<{width}}" + "".join(f"{SHORT.get(c, c):>8}" for c in cols[:-1]) + f"{'ALL':>11}")
    for cls in result["classes"] + ["ALL"]:
        print(f"{cls:<{width}}" + "".join(f"{cell(f'{cls}/{c}'):>8}" for c in cols[:-1])
              + f"{cell(f'{cls}/ALL'):>11}")
    print("\nper transformation: pairs reviewed, found, lost (found plain, not after), gained, "
          "anchor touched by an edit, skipped (no site / anchor not mappable), errors")
    print(f"{'transformation':<18}{'pairs':>7}{'found':>7}{'recall':>8}{'lost':>6}{'gained':>8}{'touched':>9}"
          f"{'no site':>9}{'unmapped':>10}{'errors':>8}")
    for name in transforms + ["ALL"]:
        s = summary[f"ALL/{name}"]
        rate = f"{100 * s['found'] / s['n']:.0f}%" if s["n"] else "-"
        print(f"{name:<18}{s['n']:>7}{s['found']:>7}{rate:>8}{s['lost']:>6}{s['gained']:>8}{s['touched']:>9}"
              f"{s['no_site']:>9}{s['unmapped']:>10}{s['errors']:>8}")
    p = summary["ALL/plain"]
    print(f"bases: {len(result['bases'])}, mutations: {p['n']} (found plain {p['found']}), seed {result['seed']}, "
          f"limit {result['limit']}, {result['draws']} draw(s) of the wrap widths, total {result['total_seconds']}s")
    print("columns: " + ", ".join(f"{SHORT[t]}={t}" for t in transforms if t in SHORT))
    if not verbose:
        return
    print("\nlost after the transformation (found in the plain text):")
    for r in result["records"]:
        if r["plain_found"] and not r["found"]:
            label = f"{r['transform']}#{r['draw']}" if r["transform"] in RANDOM else r["transform"]
            near = "; ".join(f"{f['rule']}[{f['category']}{'' if f['accepted'] else ', not accepted'}"
                             f"{', in baseline' if f['in_baseline'] else ''}] {f['quote'][:30]!r}" for f in r["near"])
            print(f"  lost  {r['base']} {label} {r['cls']}: {r['note']} | anchor {r['anchor']!r}"
                  f"{' → ' + repr(r['mapped_anchor']) if r['anchor_changed'] else ''}"
                  f" | plain hit {r['plain_hits'][:1]} | near: {near or 'nothing'}"
                  + (f" | error {r['error']}" if r["error"] else ""))
    gained = [r for r in result["records"] if r["found"] and not r["plain_found"]]
    for r in gained:
        print(f"  gained {r['base']} {r['transform']} {r['cls']}: {r['note']} | hits {r['hits'][:1]}")
    unmapped = [s for s in result["skips"] if s["why"] != "no site"]
    for s in unmapped:
        print(f"  skipped {s['base']} {s['transform']} {s['cls']}: {s['why']}"
              + (f" | anchor {s['anchor']!r}" if s.get("anchor") else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--transforms", default=",".join(TRANSFORMS), help="comma-separated transformations")
    ap.add_argument("--seed", type=int, default=1, help="seed of the wrap widths (default 1)")
    ap.add_argument("--draws", type=int, help="variants per base of the random (wrap) transformations "
                    "(default 3; 1 with --recall)")
    ap.add_argument("--recall", action="store_true",
                    help="recall mode: transform mutate.py's mutated texts and check the defect is still found")
    ap.add_argument("--classes", default=",".join(mutate.MUTATORS), help="defect classes of --recall")
    ap.add_argument("--limit", type=int, default=1, help="mutations per class and base in --recall (default 1)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bases", nargs="*", type=Path, help="clean reports (default: mutate.py's clean bases)")
    ap.add_argument("--json", type=Path, help="write every record and the summary as JSON")
    ap.add_argument("--keep", type=Path, help="keep the variant files in this folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list each new and vanished finding")
    a = ap.parse_args(argv)
    transforms = [t for t in a.transforms.split(",") if t]
    bad = [t for t in transforms if t not in TRANSFORMS]
    if bad:
        print(f"未知的变换：{', '.join(bad)}（可选：{', '.join(TRANSFORMS)}）", file=sys.stderr)
        return 2
    missing = [str(b) for b in a.bases or [] if not b.is_file()]
    if missing:
        print(f"找不到文件：{', '.join(missing)}", file=sys.stderr)
        return 2
    classes = [c for c in a.classes.split(",") if c]
    unknown = [c for c in classes if c not in mutate.MUTATORS]
    if a.recall and unknown:
        print(f"未知的缺陷类别：{', '.join(unknown)}（可选：{', '.join(mutate.MUTATORS)}）", file=sys.stderr)
        return 2
    bases = a.bases or default_bases()
    if a.recall:
        result = run_recall(bases, classes, transforms, max(1, a.limit), a.seed, a.workers, max(1, a.draws or 1))
        print_recall(result, a.verbose)
    else:
        result = run(bases, transforms, a.seed, a.workers, a.keep, max(1, a.draws or 3))
        print_table(result, a.verbose)
    if a.json:
        a.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
