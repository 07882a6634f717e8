"""HTML of the web application's own pages (the annotated review itself is the HTML
renderer's page, with a toolbar and a script added). Plain strings, every value escaped."""
from __future__ import annotations

import json
from html import escape
from itertools import groupby

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.7 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;color:#1d2327;background:#f6f7f9}
nav.top{background:#1e3a5f;color:#fff;padding:8px 22px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
nav.top a{color:#fff;text-decoration:none}nav.top .brand{font-weight:bold;font-size:16px;margin-right:12px}
.wrap{max-width:1000px;margin:22px auto;padding:0 18px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h1{font-size:20px;margin:0 0 10px}h2{font-size:17px;margin:0 0 10px}
table.list{border-collapse:collapse;width:100%;font-size:14px}
table.list th,table.list td{border-bottom:1px solid #e4e7eb;padding:6px 8px;text-align:left;vertical-align:top}
.muted{color:#667;font-size:13px}.err{color:#b42318}.ok{color:#1b6e36}
button,.button{background:#1e63b5;color:#fff;border:0;border-radius:5px;padding:7px 16px;font-size:15px;cursor:pointer;text-decoration:none;display:inline-block}
input[type=text],input[type=password]{padding:5px 8px;border:1px solid #bbb;border-radius:4px;font-size:14px}
.bar{height:8px;background:#e4e7eb;border-radius:4px;overflow:hidden;width:220px;display:inline-block;vertical-align:middle}
.bar i{display:block;height:100%;background:#1e63b5;transition:width .4s}
"""

TOOLBAR_CSS = """
<style>
nav.top{background:#1e3a5f;color:#fff;padding:6px 22px;display:flex;gap:14px;align-items:center;flex-wrap:wrap;
 font:14px/1.6 "Noto Sans CJK SC","Microsoft YaHei",sans-serif}
nav.top a{color:#fff}nav.top .brand{font-weight:bold;margin-right:8px;text-decoration:none}
nav.top .downloads a{background:#2f6db5;padding:2px 10px;border-radius:4px;text-decoration:none;margin-right:4px}
nav.top select{font-size:13px}
main{height:calc(100vh - 134px)}
li.dismissed{display:none}
.dismiss-form textarea{width:100%;font-size:13px}
@media print{nav.top{display:none}}
</style>
"""


def layout(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f'<style>{CSS}</style></head><body>{nav()}<div class="wrap">{body}</div></body></html>')


def nav() -> str:
    return ('<nav class="top"><a class="brand" href="/">绩效自评报告预审</a><a href="/">上传报告</a>'
            '<a href="/history">历史记录</a></nav>')


def message(title: str, text: str) -> str:
    return layout(title, f'<div class="card"><h1>{escape(title)}</h1><p>{escape(text)}</p>'
                         f'<p><a href="/">返回首页</a></p></div>')


def index(config, rows, list_options, error: str = "") -> str:
    accept = ",".join(f".{t}" for t in config.allowed)
    types = "、".join(t.upper() for t in config.allowed)
    limit = f"{config.max_upload_bytes / 1024 / 1024:.0f} MB"
    recent = "".join(
        f'<tr><td><a href="/reviews/{r["id"]}">{escape(r["original_name"])}</a></td>'
        f'<td>{escape(r["unit"] or "")}</td><td>{r["year"] or ""}</td><td>{_status(r)}</td>'
        f'<td class="muted">{escape(r["created_at"][:16].replace("T", " "))}</td></tr>' for r in rows)
    recent_table = (f'<table class="list"><tr><th>文件</th><th>单位</th><th>年度</th><th>状态</th><th>上传时间</th></tr>'
                    f'{recent}</table>' if rows else '<p class="muted">还没有审核记录。</p>')
    err = f'<p class="err">{escape(error)}</p>' if error else ""
    body = f"""
<div class="card"><h1>上传自评报告</h1>{err}
<form id="upload" action="/upload" method="post" enctype="multipart/form-data">
<p><input id="files" type="file" name="files" multiple accept="{accept}" required></p>
<p class="muted">可一次选择多份报告。支持 {types}，单次上传不超过 {limit}。文件只保存在本机的数据文件夹中。</p>
<p><button id="submit" type="submit">开始审核</button></p></form></div>
<div class="card"><h2>意见表落款</h2>
<form action="/settings" method="post">审核单位 <input type="text" name="audit_unit" value="{escape(list_options.audit_unit)}">
　审核人 <input type="text" name="auditor" value="{escape(list_options.auditor)}"> <button type="submit">保存</button></form>
<p class="muted">下载的审核意见表会填上这里的审核单位和审核人。</p></div>
<div class="card"><h2>最近的审核</h2>{recent_table}<p><a href="/history">按单位和年度查看全部历史 →</a></p></div>
"""
    return layout("绩效自评报告预审", body)


def _status(r) -> str:
    status = r["status"]
    if status == "done":
        return '<span class="ok">完成</span>'
    if status == "failed":
        return f'<span class="err" title="{escape(r["error"] or "")}">失败</span>'
    return '<span class="muted">审核中</span>'


def batch(rows, rejected: str = "") -> str:
    items = "".join(
        f'<tr data-id="{r["id"]}"><td>{escape(r["original_name"])}</td>'
        f'<td><span class="bar"><i style="width:5%"></i></span> <span class="stage">排队等候</span></td>'
        f'<td class="link"></td></tr>' for r in rows)
    rejected_html = f'<p class="err">未能接收：{escape(rejected)}</p>' if rejected else ""
    ids = json.dumps([r["id"] for r in rows])
    batch_id = escape(rows[0]["batch_id"]) if "batch_id" in rows[0].keys() else ""
    script = """
<script>
(function(){
  var width={'queued':10,'running':55,'done':100,'failed':100};
  var url=location.pathname.replace('/batch/','/api/batch/');
  function tick(){
    fetch(url,{credentials:'same-origin'}).then(function(r){return r.json();}).then(function(rows){
      var pending=0;
      rows.forEach(function(row){
        var tr=document.querySelector('tr[data-id="'+row.id+'"]'); if(!tr) return;
        tr.querySelector('.bar i').style.width=(width[row.status]||10)+'%';
        tr.querySelector('.stage').textContent=row.status==='failed'?('失败：'+row.error):row.stage;
        tr.dataset.status=row.status;
        if(row.status==='done'){tr.querySelector('.link').innerHTML='<a href="/reviews/'+row.id+'">查看审核意见</a>';}
        if(row.status==='queued'||row.status==='running') pending++;
      });
      if(pending){setTimeout(tick,700);}
      else{
        document.body.dataset.batchDone='true';
        if(rows.length===1&&rows[0].status==='done'){location.href='/reviews/'+rows[0].id;}
      }
    }).catch(function(){setTimeout(tick,1500);});
  }
  tick();
})();
</script>"""
    body = (f'<div class="card" data-batch="{batch_id}"><h1>审核进度</h1>{rejected_html}'
            f'<table class="list"><tr><th>文件</th><th>进度</th><th></th></tr>{items}</table>'
            f'<p class="muted">审核完成后即可查看批注、下载意见表。</p></div>')
    return layout("审核进度", body).replace("</body>", script + "</body>").replace("__IDS__", ids)


def progress(row, stages) -> str:
    body = (f'<div class="card"><h1>{escape(row["original_name"])}</h1>'
            f'<p>{escape(stages.get(row["stage"], row["stage"]))}{("：" + escape(row["error"])) if row["error"] else ""}</p>'
            f'<p><a href="/batch/{escape(row["batch_id"])}">查看进度</a></p></div>')
    refresh = '' if row["status"] == "failed" else '<meta http-equiv="refresh" content="2">'
    return layout("审核中", body).replace("</head>", refresh + "</head>")


def login(next_path: str, error: str) -> str:
    err = f'<p class="err">{escape(error)}</p>' if error else ""
    body = (f'<div class="card"><h1>请输入访问口令</h1>{err}<form method="post" action="/login?next={escape(next_path)}">'
            f'<input type="password" name="token" autofocus> <button type="submit">进入</button></form></div>')
    return layout("访问口令", body)


def history(rows, unit: str, kind_labels) -> str:
    blocks = []
    for (unit_name, year), group in groupby(rows, key=lambda r: (r["unit"] or "（未识别单位）", r["year"])):
        lines = "".join(
            f'<tr><td><a href="/reviews/{r["id"]}">{escape(r["original_name"])}</a></td>'
            f'<td>{escape(kind_labels.get(r["kind"] or "", ""))}</td>'
            f'<td>{r["errors"]}</td><td>{r["warnings"]}</td><td>{r["infos"]}</td>'
            f'<td class="muted">{escape(r["created_at"][:16].replace("T", " "))}</td></tr>' for r in group)
        blocks.append(f'<div class="card history-group"><h2>{escape(unit_name)} · {year or "年度未识别"}</h2>'
                      f'<table class="list"><tr><th>文件</th><th>类型</th><th>须修改</th><th>建议修改</th><th>提示</th>'
                      f'<th>审核时间</th></tr>{lines}</table></div>')
    search = (f'<div class="card"><h1>历史记录</h1><form method="get" action="/history">单位 '
              f'<input type="text" name="unit" value="{escape(unit)}"> <button type="submit">筛选</button></form>'
              f'<p class="muted">按单位和年度分组；同一单位同一年度的多次报送可在审核页对比。</p></div>')
    return layout("历史记录", search + ("".join(blocks) or '<div class="card muted">没有记录。</div>'))


def review_toolbar(review_id: str, review, earlier) -> str:
    links = "".join(f'<a id="dl-{kind}" href="/reviews/{review_id}/download/{kind}">{label}</a>'
                    for kind, label in (("docx", "Word（批注）"), ("list-docx", "意见表 Word"),
                                        ("xlsx", "意见表 Excel"), ("md", "意见表 Markdown")))
    compare = ""
    if earlier:
        options = "".join(f'<option value="{r["id"]}">{escape(r["original_name"])}（{escape(r["created_at"][:10])}）'
                          f'</option>' for r in earlier)
        compare = (f'<form id="compare" onsubmit="location.href=\'/compare/\'+this.old.value+\'/{review_id}\';'
                   f'return false;">与上次报送对比 <select name="old">{options}</select> '
                   f'<button type="submit">对比</button></form>')
    dismissed = review.summary.dismissed or 0
    return (f'{TOOLBAR_CSS}<nav class="top" id="toolbar" data-review="{review_id}"><a class="brand" href="/">绩效自评报告预审</a>'
            f'<a href="/history">历史记录</a><span class="downloads">下载：{links}</span>{compare}'
            f'<span id="dismissed-count" data-count="{dismissed}">已不采纳 {dismissed} 项</span></nav>')


def compare_toolbar(old_id: str, new_id: str, old, new, cmp) -> str:
    links = "".join(f'<a id="dl-{kind}" href="/compare/{old_id}/{new_id}/download/{kind}">{label}</a>'
                    for kind, label in (("docx", "Word（批注）"), ("list-docx", "意见表 Word"),
                                        ("xlsx", "意见表 Excel"), ("md", "意见表 Markdown")))
    s = cmp.summary
    return (f'{TOOLBAR_CSS}<nav class="top" id="toolbar"><a class="brand" href="/">绩效自评报告预审</a>'
            f'<span id="compare-summary">对比 {escape(old.document.path)} → {escape(new.document.path)}：'
            f'已整改 {s.fixed} 项，未整改 {s.open} 项，新增 {s.new} 项</span>'
            f'<span class="downloads">下载：{links}</span><a href="/reviews/{new_id}">返回审核页</a></nav>')


# Dismissing a finding: the button opens a small form for the reason; the finding is sent
# by fingerprint, and on success its item and highlights are hidden and the count updated.
REVIEW_SCRIPT = r"""
<script>
(function(){
  var bar=document.getElementById('toolbar'); if(!bar) return;
  var review=bar.dataset.review;
  document.getElementById('findings').addEventListener('click',function(ev){
    var btn=ev.target.closest('button.dismiss');
    if(btn){
      ev.stopPropagation();
      var li=btn.closest('li'); if(li.querySelector('.dismiss-form')) return;
      var form=document.createElement('div'); form.className='dismiss-form';
      form.innerHTML='<textarea rows="2" placeholder="不采纳的理由（必填）"></textarea>'+
        '<button type="button" class="dismiss-confirm">确认不采纳</button> <button type="button" class="dismiss-cancel">取消</button>'+
        '<div class="dismiss-error" style="color:#b42318"></div>';
      li.appendChild(form); form.querySelector('textarea').focus();
      return;
    }
    var cancel=ev.target.closest('button.dismiss-cancel');
    if(cancel){ev.stopPropagation(); cancel.closest('.dismiss-form').remove(); return;}
    var ok=ev.target.closest('button.dismiss-confirm');
    if(!ok) return;
    ev.stopPropagation();
    var li=ok.closest('li'), form=ok.closest('.dismiss-form');
    var reason=form.querySelector('textarea').value.trim();
    if(!reason){form.querySelector('.dismiss-error').textContent='请填写理由'; return;}
    fetch('/api/reviews/'+review+'/dismiss',{method:'POST',credentials:'same-origin',
      headers:{'Content-Type':'application/json'},body:JSON.stringify({fingerprint:li.dataset.fp,reason:reason})})
    .then(function(r){return r.json().then(function(b){return {ok:r.ok,body:b};});})
    .then(function(res){
      if(!res.ok){form.querySelector('.dismiss-error').textContent=res.body.error||'失败'; return;}
      li.classList.add('dismissed'); li.dataset.dismissed='yes';
      document.querySelectorAll('mark[data-finding="'+li.dataset.id+'"],mark[data-cont="'+li.dataset.id+'"]')
        .forEach(function(m){m.classList.add('dim');});
      var c=document.getElementById('dismissed-count');
      c.dataset.count=String(res.body.dismissed); c.textContent='已不采纳 '+res.body.dismissed+' 项';
      var counts=document.getElementById('counts');
      if(counts){counts.innerHTML='<span class="count error">错误 '+res.body.errors+'</span><span class="count warning">警告 '+
        res.body.warnings+'</span><span class="count info">提示 '+res.body.infos+'</span>';}
    });
  },true);
})();
</script>
"""
