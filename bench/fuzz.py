"""Fuzzed reader: mutated copies of the sample TXT, DOCX and PDF fixtures, each read,
reviewed offline and rendered to every output format. Every input must end in a review
or the project's own input error (one line, exit 2 on the command line; the time limit
is set to 15 s as `reviewer --time-limit 15` would): never another exception (a crash)
and never more than --hang seconds (a hang: the limit failing to stop a review).

Mutations: byte flips, truncation, duplicated chunks, inserted control characters and
odd encodings (TXT); zip members removed, inflated, duplicated or their XML mutated
(DOCX); byte flips inside and outside streams (PDF). Each input is made from (seed,
index) alone, so a failure is reproduced with --replay SEED:INDEX.

    python3 bench/fuzz.py [--count 10000] [--workers N] [--seed 1] [--hang 20] [--max-rss-mb 1024]
    python3 bench/fuzz.py --replay 1:4711 [-v]

Exit status 1 on any crash or hang, or when a worker's peak memory exceeds --max-rss-mb.
"""
from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
import traceback
import zipfile
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "samples"
# The smaller samples keep each try quick; their DOCX and PDF renderings are fixtures.
STEMS = ("001_6f2eabfb1a9cdc15", "003_9f785aea458f6f0e")
RENDER_FORMATS = ("json", "markdown", "html", "docx", "xlsx")
# Seconds a review (with its renderings) may take, as `reviewer --time-limit 15`.
TIME_LIMIT = 15.0


def sources() -> dict[str, list[bytes]]:
    return {
        "txt": [(SAMPLES / f"{s}.txt").read_bytes() for s in STEMS],
        "docx": [(FIXTURES / f"{s}.docx").read_bytes() for s in STEMS],
        "pdf": [(FIXTURES / f"{s}.pdf").read_bytes() for s in STEMS],
    }


# --- mutations -------------------------------------------------------------------------


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 5, 20, 100))):
        i = rng.randrange(len(out))
        out[i] = rng.randrange(256) if rng.random() < 0.5 else out[i] ^ (1 << rng.randrange(8))
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, len(data))]


def duplicate_chunk(rng: random.Random, data: bytes) -> bytes:
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice((16, 256, 4096, 65536)))
    at = rng.randrange(len(data))
    return data[:at] + data[a:b] * rng.choice((1, 2, 10)) + data[at:]


def insert_controls(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    chars = list(text)
    for _ in range(rng.choice((1, 3, 10, 50))):
        chars.insert(rng.randrange(len(chars) + 1), chr(rng.choice((0, 1, 7, 8, 11, 12, 27, 31, 127, 0x85, 0xFFFE,
                                                                     0xFFFF, 0xFEFF, 0x200B, 0x2028, 0xE000))))
    return "".join(chars).encode("utf-8", errors="surrogatepass")


def re_encode(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    codec = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk", "big5", "latin-1", "utf-32", "cp1252"))
    raw = text.encode(codec, errors="replace")
    if rng.random() < 0.3:
        raw = raw[: rng.randrange(1, len(raw))]  # odd byte counts, cut characters
    if codec in ("latin-1", "cp1252") and rng.random() < 0.5:
        raw = text.encode("utf-8").decode(codec, errors="replace").encode("utf-8")  # double encoding
    return raw


def _rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    import warnings

    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in members:
                z.writestr(info, data)
    return out.getvalue()


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if sum(info.file_size for info in z.infolist()) > 64 << 20:
            # A bomb made by an earlier mutation: unpacking it would measure the fuzzer.
            raise ValueError("package too large to mutate as a zip")
        return [(info, z.read(info)) for info in z.infolist()]


def zip_remove_member(rng: random.Random, data: bytes) -> bytes:
    members = _members(data)
    del members[rng.randrange(len(members))]
    return _rezip(members)


def zip_inflate_member(rng: random.Random, data: bytes) -> bytes:
    """A member made much larger: its content repeated, or a part of zeros declared
    honestly at up to 900 MB (a zip bomb, written without holding it in memory)."""
    members = _members(data)
    if rng.random() < 0.5:
        i = rng.randrange(len(members))
        info, body = members[i]
        # At most ~32 MB: past the review's limits it is the zip-bomb branch's job, and a
        # bigger one would measure the fuzzer's own memory and time.
        times = max(1, min(rng.choice((10, 100, 300)), (32 << 20) // max(1, len(body))))
        members[i] = (info, body * times)
        return _rezip(members)
    return zip_with_bomb(members, rng.choice(("word/media/image1.png", "word/document.xml", "word/styles.xml")),
                         rng.choice((50, 200, 400, 900)))


def zip_with_bomb(members: list[tuple[zipfile.ZipInfo, bytes]], name: str, megabytes: int) -> bytes:
    """The members plus (or with `name` replaced by) `megabytes` MB of zeros, as raw
    deflate data: a fully flushed deflate block of zeros repeats byte for byte."""
    import struct

    chunk = bytes(1 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    bomb = first + again * (megabytes - 2) + co.compress(chunk) + co.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    entries = []
    for info, body in members:
        if info.filename == name:
            continue
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((info.filename, c.compress(body) + c.flush(), len(body), zlib.crc32(body)))
    entries.append((name, bomb, megabytes << 20, crc))
    out, central = io.BytesIO(), io.BytesIO()
    for filename, raw, size, ucrc in entries:
        encoded = filename.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, ucrc, len(raw), size,
                              len(encoded), 0) + encoded + raw)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0x21, ucrc, len(raw),
                                  size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def zip_duplicate_member(rng: random.Random, data: bytes) -> bytes:
    members = _members(data)
    members.append(members[rng.randrange(len(members))])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of the mutation
        return _rezip(members)


def zip_mutate_xml(rng: random.Random, data: bytes) -> bytes:
    members = _members(data)
    xml = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml")]
    i = rng.choice(xml)
    info, body = members[i]
    body = rng.choice((flip_bytes, truncate, duplicate_chunk))(rng, body)
    members[i] = (info, body)
    return _rezip(members)


def pdf_mutate_stream(rng: random.Random, data: bytes) -> bytes:
    """Flip bytes inside a compressed stream after inflating it, so the damage reaches
    the page content rather than failing the checksum."""
    starts = [i for i in range(len(data)) if data.startswith(b"stream", i)][:200] if len(data) < 2_000_000 else []
    if not starts:
        return flip_bytes(rng, data)
    s = rng.choice(starts) + len(b"stream")
    while s < len(data) and data[s:s + 1] in b"\r\n":
        s += 1
    e = data.find(b"endstream", s)
    if e < 0:
        return flip_bytes(rng, data)
    try:
        body = zlib.decompress(data[s:e].rstrip(b"\r\n"))
        body = zlib.compress(rng.choice((flip_bytes, truncate, duplicate_chunk))(rng, body))
    except zlib.error:
        body = flip_bytes(rng, data[s:e])
    return data[:s] + body + data[e:]


MUTATIONS = {
    "txt": [flip_bytes, truncate, duplicate_chunk, insert_controls, re_encode],
    "docx": [flip_bytes, truncate, duplicate_chunk, zip_remove_member, zip_inflate_member, zip_duplicate_member,
             zip_mutate_xml, zip_mutate_xml],
    "pdf": [flip_bytes, truncate, duplicate_chunk, pdf_mutate_stream, pdf_mutate_stream],
}


def make_input(seed: int, index: int, cache: dict | None = None) -> tuple[str, str, bytes]:
    """(format, mutation names, bytes) of input number `index` of a run with `seed`."""
    rng = random.Random(f"{seed}:{index}")
    pool = cache if cache is not None else sources()
    fmt = rng.choice(("txt", "docx", "pdf"))
    data = rng.choice(pool[fmt])
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        mutation = rng.choice(MUTATIONS[fmt])
        try:
            data = mutation(rng, data)
        except Exception:  # a mutation that needs a valid zip, on an already broken one
            data = flip_bytes(rng, data)
            mutation = flip_bytes
        names.append(mutation.__name__)
        if not data:
            data = b"\x00"
    return fmt, "+".join(names), data


# --- one try ---------------------------------------------------------------------------


def without_ocr() -> None:
    """The reader alone: pages a mutation left unreadable are not sent to OCR (its speed
    is the OCR benchmark's concern; a crash in it would still show with --with-ocr)."""
    try:
        from reviewer.ingest import ocr
    except ImportError:
        return
    ocr.available = lambda: False


def try_input(fmt: str, data: bytes, folder: Path) -> tuple[str, str]:
    """("review" | "input_error" | "crash", detail): read, review offline, render all."""
    from reviewer.errors import InputError
    from reviewer.limits import ReviewTimeout
    from reviewer.options import ReviewOptions
    from reviewer.outputs import render
    from reviewer.pipeline import review_file

    from reviewer.limits import Limits, deadline

    path = folder / f"fuzz.{fmt}"
    path.write_bytes(data)
    # The product's own time limit, as `reviewer --time-limit` sets it: an input too big
    # to finish ends in its one-line error; a hang is the limit failing to stop it.
    limits = Limits(time_limit=TIME_LIMIT)
    try:
        with deadline(TIME_LIMIT, str(path)):
            review, doc = review_file(path, ReviewOptions(llm="off", limits=limits))
            for out in RENDER_FORMATS:
                render(review, doc, out)
    except InputError as e:
        line = e.one_line()
        if "\n" in line or not line.strip():
            return "crash", f"input error message is not one line: {line!r}"
        return "input_error", line
    except ReviewTimeout as e:
        return "time_limit", e.one_line()
    except Exception as e:  # noqa: BLE001 - what the fuzzer is looking for
        return "crash", "".join(traceback.format_exception_only(type(e), e)).strip() + "\n" + traceback.format_exc()
    return "review", f"{len(review.findings)} findings"


def _worker(conn, seed: int, with_ocr: bool = False) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not with_ocr:
        without_ocr()
    pool = sources()
    with tempfile.TemporaryDirectory(prefix="reviewer-fuzz-") as tmp:
        while True:
            index = conn.recv()
            if index is None:
                conn.send(("rss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
                return
            fmt, names, data = make_input(seed, index, pool)
            status, detail = try_input(fmt, data, Path(tmp))
            conn.send((index, fmt, names, len(data), status, detail,
                       resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def run(count: int, seed: int, workers: int, hang: float, budget: float | None = None,
        progress: bool = True, with_ocr: bool = False) -> dict:
    """Fuzz `count` inputs (stopping early when `budget` seconds have passed); returns the
    tally, the crashes and hangs (as seed:index), and the peak memory of the workers."""
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    started = time.monotonic()
    tally: Counter = Counter()
    by_format: Counter = Counter()
    crashes, hangs = [], []
    peak_kb = 0
    next_index = 0
    done = 0

    def spawn():
        parent, child = context.Pipe()
        p = context.Process(target=_worker, args=(child, seed, with_ocr), daemon=True)
        p.start()
        child.close()
        return {"conn": parent, "proc": p, "index": None, "since": 0.0}

    pool = [spawn() for _ in range(workers)]
    try:
        while done < count:
            for w in pool:
                if w["index"] is None and next_index < count and not (budget and time.monotonic() - started > budget):
                    w["index"], w["since"] = next_index, time.monotonic()
                    w["conn"].send(next_index)
                    next_index += 1
            busy = [w for w in pool if w["index"] is not None]
            if not busy:
                break
            ready = wait([w["conn"] for w in busy] + [w["proc"].sentinel for w in busy], timeout=0.5)
            for i, w in enumerate(pool):
                if w["index"] is None:
                    continue
                if w["conn"] in ready:
                    try:
                        index, fmt, names, size, status, detail, rss = w["conn"].recv()
                    except (EOFError, OSError):
                        status = None
                    else:
                        peak_kb = max(peak_kb, rss)
                        tally[status] += 1
                        by_format[(fmt, status)] += 1
                        if status == "crash":
                            crashes.append({"input": f"{seed}:{index}", "format": fmt, "mutations": names,
                                            "size": size, "error": detail})
                        w["index"] = None
                        done += 1
                        continue
                overdue = time.monotonic() - w["since"] > hang
                if overdue or not w["proc"].is_alive():
                    fmt, names, data = make_input(seed, w["index"])
                    kind = "hang" if overdue else "crash"
                    record = {"input": f"{seed}:{w['index']}", "format": fmt, "mutations": names, "size": len(data),
                              "error": f"over {hang:g} s" if overdue else f"worker died ({w['proc'].exitcode})"}
                    (hangs if overdue else crashes).append(record)
                    tally[kind] += 1
                    w["proc"].kill()
                    w["proc"].join()
                    pool[i] = spawn()
                    done += 1
            if progress and done and done % 500 == 0:
                print(f"  {done} inputs, {time.monotonic() - started:.0f} s, {dict(tally)}", file=sys.stderr)
    finally:
        for w in pool:
            try:
                w["conn"].send(None)
                if w["conn"].poll(5):
                    message = w["conn"].recv()
                    if message and message[0] == "rss":
                        peak_kb = max(peak_kb, message[1])
            except (EOFError, OSError, BrokenPipeError):
                pass
            w["proc"].join(2)
            if w["proc"].is_alive():
                w["proc"].kill()
    return {"inputs": done, "seconds": round(time.monotonic() - started, 1), "tally": dict(tally),
            "by_format": {f"{f}/{s}": n for (f, s), n in sorted(by_format.items())},
            "crashes": crashes, "hangs": hangs, "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--hang", type=float, default=20.0)
    parser.add_argument("--max-rss-mb", type=float, default=1024.0)
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument("--with-ocr", action="store_true", help="send unreadable pages to OCR too (slow)")
    parser.add_argument("--replay", help="SEED:INDEX: run one input in this process and show the outcome")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.replay:
        seed, index = (int(x) for x in args.replay.split(":"))
        fmt, names, data = make_input(seed, index)
        if not args.with_ocr:
            without_ocr()
        with tempfile.TemporaryDirectory() as tmp:
            status, detail = try_input(fmt, data, Path(tmp))
            if args.verbose:
                (Path.cwd() / f"fuzz_{seed}_{index}.{fmt}").write_bytes(data)
        print(f"{args.replay} {fmt} {names} {len(data)} bytes: {status}\n{detail}")
        return 0 if status != "crash" else 1
    result = run(args.count, args.seed, args.workers, args.hang, with_ocr=args.with_ocr)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"inputs {result['inputs']} in {result['seconds']} s ({args.workers} workers): {result['tally']}")
    print("by format: " + ", ".join(f"{k} {v}" for k, v in result["by_format"].items()))
    print(f"crashes {len(result['crashes'])}, hangs {len(result['hangs'])}, peak worker memory "
          f"{result['peak_rss_mb']} MB (limit {args.max_rss_mb:g} MB)")
    for item in (result["crashes"] + result["hangs"])[:20]:
        print(f"  {item['input']} {item['format']} {item['mutations']}: {item['error'].splitlines()[0]}")
    ok = not result["crashes"] and not result["hangs"] and result["peak_rss_mb"] < args.max_rss_mb
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
