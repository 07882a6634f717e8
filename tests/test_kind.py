"""Document kind (reviewer/kind.py) and the gate it drives in the pipeline: case tables of
small, varied documents (other units, sectors and provinces than the samples), each with
the kind it must get, plus real PDF and DOCX files end to end."""
from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.kind import classify, read_cover
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_document, review_file

from .helpers import doc_from_text

FIXTURES = Path(__file__).parent / "fixtures"

DEPARTMENT_WITH_PROJECTS = """\
嘉兴市南湖区统计局2022年度部门整体支出绩效自评报告
一、部门基本情况
（一）部门职能
负责全区统计调查工作，组织实施各项普查。
（二）年度预算安排
全年预算数320.5万元，其中基本支出260万元，项目支出60.5万元。项目名称：经济普查经费、统计调查补助。
二、绩效自评工作开展情况
成立自评工作小组，对部门整体支出开展绩效自评。
三、综合评价结论
部门整体支出绩效自评得分92分，等级为优。
"""

PROJECT_SAYING_DEPARTMENT = """\
黔东南州人力资源和社会保障局2021年就业补助资金项目绩效自评报告
一、项目概况
（一）项目基本情况
本部门根据省人社厅下达的就业补助资金，会同主管部门制定分配方案。部门职责包括促进就业创业。
（二）项目绩效目标
全年开展职业技能培训3000人次。
二、项目资金使用情况
年度资金总额1250万元，执行数1180万元，执行率94.4%。
三、绩效指标完成情况
职业技能培训3120人次，完成率104%。
"""

TRANSFER_PAYMENT = """\
关于2023年度中央对地方转移支付
农业相关转移支付资金绩效自评报告
一、绩效目标分解下达情况
2023年中央下达我省农业相关转移支付资金18.6亿元，省级按因素法分配至各市县。
二、绩效目标完成情况分析
（一）资金投入情况分析
资金全部下达，执行率97.2%。
（二）总体绩效目标完成情况
高标准农田建设任务全部完成。
"""

SCORE_FORM_ONLY = """\
项目支出绩效自评表
（2022年度）
项目名称\t乡村道路养护\t\t
主管部门\t定边县交通运输局\t实施单位\t定边县公路养护站
资金情况（万元）\t全年预算数\t全年执行数\t分值\t执行率\t得分
年度资金总额\t120\t118\t10\t98.3%\t9.8
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分
产出指标\t数量指标\t养护里程\t≥85公里\t86公里\t20\t20
效益指标\t社会效益指标\t通行条件改善\t明显改善\t明显改善\t30\t30
总分\t\t\t\t\t100\t96.8
"""

DEPARTMENT_SCORE_FORM = """\
2021年度部门整体支出绩效自评表
部门名称\t临沧市临翔区审计局
年度主要任务\t审计项目完成率\t
一级指标\t二级指标\t三级指标\t指标值\t完成值\t分值\t得分
产出指标\t数量指标\t完成审计项目数\t≥20个\t22个\t20\t20
总分\t\t\t\t\t100\t95
"""

BUDGET_DISCLOSURE = """\
成都市武侯区教育局
2025年部门预算
目录
第一部分 成都市武侯区教育局概况
第二部分 2025年部门预算情况说明
第三部分 名词解释
第四部分 附表
第一部分 成都市武侯区教育局概况
一、基本职能及主要工作
负责全区教育事业发展规划。
第二部分 2025年部门预算情况说明
一、收支预算总体情况
按照综合预算的原则，2025年收入预算合计52310.2万元，支出预算合计52310.2万元。
二、财政拨款收支预算情况
附表：1.收入支出预算总表 2.财政拨款收入支出预算总表 3.一般公共预算支出表 4.一般公共预算基本支出表 5.政府性基金预算支出表
第三部分 名词解释
财政拨款收入：指区财政当年拨付的资金。
"""

FINAL_ACCOUNTS_FLAT = """\
当前位置：首页 > 信息公开 > 财政预决算
发布时间：2024-08-30 索引号：11440300-2024-00871
深圳市龙岗区水务局2023年度部门决算
第一部分 部门概况 一、主要职能 负责全区水务管理。二、部门决算单位构成 本部门决算包括本级和下属单位。
第二部分 2023年度部门决算表 收入支出决算总表 单位：万元 项目 决算数 一、一般公共预算财政拨款收入 8652.33
财政拨款收入支出决算总表 一般公共预算财政拨款支出决算表 一般公共预算财政拨款基本支出决算表
第三部分 2023年度部门决算情况说明 一、收入支出决算总体情况说明 2023年度收入总计8652.33万元。
"""

TEMPLATE_DEPARTMENT = """\
××县××局20××年度部门整体支出绩效自评报告
一、部门基本情况
（一）部门职能（根据三定方案填写主要职能）
××局主要职责是：××××。
（二）机构设置及人员情况
本部门内设机构×个，编制×人，实有×人。
二、部门整体支出情况
20××年部门整体支出××万元，比上年增加（减少）××万元，增长（下降）××%（如持平作持平表述）。
三、绩效自评结论
自评得分××分，评价等级为××。
四、存在的问题
（请据实填写存在的主要问题）
"""

WORK_SUMMARY = """\
2023年工作总结
今年以来，在上级的正确领导下，我们坚持以人民为中心，扎实推进各项工作。
一、主要工作
（一）加强理论学习
全年组织集中学习24次。
（二）优化营商环境
开展走访企业活动，解决问题36个。
二、明年工作思路
继续做好各项工作。
"""

WEB_CHROME_PROJECT = """\
您当前的位置：首页 > 政务公开 > 财政资金
索引号：0012345/2023-00077 发布机构：阜阳市颍州区农业农村局
发布时间：2023-05-18 浏览次数：
颍州区2022年省级农业生产发展资金
绩效自评报告
一、绩效目标情况
2022年省级下达我区农业生产发展资金560万元。
二、绩效目标完成情况
（一）资金投入情况
"""

SITE_CHROME_DEPARTMENT = """\
《揭阳市榕城区卫生健康局2020年度部门整体支出绩效自评报告.doc》由会员分享，可在线阅读，更多相关请在某某文库上搜索。
1、揭阳市榕城区卫生健康局2021年度部门整体支出绩效自评报告一、部门基本情况（一）部门职能。负责全区卫生健康工作。二、绩效自评工作开展情况
"""

# An essay site's copy: years hidden as 20xx, names as XX, the figures all filled in.
ESSAY_SITE_PROJECT = """\
农村项目绩效自评报告
为进一步规范财政衔接资金绩效管理，现将我镇20xx年度衔接资金项目绩效自评报告公开如下：
一、绩效目标分解下达情况
20xx年我镇获得财政衔接资金共320万元，其中中央资金180万元，省级资金90万元，县级资金50万元。
20xx年XX村新建产业路2.4公里，投入资金96万元；XX村改造灌溉水渠3公里，投入资金74万元。
20xx年XX村建设冷库1座，投入资金150万元。XX镇XX村、XX村受益农户共计412户。
二、绩效目标完成情况分析
"""

# A page's excerpt that opens at the report's first part, its title left out.
DEPARTMENT_WITHOUT_TITLE = """\
现将2021年度部门整体支出绩效评价情况报告如下：
一、部门基本情况
（一）部门概况
省红十字会成立于1911年，是从事人道主义工作的社会救助群众团体。
（二）部门职能
开展救灾、应急救护、人道救助和无偿献血、造血干细胞捐献的宣传动员工作。
"""

KIND_CASES = [
    ("a department report whose excerpt has no title", DEPARTMENT_WITHOUT_TITLE, "department_overall"),
    ("a filled report a site republished with XX and 20xx", ESSAY_SITE_PROJECT, "project"),
    ("department report listing its projects", DEPARTMENT_WITH_PROJECTS, "department_overall"),
    ("project report that says 部门 often", PROJECT_SAYING_DEPARTMENT, "project"),
    ("transfer payment funds, title split over two lines", TRANSFER_PAYMENT, "project"),
    ("project score form only", SCORE_FORM_ONLY, "project"),
    ("department score form only", DEPARTMENT_SCORE_FORM, "department_overall"),
    ("部门预算 disclosure", BUDGET_DISCLOSURE, "final_accounts"),
    ("部门决算 disclosure flattened, web chrome first", FINAL_ACCOUNTS_FLAT, "final_accounts"),
    ("unfilled template with ××", TEMPLATE_DEPARTMENT, "template"),
    ("a work summary, none of the kinds", WORK_SUMMARY, "unknown"),
    ("project fund report after web chrome", WEB_CHROME_PROJECT, "project"),
    ("department report after document-site chrome", SITE_CHROME_DEPARTMENT, "department_overall"),
]


@pytest.mark.parametrize("name,text,kind", KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_kind(name, text, kind):
    result = classify(doc_from_text(text))
    assert result.kind == kind, result.evidence
    assert result.evidence  # the reader is told why


def test_template_keeps_its_structural_kind():
    result = classify(doc_from_text(TEMPLATE_DEPARTMENT))
    assert result.base_kind == "department_overall"


@pytest.mark.parametrize("text,title", [
    (WEB_CHROME_PROJECT, "颍州区2022年省级农业生产发展资金绩效自评报告"),
    (TRANSFER_PAYMENT, "关于2023年度中央对地方转移支付农业相关转移支付资金绩效自评报告"),
    (BUDGET_DISCLOSURE, "成都市武侯区教育局2025年部门预算"),
    (SITE_CHROME_DEPARTMENT, "1、揭阳市榕城区卫生健康局2021年度部门整体支出绩效自评报告"),
    (WORK_SUMMARY, "2023年工作总结"),
], ids=["web chrome, split title", "关于…split title", "unit line above", "site chrome", "summary"])
def test_cover_title_skips_chrome_and_joins_lines(text, title):
    assert read_cover(doc_from_text(text)).title == title


# --- the gate in the pipeline ------------------------------------------------------------


def review_text(text: str, rubric: str | None = None):
    return review_document(doc_from_text(text), ReviewOptions(llm="off", rubric=rubric))


def test_final_accounts_get_no_self_evaluation_parts():
    review = review_text(FINAL_ACCOUNTS_FLAT)
    assert review.document.kind == "final_accounts"
    rules = {f.rule for f in review.findings if f.category == "missing_part"}
    assert not rules & {"part.problems", "part.measures", "part.conclusion", "element.score_grade",
                        "element.indicator_table"}


def test_unknown_document_says_so_and_checks_no_parts():
    review = review_text(WORK_SUMMARY)
    assert review.document.kind == "unknown"
    assert not [f for f in review.findings if f.category == "missing_part"]
    assert any("未能识别报告类型" in note for note in review.document.notes)


def test_explicit_rubric_still_wins_on_unknown_document():
    review = review_text(WORK_SUMMARY, rubric="department_overall")
    assert {"element.score_grade", "element.indicator_table"} <= {f.rule for f in review.findings}


def test_template_residue_collapses_to_one_finding_per_rule():
    review = review_text(TEMPLATE_DEPARTMENT)
    assert review.document.kind == "template"
    assert not [f for f in review.findings if f.category == "missing_part"]
    residue = [f for f in review.findings if f.category == "boilerplate"]
    assert residue
    rules = [f.rule for f in residue]
    assert len(rules) == len(set(rules))
    assert all(f.title.startswith("文件为未填写的模板") for f in residue)
    assert all(f.quote and f.grounded for f in residue)


# --- real files ----------------------------------------------------------------------------


def test_template_pdf_end_to_end(tmp_path):
    """A real published 部门决算 template (PDF, the benchmark's pd02): one finding per
    residue rule, not hundreds."""
    pdf = FIXTURES / "template_final_accounts.pdf"
    review, _ = review_file(pdf, ReviewOptions(llm="off"))
    assert review.document.kind == "template"
    assert review.document.unit == "上海市XX局"
    assert review.document.year == 2024
    assert len(review.findings) <= 10
    assert any("增加（减少）" in f.detail or "增加(减少)" in f.detail for f in review.findings)


def test_docx_project_report_end_to_end(tmp_path):
    """A DOCX written by python-docx: cover fields in a table, title over two paragraphs."""
    import docx

    d = docx.Document()
    d.add_paragraph("附件2")
    d.add_paragraph("2023年度中央财政衔接推进乡村振兴补助资金")
    d.add_paragraph("绩效自评报告")
    table = d.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["项目名称", "产业路硬化", "主管部门", "镇雄县农业农村局"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["实施单位", "镇雄县乡村振兴局", "年度资金总额", "300"]):
        cell.text = text
    d.add_paragraph("一、项目概况")
    d.add_paragraph("本项目硬化产业路5.2公里，根据《云南省财政厅关于下达2022年衔接资金的通知》实施。")
    path = tmp_path / "project.docx"
    d.save(path)
    review, _ = review_file(path, ReviewOptions(llm="off"))
    assert review.document.kind == "project"
    assert review.document.year == 2023
    assert review.document.unit == "镇雄县乡村振兴局"
