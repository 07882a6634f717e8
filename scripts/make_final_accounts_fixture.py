"""A synthetic 部门决算 DOCX with a real table layout: a merged two-row header, side-by-side
halves (收入 | 决算数 | 支出 | 决算数), 类/款/项 codes with subtotals, and a table long enough
to break across pages with its header repeated. With `mutate`, one 基本支出 cell of a 项
row is raised by 3.21, so its 款 subtotal and its own 合计 no longer hold.

    python3 scripts/make_final_accounts_fixture.py OUT.docx [mutate]

tests/fixtures/final_accounts_{clean,mutated}.{docx,pdf} were made with it (PDF through
LibreOffice: soffice --headless --convert-to pdf)."""
import sys, random
import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

def repeat_header(row):
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement('w:tblHeader'); el.set(qn('w:val'), 'true'); trPr.append(el)

def build(path, mutate=False, seed=1):
    rnd = random.Random(seed)
    d = docx.Document()
    st = d.styles['Normal']; st.font.size = Pt(10)
    st.font.name = 'Noto Sans CJK SC'; st.element.rPr.rFonts.set(qn('w:eastAsia'), 'Noto Sans CJK SC')
    d.add_paragraph('某市生态环境局2023年度部门决算')
    d.add_paragraph('第一部分 部门概况')
    d.add_paragraph('一、主要职能。负责全市生态环境监督管理，组织开展环境监测和执法检查。')
    d.add_paragraph('第二部分 2023年度部门决算表')
    d.add_paragraph('收入支出决算总表')
    d.add_paragraph('单位：万元')
    # side-by-side halves
    inc = [('一、财政拨款收入', 1520.40), ('二、事业收入', 80.00), ('三、其他收入', 12.30)]
    exp = [('一、一般公共服务支出', 0), ('二、节能环保支出', 1390.50), ('三、住房保障支出', 160.20)]
    t = d.add_table(rows=0, cols=4); t.style = 'Table Grid'
    r = t.add_row().cells; r[0].text='收入'; r[2].text='支出'; r[0].merge(r[1]); r[2].merge(r[3])
    r = t.add_row().cells; r[0].text='项目'; r[1].text='决算数'; r[2].text='项目'; r[3].text='决算数'
    for (a, av), (b, bv) in zip(inc, exp):
        r = t.add_row().cells; r[0].text=a; r[1].text=f'{av:,.2f}'; r[2].text=b; r[3].text=f'{bv:,.2f}'
    tin = sum(v for _, v in inc); tex = sum(v for _, v in exp)
    r = t.add_row().cells; r[0].text='本年收入合计'; r[1].text=f'{tin:,.2f}'; r[2].text='本年支出合计'; r[3].text=f'{tex:,.2f}'
    carry_in, carry_out = 30.00, tin + 30.00 - tex
    r = t.add_row().cells; r[0].text='年初结转和结余'; r[1].text=f'{carry_in:,.2f}'; r[2].text='年末结转和结余'; r[3].text=f'{carry_out:,.2f}'
    r = t.add_row().cells; r[0].text='总计'; r[1].text=f'{tin+carry_in:,.2f}'; r[2].text='总计'; r[3].text=f'{tex+carry_out:,.2f}'
    d.add_paragraph('支出决算表')
    d.add_paragraph('单位：万元')
    # hierarchy table with merged header, long enough for page breaks
    t = d.add_table(rows=0, cols=5); t.style = 'Table Grid'
    h1 = t.add_row(); c = h1.cells; c[0].text='科目编码'; c[1].text='科目名称'; c[2].text='合计'; c[3].text='基本支出'; c[4].text='项目支出'
    repeat_header(h1)
    groups = []
    for k in range(12):
        kuan_code = f'211{k+1:02d}'
        items = []
        for j in range(4):
            b = round(rnd.uniform(5, 60), 2); p = round(rnd.uniform(0, 40), 2)
            items.append((f'{kuan_code}{j+1:02d}', f'环保事务项目{k+1}-{j+1}', b, p))
        groups.append((kuan_code, f'环境保护管理事务{k+1}', items))
    total_b = sum(b for _, _, it in groups for _, _, b, _ in it); total_p = sum(p for _, _, it in groups for _, _, _, p in it)
    r = t.add_row().cells; r[0].text=''; r[1].text='合计'; r[2].text=f'{total_b+total_p:,.2f}'; r[3].text=f'{total_b:,.2f}'; r[4].text=f'{total_p:,.2f}'
    r = t.add_row().cells; r[0].text='211'; r[1].text='节能环保支出'; r[2].text=f'{total_b+total_p:,.2f}'; r[3].text=f'{total_b:,.2f}'; r[4].text=f'{total_p:,.2f}'
    mutated = None
    for gi, (code, name, items) in enumerate(groups):
        sb = sum(i[2] for i in items); sp = sum(i[3] for i in items)
        r = t.add_row().cells; r[0].text=code; r[1].text=name; r[2].text=f'{sb+sp:,.2f}'; r[3].text=f'{sb:,.2f}'; r[4].text=f'{sp:,.2f}'
        for ii, (c2, n2, b, p) in enumerate(items):
            shown_b = b
            if mutate and gi == 7 and ii == 2:
                shown_b = round(b + 3.21, 2); mutated = f'{shown_b:,.2f}'
            r = t.add_row().cells; r[0].text=c2; r[1].text=n2; r[2].text=f'{shown_b+p:,.2f}' if not (mutate and gi==7 and ii==2) else f'{b+p:,.2f}'; r[3].text=f'{shown_b:,.2f}'; r[4].text=f'{p:,.2f}'
    d.add_paragraph('第三部分 2023年度部门决算情况说明')
    d.add_paragraph(f'一、收入支出决算总体情况说明。2023年度收入、支出总计{tin+carry_in:.2f}万元。')
    d.add_paragraph(f'二、收入决算情况说明。本年收入合计{tin:.2f}万元，其中：财政拨款收入1520.40万元，占{1520.40/tin*100:.2f}%；事业收入80.00万元，占{80/tin*100:.2f}%；其他收入12.30万元，占{12.3/tin*100:.2f}%。')
    d.add_paragraph(f'三、支出决算情况说明。本年支出合计{tex:.2f}万元，其中：基本支出{total_b:.2f}万元，占{total_b/tex*100:.2f}%；项目支出{total_p:.2f}万元，占{total_p/tex*100:.2f}%。')
    d.save(path)
    return mutated

if __name__ == '__main__':
    print(build(sys.argv[1], mutate=len(sys.argv) > 2))
