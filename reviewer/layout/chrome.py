"""Web-page and document-site chrome: navigation trails, publishing metadata, font and
share widgets, document-sharing banners. Such lines are left out of every block (they
stay in the document text, so offsets hold) and recorded with the reason."""
from __future__ import annotations

import re

from ..textmatch import fold

# Each rule: (reason, pattern on the folded line). A line matches when the pattern is
# found and the line is short and not a sentence of the report.
_RULES: list[tuple[str, re.Pattern]] = [
    ("导航路径", re.compile(r"^(?:您?(?:当前|现在)?(?:的|所在的?)?位置[:：]?|首页>)|首页>>|>>.*>>|首页>.+>")),
    ("网站功能", re.compile(r"设为首页|加入收藏|无障碍|长辈版|网站地图|返回顶部|关闭窗口|分享到|【打印】|^打印$|】打印$|扫一扫")),
    ("字体与配色", re.compile(r"字体(?:大小)?[:：]?[【\[(（]?大中小|字号[:：]?[【\[]?大中小|文字大小|字体大小|背景色")),
    ("发布信息", re.compile(r"发布时间|发布日期|浏览次数|浏览量|点击(?:数|量|次数)|阅读(?:次数|量)|访问量")),
    ("文档站横幅", re.compile(r"由会员分享|下载文档|当前文档共\d+页|下载后继续阅读|珍藏版|在线阅读|"
                          r"你想要的内容|\d+(?:\.\d+)?KB|[a-z0-9-]+\.(?:com|cn|net|org)\b.*(?:文库|下载|搜索|独有)|"
                          r"(?:文库|网)[(（][a-z0-9.-]+[)）]")),
]
# Keys of the metadata lists government sites put above a document.
_META_KEYS = ("索引号", "发布机构", "公开目录", "主题分类", "组配分类", "信息分类", "内容分类", "成文日期",
              "文号", "时效性", "主题词", "关键词", "废止时间", "有效性", "公开方式", "公开范围", "生成日期",
              "发文机关", "发布日期", "浏览量", "来源")
_META_KEY = re.compile(r"^[•·\-*]?(?:" + "|".join(_META_KEYS) + r")[:：]?")
_BULLET_ONLY = re.compile(r"^[•·\-*|｜]+$")
_FILE_NAME = re.compile(r"^(.{4,80}?\.(?:pdf|docx?|xlsx?|wps))(?:\1)+$", re.IGNORECASE)
_SENTENCE = re.compile(r"[。；;！？!?]")
_MAX_CHROME = 90  # folded characters: longer lines are report text that mentions the words


def chrome_reason(folded: str) -> str | None:
    """Why a folded line is chrome, or None."""
    if not folded:
        return None
    if _BULLET_ONLY.match(folded):
        return "列表符号"
    m = _FILE_NAME.match(folded)
    if m:
        return "重复的文件名"
    if len(folded) > _MAX_CHROME:
        # Document-site banners can be long, but always name the sharing.
        return "文档站横幅" if re.search(r"由会员分享|珍藏版|下载文档", folded) else None
    for reason, pattern in _RULES:
        if pattern.search(folded):
            if reason == "发布信息" and _SENTENCE.search(folded):
                continue
            return reason
    if _META_KEY.match(folded) and not _SENTENCE.search(folded):
        return "公开信息列表"
    return None


def find_chrome(lines: list[str]) -> list[str | None]:
    """Reason per line (None = keep). A metadata list is read as a run: a key printed on
    its own line takes the short value on the next line with it."""
    folded = [fold(t) for t in lines]
    reasons = [chrome_reason(f) for f in folded]
    for i, f in enumerate(folded):
        if not reasons[i] or i + 1 >= len(folded) or reasons[i + 1]:
            continue
        key = _META_KEY.match(f)
        value = folded[i + 1]
        # "• 发布机构" then "• 保山市卫生健康委员会": the key line holds nothing else, and
        # the list goes on after the value (a key left empty at the end of the list is
        # followed by the document's own title, which stays).
        list_goes_on = i + 2 < len(folded) and bool(reasons[i + 2])
        if key and key.end() >= len(f) and 0 < len(value) <= 40 and not _SENTENCE.search(value) \
                and not _META_KEY.match(value) and list_goes_on:
            reasons[i + 1] = reasons[i]
    # Site metadata lines cut at the left edge ("号: 003191906/…") inside a chrome run.
    for i, f in enumerate(folded):
        if reasons[i] is None and 0 < len(f) <= 60 and not _SENTENCE.search(f) \
                and re.match(r"^[\u4e00-\u9fff]{1,2}[:：]", f) \
                and i > 0 and reasons[i - 1] and i + 1 < len(folded) and reasons[i + 1]:
            reasons[i] = "公开信息列表"
    return reasons
