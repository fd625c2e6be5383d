"""Deterministic generator of varied government-news Chinese text.

Every sentence is assembled from templates and vocabulary with a seeded ``random.Random`` and
carries numbers, places or names drawn from large pools, so different stories do not share
sentences. ``Generator.unique`` rejects a sentence already used in this replica.
"""
from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙史陶贺顾毛郝龚邵万钱严覃武戴莫孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红云峰斌波辉鹏宇浩凯健俊帆晨鑫晓蕾岚雪梅琳婷雯萍玉兰亮宁新利清飞彬富顺信子杰涵晗瑶"
# characters outside GB2312 but inside GBK (see the seeds README): used in names
GBK_ONLY_NAME = ["镕", "喆", "堃", "昇", "祎", "玥", "堉", "琤", "犇", "玙", "旻", "镕", "喆", "堃"]

CITIES = {
    "changzhou": ["常州", ["天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市", "经开区"],
                  ["西太湖", "科教城", "两湖创新区", "高铁新城", "青果巷", "龙城大道", "滆湖", "长荡湖"]],
    "changshu": ["常熟", ["虞山街道", "常福街道", "琴川街道", "莫城街道", "碧溪街道", "东南街道", "梅李镇", "海虞镇", "古里镇", "沙家浜镇", "支塘镇", "董浜镇", "尚湖镇", "辛庄镇"],
                 ["尚湖", "虞山", "沙家浜", "常熟经开区", "常熟高新区", "琴川河", "方塔街", "海虞港区"]],
    "wuhan": ["武汉", ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "蔡甸区", "江夏区", "黄陂区", "新洲区"],
              ["光谷", "车谷", "长江新区", "武汉新城", "汉江湾", "东湖", "沙湖", "花湖机场"]],
    "jiangyin": ["江阴", ["澄江街道", "南闸街道", "云亭街道", "夏港街道", "申港街道", "利港街道", "璜土镇", "月城镇", "青阳镇", "徐霞客镇", "华士镇", "周庄镇", "新桥镇", "长泾镇", "顾山镇", "祝塘镇"],
                 ["临港经济开发区", "高新区", "靖江园区", "黄山湖", "鹅鼻嘴公园", "长江岸线"]],
    "hongkong": ["香港", ["中西区", "灣仔區", "東區", "南區", "油尖旺區", "深水埗區", "九龍城區", "黃大仙區", "觀塘區", "葵青區", "荃灣區", "屯門區", "元朗區", "北區", "大埔區", "沙田區", "西貢區", "離島區"],
                 ["北部都會區", "啟德", "中環", "將軍澳", "東涌", "洪水橋", "落馬洲河套"]],
}

ORGS = ["市发展改革委", "市工信局", "市科技局", "市教育局", "市民政局", "市财政局", "市人社局",
        "市自然资源和规划局", "市生态环境局", "市住建局", "市交通运输局", "市水利局", "市农业农村局",
        "市商务局", "市文广旅局", "市卫健委", "市应急管理局", "市市场监管局", "市医保局", "市数据局",
        "市城管局", "市司法局", "市审计局", "市统计局", "市税务局", "市工商联", "市妇联", "团市委", "市总工会",
        "市侨联", "市科协", "市残联", "市红十字会"]
ROLES = ["市政协委员", "市政协常委", "市政协副主席", "民革市委会主委", "民盟市委会副主委", "民建市委会专职副主委",
         "民进市委会委员", "农工党市委会副主委", "致公党市委会委员", "九三学社市委会主委", "市工商联副主席",
         "市政协提案委员会主任", "市政协经济委员会副主任", "市政协社会法制委员会主任", "区政协主席"]
TOPICS = ["新能源产业发展", "智能制造", "数字经济", "城市更新", "老旧小区改造", "养老服务体系", "托育服务",
          "学前教育", "职业教育", "乡村振兴", "农村人居环境整治", "河湖生态保护", "太湖治理", "大气污染防治",
          "营商环境优化", "民营经济发展", "专精特新企业培育", "科技成果转化", "人才引育", "文旅融合",
          "历史文化街区保护", "非遗传承", "公共卫生服务", "基层医疗", "医保支付改革", "食品安全监管",
          "安全生产", "社会治理", "社区服务", "公共交通", "停车难治理", "轨道交通建设", "港口物流",
          "跨境电商", "外资招引", "产业链协同", "绿色金融", "普惠金融", "低空经济", "合成生物", "氢能产业",
          "光伏产业", "储能产业", "半导体材料", "生物医药", "未来产业布局", "高标准农田建设", "粮食安全",
          "垃圾分类", "海绵城市", "韧性城市", "无障碍环境建设", "青少年心理健康", "全民健身", "体育消费",
          "夜间经济", "数字政府", "政务服务一网通办", "知识产权保护", "公共法律服务", "矛盾纠纷调解",
          "退役军人服务", "新就业形态劳动者权益", "灵活就业", "高校毕业生就业", "住房保障", "长租公寓",
          "物业管理", "电动自行车安全", "燃气安全", "消防安全", "防汛抗旱", "应急物资储备"]
VERBS = ["推进", "深化", "加快", "强化", "完善", "优化", "健全", "提升", "拓展", "创新", "落实", "统筹"]
OBJECTS = ["工作机制", "政策体系", "服务平台", "考核办法", "协同机制", "资金保障", "数据共享", "监管体系",
           "标准体系", "试点示范", "人才队伍", "基础设施", "要素保障", "应用场景", "评价体系", "联动机制",
           "服务网络", "配套政策", "信息平台", "长效机制", "督查机制", "容错机制", "激励办法", "项目库"]
ADJ = ["扎实", "有序", "稳步", "全面", "持续", "大力", "积极", "切实", "深入", "加力", "系统", "精准"]
MEETINGS = ["专题协商会", "座谈会", "调研视察", "民主监督活动", "对口协商会", "提案督办会", "界别协商会",
            "常委会议", "主席会议", "双月协商座谈会", "委员工作室活动", "重点提案办理推进会"]
UNITS = ["个", "项", "家", "所", "条", "座", "处", "场", "件", "户"]
MONEYS = ["万元", "亿元"]

TEMPLATES = [
    "{date}，{org}召开{topic}{meeting}，{n1}名委员和{org2}负责同志参加，{role}{name}主持会议。",
    "{name}{role_tail}围绕{topic}提出建议，要{verb}{obj}，{verb2}{obj2}，力争到{year}年{topic2}取得明显成效。",
    "据统计，今年以来全市{topic}累计投入资金{money}，新建{obj_short}{n2}{unit}，惠及群众{n3}万人次。",
    "会议指出，{topic}事关群众切身利益，要坚持问题导向，{adj}{verb}{obj}，确保各项措施落地见效。",
    "{place}{adj}{verb}{topic}，{period}共完成项目{n2}个，完成投资{money}，同比增长{pct}%。",
    "在{place}，{org}联合{org2}开展{topic}专项行动，排查问题{n3}处，已整改{n4}处，整改率达{pct2}%。",
    "{name}表示，下一步将聚焦{topic}中的堵点难点，{verb}{obj}，推动{topic2}提质增效。",
    "与会委员认为，{topic}是{cityname}高质量发展的重要支撑，建议{adj}{verb}{obj}，形成可复制可推广的经验。",
    "调研组先后走访了{place}、{place2}等{n1}个点位，实地察看{topic}推进情况，听取{org}工作汇报。",
    "截至{month}月底，{cityname}{topic}重点任务已完成{pct2}%，其中{n2}项任务提前完成年度目标。",
    "{org}负责同志介绍，{year}年将安排专项资金{money}，重点支持{topic}和{topic2}领域的{n1}个项目。",
    "大家一致认为，要把{topic}作为{verb}{obj}的重要抓手，{adj}推动{topic2}与{topic3}协同发展。",
    "{name}委员建议，在{place}试点建设{topic}综合服务中心，配套{n1}名专职人员，{verb}{obj}。",
    "会上，{org}通报了第{n1}号提案办理情况，相关单位逐条回应委员关切，明确整改时限为{month}月{day}日前。",
    "{role}{name}在讲话中强调，要{adj}{verb}{obj}，以{topic}的实际成效检验履职成果。",
    "去年全市{topic}新增{obj_short}{n3}{unit}，覆盖{place}等{n1}个板块，群众满意度达到{pct3}%。",
    "针对{topic}中存在的{obj}不健全问题，{org}牵头制定了{n1}条具体措施，计划在{year}年底前全部落实。",
    "委员们还就{topic}、{topic2}等议题与{org}进行了互动交流，现场提出意见建议{n2}条。",
]
OBJ_SHORT = ["服务站点", "示范点", "项目", "设施", "驿站", "站点", "基地", "平台"]
PERIOD = ["一季度", "上半年", "前三季度", "今年以来", "近三年来", "“十四五”以来", "近年来"]

# Cantonese / HKSCS words (encodable in big5hkscs, not in cp950): checked by the tests
HKSCS_WORDS = ["喺", "嘅", "啱", "噚", "嘢", "咗", "冇", "嚟", "佢", "瞓", "揾", "攰"]


import string as _string



class _Ctx:
    __slots__ = ("r", "names", "year", "cityname", "pool", "t")

    def __init__(self, r, names, year, city):
        self.r, self.names, self.year = r, names, year
        self.cityname, self.pool = _CITY_CTX[city]
        self.t = None


def _topics(r, c):
    if c.t is None:
        n = len(TOPICS)
        a = int(r() * n)
        b = (a + 1 + int(r() * (n - 1))) % n
        x = a
        while x == a or x == b:
            x = int(r() * n)
        c.t = (TOPICS[a], TOPICS[b], TOPICS[x])
    return c.t


def _g(n: int) -> str:
    return f"{n / 10:g}"


def _money(r) -> str:
    n = 12 + int(r() * 9789)
    return (f"{n / 10:g}" if r() < 0.5 else str(n)) + MONEYS[int(r() * len(MONEYS))]


def _pick_expr(seq_name: str, seq) -> str:
    return f"{seq_name}[int(r() * {len(seq)})]"


# each template field -> a Python expression (of r = rng.random and c = _Ctx) giving its text
_EXPR = {
    "date": 'str(1 + int(r() * 12)) + "月" + str(1 + int(r() * 28)) + "日"',
    "org": _pick_expr("ORGS", ORGS), "org2": _pick_expr("ORGS", ORGS),
    "topic": "_topics(r, c)[0]", "topic2": "_topics(r, c)[1]", "topic3": "_topics(r, c)[2]",
    "meeting": _pick_expr("MEETINGS", MEETINGS), "role": _pick_expr("ROLES", ROLES),
    "n1": "str(3 + int(r() * 58))", "n2": "str(2 + int(r() * 479))", "n3": "str(12 + int(r() * 9789))",
    "n4": "str(5 + int(r() * 896))",
    "role_tail": '("" if r() < 0.5 else ("委员", "常委")[int(r() * 2)])',
    "name": "c.names[int(r() * len(c.names))]",
    "verb": _pick_expr("VERBS", VERBS), "verb2": _pick_expr("VERBS", VERBS),
    "obj": _pick_expr("OBJECTS", OBJECTS), "obj2": _pick_expr("OBJECTS", OBJECTS),
    "year": "str(c.year + int(r() * 3))", "money": "_money(r)",
    "obj_short": _pick_expr("OBJ_SHORT", OBJ_SHORT), "unit": _pick_expr("UNITS", UNITS),
    "place": "c.pool[int(r() * len(c.pool))]", "place2": "c.pool[int(r() * len(c.pool))]",
    "adj": _pick_expr("ADJ", ADJ), "period": _pick_expr("PERIOD", PERIOD),
    "pct": "_g(10 + int(r() * 391))", "pct2": "_g(600 + int(r() * 401))", "pct3": "_g(850 + int(r() * 150))",
    "cityname": "c.cityname", "month": "str(1 + int(r() * 12))", "day": "str(1 + int(r() * 28))",
}


def compile_template(template: str, exprs: dict | None = None, namespace: dict | None = None):
    """Turn a str.format template into ``f(r, c) -> str`` drawing only the fields it uses."""
    exprs = exprs or _EXPR
    parts = []
    for lit, field, _, _ in _string.Formatter().parse(template):
        if lit:
            parts.append(repr(lit))
        if field:
            parts.append(exprs[field])
    return eval("lambda r, c: " + " + ".join(parts), namespace or globals())  # noqa: S307 - our own templates


_compile = compile_template


_COMPILED = [_compile(t) for t in TEMPLATES]
_CITY_CTX = {k: (v[0], tuple(v[1] + v[2])) for k, v in CITIES.items()}


class Generator:
    """Text generator bound to one replica (one seed); remembers every sentence used."""

    def __init__(self, seed: int):
        self.seed = seed
        self.used: set[str] = set()
        self.titles: set[str] = set()
        self._last = -1

    def unique_title(self, title: str, rng: random.Random) -> str:
        t = title
        k = 0
        while t in self.titles:
            k += 1
            cityname, districts, places = CITIES["changzhou"]
            t = f"{title}（{rng.choice(['第', ''])}{k + 1}）" if k > 3 else f"{rng.choice(PERIOD)}{title}" if k == 1 else f"{title}（{rng.choice(ADJ)}推进）"
        self.titles.add(t)
        return t

    def doc_title(self, rng: random.Random, government: bool = True) -> str:
        who = rng.choice(["常州市人民政府", "常州市人民政府办公室"]) if government else rng.choice(ORGS).replace("市", "常州市", 1)
        what = rng.choice(TOPICS) + rng.choice(["三年行动计划", "实施方案", "若干措施", "管理办法", "工作方案", "专项行动方案", "考核办法"])
        return rng.choice([f"{who}关于印发{what}的通知", f"{who}关于{rng.choice(VERBS)}{rng.choice(TOPICS)}工作的意见",
                           f"{who}关于公布{rng.choice(TOPICS)}{rng.choice(['示范点', '试点单位', '项目'])}名单的通知",
                           f"{who}关于{what}的公告"])

    def name(self, rng: random.Random, gbk_only: bool = False) -> str:
        s = rng.choice(SURNAMES)
        if gbk_only:
            return s + rng.choice(GIVEN) + rng.choice(GBK_ONLY_NAME) if rng.random() < 0.5 else s + rng.choice(GBK_ONLY_NAME)
        return s + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")

    def sentence(self, rng: random.Random, city: str, names: list[str], year: int) -> str:
        r = rng.random
        ctx = _Ctx(r, names, year, city)
        s = ""
        n = len(_COMPILED)
        for _ in range(20):
            ctx.t = None
            i = int(r() * n)
            if i == self._last:       # no template twice in a row
                i = (i + 1 + int(r() * (n - 1))) % n
            self._last = i
            s = _COMPILED[i](r, ctx)
            if s not in self.used:
                self.used.add(s)
                return s
        self.used.add(s)
        return s

    def name_sentence(self, rng: random.Random, name: str, city: str, year: int) -> str:
        """A sentence that certainly mentions `name`."""
        for _ in range(50):
            s = self.sentence(rng, city, [name], year)
            if name in s:
                return s
        s = f"{name}委员参加{rng.choice(TOPICS)}{rng.choice(MEETINGS)}并发言（{year}年第{rng.randint(1, 99)}次）。"
        self.used.add(s)
        return s

    def story(self, rng: random.Random, city: str, year: int, gbk_names: bool = False,
              min_chars: int = 300, paragraphs: tuple[int, int] = (3, 12)) -> tuple[str, list[str], list[str]]:
        """Return (title, paragraphs, names) for a new story."""
        names = [self.name(rng, gbk_only=gbk_names and i == 0) for i in range(rng.randint(2, 4))]
        if gbk_names and rng.random() < 0.5:
            names.append(self.name(rng, gbk_only=True))
        topic = rng.choice(TOPICS)
        title = rng.choice([
            "{c}市政协召开{t}专题协商会", "{c}市政协调研{t}工作", "市领导督办{t}重点提案",
            "{n}带队视察{t}推进情况", "委员建言{t}：{v}{o}", "{c}{t}工作推进会召开",
            "{t}民主监督工作启动", "关于{t}的提案办理情况通报", "{c}市{t}三年行动计划实施情况",
            "聚焦{t} 助力高质量发展", "{v}{t}{o}座谈会召开",
        ]).format(c=CITIES[city][0] if city != "hongkong" else "香港", t=topic, n=names[0],
                  v=rng.choice(VERBS), o=rng.choice(OBJECTS))
        npara = rng.randint(*paragraphs)
        paras: list[str] = []
        total = 0
        i = 0
        while i < npara or total < min_chars:
            k = rng.randint(1, 4)
            p = "".join(self.sentence(rng, city, names, year) for _ in range(k))
            paras.append(p)
            total += len(p)
            i += 1
            if len(paras) >= paragraphs[1] and total >= min_chars:
                break
        return title, paras, names
