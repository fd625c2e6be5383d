"""Government-site boilerplate filter, applied line by line to the extracted body.

Three kinds of lines are removed:

* **furniture** – font-size bars (``字号：[大 中 小]``), print/close links (``【打印】【关闭窗口】``),
  share bars, "scan to open on your phone", breadcrumbs, view counters, previous/next links;
* **page footers and editor lines** – ICP / 公网安备 numbers, 版权所有 / Copyright, 主办/承办/
  技术支持, 网站标识码, 责任编辑 / 编辑 / 审核 / 校对 / (责编：…), 【纠错】;
* **metadata lines** – the date/source/author line printed under the headline (its content
  is kept in the metadata fields, not in the body).

Furniture spans inside a longer line are cut out and the rest kept.  Finally head and tail
runs of navigation (lines that are entirely link text, bare timestamps, one-word labels)
are trimmed.
"""
from __future__ import annotations

import re

# spans that are furniture wherever they appear
_SPAN_RES = [
    re.compile(r"[【\[〖（(]?\s*(?:字\s*号|字\s*体|文字大小|字体大小)\s*[:：]?\s*[〖【\[（(]?\s*"
               r"(?:大|小|中|默认|超大|特大|A\+|A-|A)(?:\s*[〗】\]）)|丨/·]?\s*[〖【\[（(]?\s*(?:大|中|小|默认|超大|特大|A\+|A-|A))*"
               r"\s*[〗】\]）)]*"),
    re.compile(r"[【\[〖]\s*(?:打印(?:本页|此页|文章|正文)?|关闭(?:本页|窗口|此页|本窗口)?|返回(?:顶部|首页|列表)?|"
               r"收藏(?:本页)?|加入收藏|纠错|我要纠错|推荐|分享|保存|大|中|小|默认|字体|字号|顶部|"
               r"下载|复制链接)\s*[】\]〗]"),
    re.compile(r"扫一扫在手机(?:上)?(?:打开|查看|阅读)(?:当前页|本页|此页)?"),
    re.compile(r"点击(?:右上角|浏览器下方).{0,30}?(?:分享|好友|朋友圈)(?:.{0,30}?(?:按钮|好友|朋友圈))*"),
    re.compile(r"(?:用)?(?:微信)?扫(?:一扫|描二维码)(?:分享|打开|关注)?(?:到朋友圈|本页|此页)?"),
    re.compile(r"(?:浏览次数|浏览量|阅读次数|点击数|点击量|访问量|阅读量|点击率|访问次数)\s*[:：]\s*\d*\s*(?:次)?"),
    re.compile(r"分享到\s*[:：]?"),
]

# a line matching one of these (and short) is furniture as a whole
# (pattern, longest line it may remove): a line matching one of these is furniture as a whole
_LINE_RES = [
    (re.compile(r"^\s*(?:您现在的位置|你现在的位置|您当前的位置|你当前的位置|您所在的位置|你所在的位置|您的位置|"
                r"你的位置|当前位置|现在位置|所在位置)\s*[:：是]?"), 200),
    # site footers: specific enough to remove a line of up to 80 characters
    (re.compile(r"(?:ICP|icp)\s*(?:备|证)|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                r"\s*ICP|公网安备|网站标识码|网站识别码|政府网站标识码|版权所有|Copyright|©|（C）|\(C\)|"
                r"All\s+Rights\s+Reserved|主办单位|承办单位|技术支持|主\s*办\s*[:：]|承\s*办\s*[:：]|"
                r"维护单位|制作单位|违法和不良信息举报|互联网新闻信息服务许可证", re.I), 80),
    (re.compile(r"最佳浏览效果|建议.{0,10}使用.{0,40}浏览器|(?:屏幕|显示)?分辨率\s*[:：]?\s*\d{3,4}\s*[*×xX]\s*\d{3,4}"), 120),
    # weaker footer words: only in short lines
    (re.compile(r"^(?!.*[，。！？；]).*(?:建议使用.{0,20}浏览器|分辨率|联系电话\s*[:：]|网站地图|联系我们|举报电话|"
                r"举报邮箱)"), 30),
    # editor lines
    (re.compile(r"^\s*[（(【\[]?\s*(?:责任编辑|责编|编辑|编\s*辑|审核|审稿|校对|终审|初审|复审|二审|三审|"
                r"责任校对|值班编辑|网络编辑|美编|监制|签发|排版|一审)\s*[:：\s]"), 60),
    # previous / next article links, with their titles
    (re.compile(r"^\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[:：]?"), 120),
    # one-word navigation and tool lines (the whole line is the word)
    (re.compile(r"^\s*[【\[]?\s*(?:上一页|下一页|首页|尾页|末页|相关新闻|相关阅读|相关链接|相关文章|热点推荐|推荐阅读|"
                r"为您推荐|猜你喜欢|热点新闻|点击排行|跟贴排行|延伸阅读|更多|更多>>|加载更多|查看更多|推荐新闻|热帖|热词|"
                r"(?:新闻|网友|精彩|热门|最新|相关)?评论|图集|打印|关闭|关闭窗口|关闭本页|打印本页|打印此页|返回顶部|"
                r"返回|设为首页|加入收藏|添加收藏夹?|分享(?:到|至)?[^，。：:]{0,8}|收藏|纠错|我要纠错|扫一扫|手机版|微信|微博|二维码|"
                r"附件下载|下载附件)\s*[】\]]?\s*[:：]?\s*$"), 20),
    # link-list teasers
    (re.compile(r"^\s*点击进入|>>\s*$|【详细】\s*$"), 60),
    (re.compile(r"^\s*(?:\|?\s*<<\s*)?(?:\d\s*)+(?:下一页|>>)"), 80),
    (re.compile(r"版权声明\s*[:：]\s*本(?:文|站|网)"), 200),
    (re.compile(r"^\s*(?:本文|本站|本网)(?:转载|来源|内容).{0,20}(?:版权|联系|删除)"), 120),
]

META_LINE_RE = re.compile(
    r"(?:发\s*布\s*日\s*期|发\s*布\s*时\s*间|发表时间|发稿时间|更新时间|信息来源|文章来源|稿件来源|来\s*源|"
    r"作\s*者|浏览次数|点击数|阅读次数|字\s*号|字\s*体|时\s*间|日\s*期)\s*[:：]")
_DATE_ONLY_RE = re.compile(r"^\s*[\[（(]?\s*(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                           r"(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?\s*[\]）)]?\s*$")


_DATELINE_RE = re.compile(
    r"^\s*(?:(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[（(]\s*(?:星期|礼拜|禮拜|周)[一二三四五六日天]\s*[)）]"
    r"(?:\s*\S{0,4}[時时]間\s*\d{1,2}\s*[時时:：]\s*\d{1,2}\s*分?)?"
    r"|\S{0,4}[時时]間\s*\d{1,2}\s*[時时:：]\s*\d{1,2}\s*分?)\s*$")
_END_MARK_RE = re.compile(r"^\s*[（(【\[\-—]*\s*(?:完|終|终|END|end)\s*[)）】\]\-—]*\s*$")


_SENT_END_RE = re.compile(r"[。！？!?；;：:，,]")
_CRUMB_PIECE_RE = re.compile(r"^.{1,12}(?:>|>>|»|›|→)$")


def strip_spans(line: str) -> str:
    for rx in _SPAN_RES:
        line = rx.sub(" ", line)
    return re.sub(r"\s+", " ", line).strip()


def is_furniture_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return True
    z = re.sub(r"\s", "", s)
    n = len(z)
    for rx, longest in _LINE_RES:
        # long lines are body text that merely mentions a word; only short ones go
        if n <= longest and (rx.search(s) or rx.search(z)):  # "人 民 网 版 权 所 有" is spaced out
            return True
    return False


TOOL_WORDS = {"打印", "打印本页", "打印此页", "打印文章", "打印正文", "关闭", "关闭窗口", "关闭本页", "关闭此页",
              "返回", "返回顶部", "返回首页", "返回列表", "顶部", "收藏", "加入收藏", "收藏本页", "分享", "分享到",
              "纠错", "我要纠错", "大", "中", "小", "默认", "超大", "特大", "放大", "缩小", "标准", "A+", "A-", "A",
              "字号", "字体", "T", "保存", "推荐", "复制链接", "下载", "【", "】"}
_TOOL_SPLIT_RE = re.compile(r"[\s|丨│/·:：\-—【】\[\]〖〗()（）<>《》]+")


def is_tool_line(line: str) -> bool:
    """``字号 大 中 小 | 打印 | 关闭窗口``, ``〖大 中 小〗``: nothing but page-tool words."""
    toks = [t for t in _TOOL_SPLIT_RE.split(line) if t]
    return bool(toks) and all(t in TOOL_WORDS for t in toks)


def is_meta_line(line: str) -> bool:
    """The 'date / source / author / views' line printed under the headline."""
    s = line.strip()
    if len(s) > 160 or not META_LINE_RE.search(s):
        return False
    # remove all label:value pairs; little must remain
    rest = re.sub(r"(?:发布日期|发布时间|发表时间|发稿时间|更新时间|信息来源|文章来源|稿件来源|来源|作者|"
                  r"浏览次数|点击数|阅读次数|字号|字体|时间|日期)\s*[:：]\s*\S*", "", s)
    rest = strip_spans(rest)
    rest = re.sub(r"[\s|丨│/·:：\-—]+", "", rest)
    return len(rest) <= max(12, len(s) // 4)


def is_date_only(line: str) -> bool:
    return bool(_DATE_ONLY_RE.match(line))


def filter_lines(lines: list[str], *, title: str | None = None, breadcrumb: str | None = None,
                 link_texts: set | None = None) -> list[str]:
    """Apply the boilerplate filter; returns the kept lines."""
    link_texts = link_texts or set()
    ztitle = re.sub(r"\s+", "", title or "")
    zcrumb = re.sub(r"\s+", "", breadcrumb or "")
    out: list[str] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        z = re.sub(r"\s+", "", line)
        if ztitle and len(out) < 3 and (z == ztitle or z.strip("【】[]《》“”") == ztitle.strip("【】[]《》“”")):
            continue
        if zcrumb and z in (zcrumb, re.sub(r"\s+", "", "当前位置" + (breadcrumb or ""))):
            continue
        if is_furniture_line(line) or is_meta_line(line) or is_tool_line(line):
            continue
        stripped = strip_spans(line)
        if stripped != line:
            if not re.sub(r"[\s|丨│/·:：\-—【】\[\]〖〗]+", "", stripped) or is_tool_line(stripped):
                continue
            line = stripped
        out.append(line)

    # trim navigation runs at the head and the tail
    long_links = [t for t in link_texts if len(t) >= 6]

    def navish(ln: str) -> bool:
        z = re.sub(r"\s+", "", ln)
        if len(z) <= 1 or (is_date_only(ln) and "年" not in z):
            return True  # a bare "2018-03-02 08:58:39" belongs to a link list
        if z in link_texts and len(z) <= 60:
            return True
        if len(z) <= 80 and any(len(t) >= 0.6 * len(z) and t in z for t in long_links):
            return True  # "1 63675 <headline link>": a ranked link list
        if _CRUMB_PIECE_RE.match(z):
            return True
        return False

    def short(ln: str) -> bool:
        z = re.sub(r"\s+", "", ln)
        return len(z) <= 8 and not _SENT_END_RE.search(z)

    changed = True
    while changed and out:
        changed = False
        # a closing dateline ("2024年12月20日（星期五）", "香港時間17時45分") and an end mark ("完")
        while out and (navish(out[-1]) or _DATELINE_RE.match(out[-1]) or
                       (_END_MARK_RE.match(out[-1]) and len(out) > 1)):
            out.pop()
            changed = True
        # a tail block of three or more one-word lines is a menu or a tab bar, not a signature
        k = len(out)
        while k > 0 and (short(out[k - 1]) or navish(out[k - 1])):
            k -= 1
        if len(out) - k >= 3 and k > 0:
            del out[k:]
            changed = True
    while out and navish(out[0]) and len(out) > 1:
        out.pop(0)
    return out
