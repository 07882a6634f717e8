"""The annotated report as one self-contained HTML file.

The document text is shown with every grounded finding's span highlighted by severity
(overlapping and nested spans included), beside a findings list that jumps to its span
and filters by severity, category and source. Everything is inline: the file works
offline, by e-mail, and on paper (print stylesheet).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape

from ..document import Document
from ..models import CATEGORY_LABELS, KIND_LABELS, KIND_TITLES, SEVERITY_LABELS, SOURCE_LABELS, Finding, Review
from . import location_label

# A stated overall score: "总得分为93.98分", "自评得分：95分", "综合得分 90 分".
_STATED_SCORE = re.compile(r"(?:总得分|自评得分|综合得分|自评总分|评价得分)[为是:：\s]*(\d{1,3}(?:\.\d+)?)\s*分")


# ---------------------------------------------------------------------------
# Layout shared with the generated Word file: which parts of doc.text are shown as
# paragraphs and which as tables, so that every non-space character is shown once.


@dataclass
class TextItem:
    """A paragraph shown from doc.text[start:end] (a hard-wrapped paragraph keeps its
    newlines here; renderers decide how to show them)."""

    start: int
    end: int


@dataclass
class TableItem:
    """A table whose cells are (start, end) ranges of doc.text, row by row."""

    rows: list[list[tuple[int, int]]]


def _uncovered_ink(text: str, start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """True when some non-space character of text[start:end] lies outside every range."""
    covered = bytearray(end - start)
    for s, e in ranges:
        for i in range(max(s, start), min(e, end)):
            covered[i - start] = 1
    return any(not covered[i - start] and not text[i].isspace() for i in range(start, end))


def _lines(text: str, start: int, end: int) -> list[TextItem]:
    out, pos = [], start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        if line.strip():
            out.append(TextItem(s, e))
    return out


def text_layout(doc: Document) -> list[TextItem | TableItem]:
    """Blocks in order as items, plus any text between blocks, covering all non-space text.

    A table whose cells do not cover all of its text (a table inferred from a text layout)
    is shown line by line instead, so no quoted character can go missing.
    """
    items: list[TextItem | TableItem] = []
    text = doc.text
    pos = 0
    for block in sorted(doc.blocks, key=lambda b: b.start):
        if block.start > pos and text[pos:block.start].strip():
            items.extend(_lines(text, pos, block.start))
        if block.start < pos:  # overlapping blocks: show only what is new
            if block.end > pos and text[pos:block.end].strip():
                items.extend(_lines(text, pos, block.end))
            pos = max(pos, block.end)
            continue
        if block.is_table:
            ranges = [(c.start, c.end) for c in block.cells()]
            if block.rows and not _uncovered_ink(text, block.start, block.end, ranges):
                items.append(TableItem([[(c.start, c.end) for c in row] for row in block.rows]))
            else:
                items.extend(_lines(text, block.start, block.end))
        else:
            items.append(TextItem(block.start, block.end))
        pos = max(pos, block.end)
    if pos < len(text) and text[pos:].strip():
        items.extend(_lines(text, pos, len(text)))
    return items


def finding_span(f: Finding, doc: Document | None = None) -> tuple[int, int] | None:
    """The [start, end) a grounded finding points at, or None for absent/unlocated ones."""
    if not f.grounded or not f.quote:
        return None
    start, end = f.location.start, f.location.end
    if start is not None and end is not None and 0 <= start < end:
        if doc is None or end <= len(doc.text):
            return start, end
    if doc is not None:
        return doc.find(f.quote, near=start)
    return None


def stated_score(review: Review, doc: Document | None) -> str | None:
    if doc is not None:
        m = _STATED_SCORE.search(doc.text)
        if m:
            return m.group(1)
    return None


# ---------------------------------------------------------------------------
# Highlighting


class _Marker:
    """Writes ranges of text with <mark> elements for the findings covering them.

    Crossing spans cannot nest, so a span is closed and reopened where another one
    crosses it; the first piece of a finding carries data-finding, later pieces
    data-cont, so each finding has exactly one anchor to jump to.
    """

    def __init__(self, text: str, spans: dict[str, tuple[int, int]], severity: dict[str, str]):
        self.text = text
        self.spans = spans
        self.severity = severity
        self.anchored: set[str] = set()
        self.points = sorted({p for s in spans.values() for p in s})

    def _open(self, fid: str) -> str:
        attr = "data-cont" if fid in self.anchored else "data-finding"
        self.anchored.add(fid)
        sev = self.severity[fid]
        return f'<mark class="hl sev-{sev}" {attr}="{fid}">'

    def render(self, start: int, end: int, newline: str = "\n") -> str:
        """HTML for text[start:end]; newlines become `newline`."""
        cuts = sorted({start, end} | {p for p in self.points if start < p < end})
        out: list[str] = []
        stack: list[str] = []
        for a, b in zip(cuts, cuts[1:]):
            active = {fid for fid, (s, e) in self.spans.items() if s <= a and b <= e}
            # Close down to the deepest span that is still active throughout.
            keep = 0
            while keep < len(stack) and stack[keep] in active:
                keep += 1
            for _ in range(len(stack) - keep):
                out.append("</mark>")
            del stack[keep:]
            # Open the rest: the longest (outermost) first.
            for fid in sorted(active - set(stack), key=lambda x: (-(self.spans[x][1] - self.spans[x][0]), x)):
                out.append(self._open(fid))
                stack.append(fid)
            out.append(escape(self.text[a:b]).replace("\n", newline))
        out.extend("</mark>" for _ in stack)
        return "".join(out)


# ---------------------------------------------------------------------------


_CSS = """
:root{--err:#fbd0d0;--err-b:#c62828;--warn:#ffe7a3;--warn-b:#b7791f;--info:#cfe6ff;--info-b:#1e63b5;
--fg:#1d2327;--muted:#667;--line:#dde1e6;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.75 "Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif;color:var(--fg);background:var(--bg)}
header{padding:14px 22px;background:#fff;border-bottom:1px solid var(--line)}
header h1{font-size:19px;margin:0 0 6px}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0;font-size:14px}
header dt{color:var(--muted)}header dd{margin:0 0 0 4px}
header .pair{display:flex}
.count{display:inline-block;padding:0 8px;border-radius:9px;font-weight:bold;margin-right:4px}
.count.error{background:var(--err);color:var(--err-b)}.count.warning{background:var(--warn);color:var(--warn-b)}
.count.info{background:var(--info);color:var(--info-b)}
main{display:grid;grid-template-columns:minmax(0,1fr) 420px;gap:0;height:calc(100vh - 96px)}
#doc{overflow:auto;padding:18px 30px;background:#fff}
#doc p{margin:0 0 .55em;white-space:pre-wrap}
#doc table{border-collapse:collapse;margin:.6em 0 1em;font-size:13.5px}
#doc td{border:1px solid #aab;padding:2px 6px;vertical-align:top;white-space:pre-wrap}
#doc .page{color:var(--muted);font-size:12px;border-top:1px dashed var(--line);margin:12px 0 6px;padding-top:2px}
mark.hl{padding:0 1px;border-radius:2px;cursor:pointer;color:inherit}
mark.sev-error{background:var(--err);border-bottom:2px solid var(--err-b)}
mark.sev-warning{background:var(--warn);border-bottom:2px solid var(--warn-b)}
mark.sev-info{background:var(--info);border-bottom:2px solid var(--info-b)}
mark.hl.dim{background:none;border-bottom:1px dotted #bbb}
mark.hl.flash{outline:3px solid #333;outline-offset:1px}
aside{overflow:auto;border-left:1px solid var(--line);padding:10px 14px;background:var(--bg);font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:13.5px}
#filters fieldset{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 8px}
#filters legend{color:var(--muted);font-size:12px}
#filters label{margin-right:10px;white-space:nowrap}
#shown{color:var(--muted);font-size:12px;margin:4px 0}
#findings{list-style:none;margin:0;padding:0}
#findings li{background:#fff;border:1px solid var(--line);border-left:5px solid #999;border-radius:5px;margin:0 0 8px;padding:6px 9px;cursor:pointer}
#findings li.error{border-left-color:var(--err-b)}#findings li.warning{border-left-color:var(--warn-b)}#findings li.info{border-left-color:var(--info-b)}
#findings li.active{box-shadow:0 0 0 2px #333}
#findings li[hidden]{display:none}
#findings .meta{color:var(--muted);font-size:12px}
#findings .title{font-weight:bold}
#findings .quote{margin:3px 0;padding:2px 6px;background:var(--bg);border-radius:3px}
#findings .nums{font-size:12.5px}
#findings .suggest{color:#1b6e36}
#findings .unlocated{color:var(--err-b);font-size:12px}
.empty{color:var(--muted)}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;font-weight:bold;background:#eee}
.badge.open{background:#fde2c8;color:#8a4b08}.badge.new{background:#fbd0d0;color:#9b1c1c}.badge.fixed{background:#d6f0dc;color:#1b6e36}
#fixed{list-style:none;margin:0;padding:0}#fixed li{background:#fff;border:1px solid var(--line);border-left:5px solid #1b6e36;border-radius:5px;margin:0 0 8px;padding:6px 9px}
.fixed-head{font-size:14px;margin:14px 0 6px}
button.dismiss{margin-top:4px;font-size:12px;padding:1px 8px;cursor:pointer}
@media (max-width:900px){main{display:block;height:auto}aside{border-left:none}}
@media print{
 body{background:#fff;font-size:11pt}
 main{display:block;height:auto}
 #doc,aside{overflow:visible;padding:0}
 aside{border:none;page-break-before:always;background:#fff}
 #filters,#shown{display:none}
 #findings li{page-break-inside:avoid;border-left-width:4px}
 #findings li[hidden]{display:block}
 mark.hl{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 mark.hl.dim{background:inherit}
}
"""

# Builds the filters from the list items, wires clicks both ways, and marks every list
# item whose highlight is present (data-anchored) so a browser test can see it ran.
_JS = r"""
(function(){
  var list=document.getElementById('findings'); if(!list) return;
  var items=[].slice.call(list.querySelectorAll('li[data-id]'));
  var dims={severity:'严重程度',category:'类别',source:'来源'};
  var labels=JSON.parse(document.getElementById('labels').textContent);
  var filters=document.getElementById('filters');
  var wanted={};
  // Preset filters from the address: #severity=error,warning&source=prepass
  var preset={};
  (location.hash||'').replace(/^#/,'').split('&').forEach(function(kv){
    var p=kv.split('='); if(p.length==2&&dims[p[0]]) preset[p[0]]=decodeURIComponent(p[1]).split(',');
  });
  Object.keys(dims).forEach(function(dim){
    var values=[]; items.forEach(function(li){var v=li.dataset[dim]; if(values.indexOf(v)<0) values.push(v);});
    var order=Object.keys(labels[dim]||{}); values.sort(function(a,b){return order.indexOf(a)-order.indexOf(b);});
    wanted[dim]={};
    var fs=document.createElement('fieldset'); var lg=document.createElement('legend'); lg.textContent=dims[dim]; fs.appendChild(lg);
    values.forEach(function(v){
      var on=!preset[dim]||preset[dim].indexOf(v)>=0; wanted[dim][v]=on;
      var lab=document.createElement('label'); var cb=document.createElement('input'); cb.type='checkbox'; cb.checked=on;
      cb.dataset.dim=dim; cb.value=v;
      cb.addEventListener('change',function(){wanted[dim][v]=cb.checked; apply();});
      lab.appendChild(cb); lab.appendChild(document.createTextNode(' '+((labels[dim]||{})[v]||v)+' ('+items.filter(function(li){return li.dataset[dim]==v;}).length+')'));
      fs.appendChild(lab);
    });
    filters.appendChild(fs);
  });
  function marks(id){return [].slice.call(document.querySelectorAll('mark[data-finding="'+id+'"],mark[data-cont="'+id+'"]'));}
  function apply(){
    var shown=0;
    items.forEach(function(li){
      var ok=Object.keys(dims).every(function(d){return wanted[d][li.dataset[d]];});
      li.hidden=!ok; if(ok) shown++;
      marks(li.dataset.id).forEach(function(m){m.classList.toggle('dim',!ok);});
    });
    document.getElementById('shown').textContent='显示 '+shown+' / '+items.length+' 项';
    document.body.dataset.shown=String(shown);
  }
  function flash(id){
    var ms=marks(id); if(!ms.length) return;
    document.querySelectorAll('mark.flash').forEach(function(m){m.classList.remove('flash');});
    ms.forEach(function(m){m.classList.add('flash');});
    ms[0].scrollIntoView({block:'center',behavior:'smooth'});
  }
  function select(li){
    items.forEach(function(x){x.classList.remove('active');}); li.classList.add('active');
    li.scrollIntoView({block:'nearest'});
  }
  items.forEach(function(li){
    li.dataset.anchored=document.querySelector('mark[data-finding="'+li.dataset.id+'"]')?'yes':'no';
    li.addEventListener('click',function(){select(li); flash(li.dataset.id);});
  });
  document.getElementById('doc').addEventListener('click',function(ev){
    var m=ev.target.closest('mark.hl'); if(!m) return;
    var id=m.dataset.finding||m.dataset.cont; var li=list.querySelector('li[data-id="'+id+'"]');
    if(li){select(li); flash(id);}
  });
  apply();
  document.body.dataset.ready='true';
})();
"""


STATUS_BADGES = {"open": "未整改", "new": "新增", "fixed": "已整改"}


def _finding_item(f: Finding, anchored: bool, status: str = "", fingerprint: str = "", dismiss: bool = False) -> str:
    sev = SEVERITY_LABELS[f.severity]
    extra = f' data-status="{status}"' if status else ""
    if fingerprint:
        extra += f' data-fp="{escape(fingerprint)}"'
    badge = f'<span class="badge {status}">{STATUS_BADGES[status]}</span> ' if status else ""
    parts = [
        f'<li id="item-{escape(f.id)}" class="{f.severity}" data-id="{escape(f.id)}" data-severity="{f.severity}" '
        f'data-category="{f.category}" data-source="{f.source}" data-grounded="{"yes" if anchored else "no"}"{extra}>',
        f'<div class="meta">{badge}{escape(f.id)} · {escape(sev)} · {escape(CATEGORY_LABELS[f.category])} · '
        f'{escape(SOURCE_LABELS[f.source])} · {escape(location_label(f.location))}</div>',
        f'<div class="title">{escape(f.title)}</div>',
    ]
    if f.quote:
        q = " ".join(f.quote.split())
        q = q if len(q) <= 240 else q[:240] + "…"
        parts.append(f'<div class="quote">「{escape(q)}」</div>')
        if not anchored:
            parts.append('<div class="unlocated">未能在原文中定位</div>')
    elif not anchored:
        parts.append('<div class="unlocated">缺失内容，原文无对应位置</div>')
    if f.detail:
        parts.append(f'<div class="detail">{escape(f.detail)}</div>')
    if f.stated is not None or f.expected is not None:
        parts.append(f'<div class="nums">文中：{escape(f.stated or "—")}；核算：{escape(f.expected or "—")}</div>')
    if f.suggestion:
        parts.append(f'<div class="suggest">建议：{escape(f.suggestion)}</div>')
    parts.append(f'<div class="meta">规则 {escape(f.rule)}</div>')
    if dismiss:
        parts.append(f'<button type="button" class="dismiss" data-id="{escape(f.id)}">不采纳此条</button>')
    parts.append("</li>")
    return "".join(parts)


def _fixed_item(f: Finding) -> str:
    q = " ".join(f.quote.split())
    q = q if len(q) <= 120 else q[:120] + "…"
    quote = f'<div class="quote">「{escape(q)}」</div>' if q else ""
    return (f'<li class="fixed" data-status="fixed"><div class="meta"><span class="badge fixed">已整改</span> '
            f'{escape(SEVERITY_LABELS[f.severity])} · {escape(location_label(f.location))}</div>'
            f'<div class="title">{escape(f.title)}</div>{quote}</li>')


def _header(review: Review, doc: Document | None) -> str:
    d, s = review.document, review.summary
    unit = d.unit or "（未识别单位）"
    year = f"{d.year}年度" if d.year else ""
    title = f"{unit}{year}{KIND_TITLES.get(d.kind, '')} · 预审意见"
    pairs = [
        ("单位", d.unit or "（未识别）"),
        ("年度", str(d.year) if d.year else "（未识别）"),
        ("类型", KIND_LABELS.get(d.kind, d.kind)),
    ]
    pairs += [("说明", note) for note in d.notes]
    score = stated_score(review, doc)
    if score:
        pairs.append(("自评得分", f"{score} 分"))
    pairs.append(("文件", f"{d.path}（{d.format.upper()}，{d.pages} 页，{d.chars} 字）"))
    if s.dismissed:
        pairs.append(("已不采纳", f"{s.dismissed} 项（审核人确认，不再列出）"))
    if s.llm.used:
        pairs.append(("模型审查", f"{s.llm.model}，调用 {s.llm.calls} 次"))
    else:
        pairs.append(("模型审查", "未启用（数据核算 + 规则检查）"))
    dl = "".join(f'<div class="pair"><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>' for k, v in pairs)
    counts = (f'<span class="count error">错误 {s.errors}</span><span class="count warning">警告 {s.warnings}</span>'
              f'<span class="count info">提示 {s.infos}</span>')
    return (f'<header><h1>{escape(title)}</h1><dl>{dl}<div class="pair"><dt>问题</dt><dd id="counts">{counts}'
            f'</dd></div></dl></header>')


def _body(doc: Document, marker: _Marker) -> str:
    out: list[str] = []
    page = 1
    for item in text_layout(doc):
        start = item.start if isinstance(item, TextItem) else min((s for row in item.rows for s, _ in row), default=0)
        item_page = doc.page_of(start)
        if item_page != page and doc.pages > 1:
            page = item_page
            out.append(f'<div class="page">第 {page} 页</div>')
        if isinstance(item, TextItem):
            out.append(f'<p data-start="{item.start}">{marker.render(item.start, item.end)}</p>')
        else:
            rows = []
            for row in item.rows:
                cells = "".join(f"<td>{marker.render(s, e, newline='')}</td>" for s, e in row)
                rows.append(f"<tr>{cells}</tr>")
            out.append(f"<table>{''.join(rows)}</table>")
    return "\n".join(out)


def render_html(review: Review, doc: Document | None, *, status: dict[str, str] | None = None,
                fixed: list[Finding] | None = None, dismiss: bool = False, toolbar: str = "",
                script: str = "") -> str:
    """The annotated report. With `status` and `fixed` (a comparison with the previous
    version) items carry 未整改/新增 badges and the fixed findings are listed after them;
    `dismiss`, `toolbar` and `script` are the web application's additions to the page."""
    from ..fingerprint import fingerprints

    findings = review.findings
    status = status or {}
    spans: dict[str, tuple[int, int]] = {}
    if doc is not None:
        for f in findings:
            span = finding_span(f, doc)
            if span:
                spans[f.id] = span
    marker = _Marker(doc.text if doc is not None else "", spans, {f.id: f.severity for f in findings})
    body = _body(doc, marker) if doc is not None else '<p class="empty">（未提供原文）</p>'
    fps = fingerprints(findings)
    items = "\n".join(_finding_item(f, f.id in marker.anchored, status.get(f.id, ""), fp, dismiss)
                      for f, fp in zip(findings, fps))
    if not findings:
        items = '<li class="empty">未发现问题。</li>'
    fixed_list = ""
    if fixed:
        fixed_list = (f'<h3 class="fixed-head">上次报送稿中已整改 {len(fixed)} 项</h3><ul id="fixed">'
                      + "".join(_fixed_item(f) for f in fixed) + "</ul>")
    labels = {"severity": SEVERITY_LABELS, "category": CATEGORY_LABELS, "source": SOURCE_LABELS}
    # JSON inside <script>: "</" must not close the element.
    labels_json = json.dumps(labels, ensure_ascii=False).replace("</", "<\\/")
    d = review.document
    title = f"预审意见：{d.unit or d.path}"
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n{toolbar}"
        f"{_header(review, doc)}\n<main><section id=\"doc\" lang=\"zh-CN\">\n{body}\n</section>\n"
        f"<aside><div id=\"filters\"></div><div id=\"shown\"></div><ol id=\"findings\">\n{items}\n</ol>"
        f"{fixed_list}</aside></main>\n"
        f"<script type=\"application/json\" id=\"labels\">{labels_json}</script>\n"
        f"<script>{_JS}</script>\n{script}</body></html>\n"
    )
