"""Platform names the registry does not know, kept when the text marks them as a website, app,
mini program, account or company, or lists them beside known ones."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import partial

from diffing.company_names import (
    COMPANY_END,
    INSTITUTION_HINT,
    INSTITUTION_NOT,
    branded,
    company_names,
    declared_brands,
    institution_names,
)
from diffing.found import Found
from diffing.registry import PlatformRegistry
from diffing.scans import compile_alternatives, compile_scan
from diffing.spans import Occupancy
from diffing.text import PreparedText

# Quoted phrases looked at per sentence: prose names a handful; a sentence of hundreds of
# quotes is data or noise, and each costs a look around it.
MAX_QUOTED_PER_SENTENCE = 24


_QUOTED = re.compile(
    r"“(?P<a>[^“”\n。，,；;！？!?：:]{1,30})”"
    r"|「(?P<b>[^「」\n。，,；;！？!?：:]{1,30})」"
    r"|『(?P<c>[^『』\n。，,；;！？!?：:]{1,30})』"
    r'|"(?P<d>[^"\n。，,；;！？!?：:]{1,40})"'
    r"|《(?P<e>[^《》\n。，,；;！？!?：:]{1,30})》"
    # ”A”、”B”等: pages that lost their opening marks close both sides of the names of a list;
    # well-formed text never has a closing mark after a closing mark with no opening one between.
    # (The mark is tested after it is taken: with every alternative opening on a mark, a scan
    # passes over the other characters at once, a fifth of the time of a lookbehind first.)
    r"|”(?<![“A-Za-z0-9]”)(?P<f>[^“”\n。，,；;！？!?：:、]{1,30})”(?=\s*(?:[、”]|等|和|及|与))"
)
_AT_NAME = re.compile(
    r"@(?!所有人|全体成员|everyone\b|all\b)(?P<name>(?![\d.]+(?:\s|$))[^\s@，,。、；;：:“”\"（）()等]{1,30}(?:\s(?!and\b|or\b)[^\s@，,。、；;：:“”\"（）()]{1,20}){0,3})"
)
_LIST_CONTINUES = re.compile(
    r"(?:\s*(?:、|,|，|和|及|与|以及|and|or)?\s*(?:“[^“”\n]{1,30}”|”[^“”\n、]{1,30}”|「[^「」\n]{1,30}」|《[^《》\n]{1,30}》|\"[^\"\n]{1,40}\"|@[^\s，,。、；;]{1,30}))*"
)
_ZH_TAIL = re.compile(r"\s*(?P<etc>等(?:一批|多个|若干|一系列|多款|多家)?)?(?P<filler>[^，。；;、“”\n,]*)")
_ZH_TAIL_AFTER_ETC = re.compile(r"\s*(?P<etc>等(?:一批|多个|若干|一系列|多款|多家)?)(?P<filler>[^，。；;“”\n,]*)")
_EN_TAIL = re.compile(
    r"\s*(?P<etc>,?\s*and\s+(?:several\s+|a\s+number\s+of\s+)?other\s+)?(?P<filler>(?:[a-z-]+\s+){0,4})"
)
_EN_FUNCTION_WORDS = frozenset({
    "of", "in", "on", "at", "to", "for", "from", "by", "with", "against", "about", "that",
    "which", "who", "and", "or", "the", "a", "an", "is", "are", "was", "were", "be", "been",
    "has", "have", "had", "will", "would",
})
_SEPARATOR_AT_END = re.compile(r"(?:、|,|，|和|及|与|(?<![a-z])(?:and|or))\s*$")
_CLOSING_QUOTES = {"”": "“", "\"": "\"", "」": "「", "』": "『", "》": "《"}


def _strip_list_tail(before: str) -> str:
    """``before`` without the names and separators it ends with ("…such as “A”、“B”和" is
    "…such as"): one step per name, never a scan of the whole list from every position."""
    text = before
    while True:
        text = text.rstrip()
        separator = _SEPARATOR_AT_END.search(text[-6:])
        if separator:
            text = text[: len(text) - (len(text[-6:]) - separator.start())]
            continue
        if text and text[-1] in _CLOSING_QUOTES:
            opening = text.rfind(_CLOSING_QUOTES[text[-1]], max(0, len(text) - 42), len(text) - 1)
            if opening == -1:
                return text
            text = text[:opening]
            continue
        at = text.rfind("@", max(0, len(text) - 31))
        if at != -1 and not re.search(r"[\s，,。、；;]", text[at + 1:]):
            text = text[:at]
            continue
        return text
_AMONG_THEM = re.compile(
    r"\s*(?:among\s+them\s+(?:were|are|was|is)|these\s+include[ds]?|they\s+include[ds]?"
    r"|其中包括|其中有|其中)\s*[:：]?\s*"
)
_SUCH_AS = re.compile(r"(?:such\s+as|including|like|如|包括|例如)\s*$")


# A quoted word that names a campaign, a practice or a category, not a platform: “清朗”系列专项行动,
# “饭圈”乱象, “二选一”要求, 各类违规“自媒体”账号.
_HEADING_BEFORE = re.compile(r"(?:^|\n)\s*(?:\d{1,2}\s*[.、．]|[①-⑳]|[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]、)\s*$")
_HEADING_AFTER = re.compile(r"\s*[:：]")
_NOT_NAME_AFTER = re.compile(
    # “刷榜”、“网红经济”等专项整治: every quoted item of a list the campaign word closes
    # (“A”“B”等6个频道: the channels, sections of a platform, named side by side)
    r"(?:\s*[、，,和及与]?\s*[“「『\"][^”」』\"\n]{1,16}[”」』\"])*\s*(?:等)?"
    r"\s*(?:[\d一二两三四五六七八九十]+\s*个)?"
    r"\s*(?:系列|类)?(?:专项行动|行动|专项|活动|乱象|整治|运动|要求|行为|条款|计划|现象|模式|问题|理念|口号|"
    r"频道|栏目|版块|板块|专区|"
    # a slogan a body works or meets under (落实“某某”工作, “某某”工作会议, “某某”政策)
    r"工作|会议|政策|工程|精神|"
    # words shown on a page (“某某”选项, “某某”字样, “某某”按钮, “某某”关键词)
    r"选项|字样|字段|按钮|标签|词条|关键词|"
    # the streamers a campaign arrested or banned (“某某女”等一批…主播): people, not platforms
    r"一批[^，,。；;]{0,12}主播|主播|网红|"
    r"campaign|crackdown|practice)"
)
# Words of the online ecosystem regulators quote (“自媒体”账号, “水军”, “网红经济”): kinds, not names.
# A kind with its lead word is still a kind (网络水军, 职业黑公关); so are an account's "rebirth"
# after its closure (被处置账号“重生”“转世”) and a date or a number quoted (“3·15”, “618”).
_JARGON = compile_scan(r"(?:自媒体|网红|顶流|水军|饭圈|黑公关|标题党|软色情|流量经济|网红经济|刷榜|刷单|刷量|控评|刷评控评|大v|僵尸粉"
                     r"|重生|转世|复活|换马甲|马甲"
                     # kinds of service and of illicit trade (“短视频”平台, “黑产”网站, “网贷”App)
                     r"|短视频|长视频|直播|直播带货|带货|社交|电商|网购|网游|网约车|外卖|二手|网贷|现金贷|校园贷|套路贷"
                     r"|黑产|灰产|黑灰产|黑产链|暗网|翻墙|网暴|网络暴力|洗稿|蹭热点|流量造假|大数据杀熟|杀熟|弹窗|开屏广告|种草"
                     r"|打赏|黄播|僵尸|僵尸号|三假"
                     # the personal data a notice quotes (“姓名”“电话号码”)
                     r"|姓名|电话|电话号码|手机号|手机号码|身份证|身份证号|身份证号码|住址|地址|通讯录|位置信息"
                     # the people the trade's words describe (“网红儿童”, “顶流”主播, “大V”博主)
                     r"|(?:网红|顶流|大v)(?:儿童|主播|博主|达人|明星|艺人))$")
# A conduct quoted as a finding (“未向用户明示…目的”, “擅自收集…”): what an app did, not its name.
_CONDUCT_START = re.compile(r"未(?!来|成年)|没有|擅自|拒不|违规|违反|超范围|强制|散播|散布|传播|编造|宣扬|鼓吹|炒作")
# 传播“某某文化”的账号: what is spread or hyped is content, not a name.
_CONTENT_VERB_BEFORE = re.compile(r"(?:传播|散播|散布|宣扬|鼓吹|炒作|渲染|美化|编造)\s*$")
_CONDUCT_LONGEST_NAME = 4
_JARGON_LEAD = re.compile(r"(?:网络|职业|专业|网上|线上)?")
_NUMBER_ONLY = re.compile(r"[\d·.．/\-]+")
# 涉“某某”主播, 涉嫌“某某”: what the accounts are involved in is a kind of violation (涉事“某某”
# names the one involved and stays a name).
_CATEGORY_BEFORE = re.compile(r"(?:各类|各种|违规|违法|不良|此类|这类|一些|(?<!交)涉|涉嫌)\s*$")
_QUOTED_LIST_GAP = re.compile(r"[”」』》\"]\s*(?:、|和|及|与|,|，)?\s*[“「『《\"]")


def _is_jargon(text: str, start: int, end: int) -> bool:
    jargon = _JARGON.search(text, start, end)
    return jargon is not None and _JARGON_LEAD.fullmatch(text, start, jargon.start()) is not None


def _quoted_around_registry_name(text: str, known: Sequence[Found], start: int, end: int) -> None:
    """“咪咕善跑APP”, “QQ输入法”: a quoted name that begins with a registry name is one mention,
    the whole quoted name, under that registry id (the product of that platform's owner)."""
    inside = [item for item in known if start <= item.start and item.end <= end]
    overlapping = [item for item in known if item.start < end and start < item.end]
    if len(inside) == 1 and len(overlapping) == 1 and inside[0].id is not None and inside[0].start == start \
            and not _DOCUMENT_TITLE.search(text, start, end):
        inside[0].end = end


def unknown_names(prepared: PreparedText, registry: PlatformRegistry, language: str,
                   known: Sequence[Found]) -> list[Found]:
    text = prepared.text
    found: list[Found] = []
    for match in _AT_NAME.finditer(text):
        name_end = match.end("name")
        cut = re.search(r"[等和及与]", match.group("name"))
        if cut:
            name_end = match.start("name") + cut.start()
        # A handle goes on over spaces only while its words are capitalised in the original
        # ("@Smoky Kam, …" but "@MouMouFinance that spread …").
        for word in re.finditer(r"\s(\S+)", text[match.start("name"):name_end]):
            first = match.start("name") + word.start(1)
            if not prepared.original_text(first, first + 1).isupper():
                name_end = match.start("name") + word.start()
                break
        if name_end > match.start("name"):
            found.append(Found(match.start(), name_end, None, "account"))
    taken = Occupancy(len(text))
    for item in list(known) + found:
        taken.take(item.start, item.end)
    per_sentence: dict[int, int] = {}
    for match in _QUOTED.finditer(text):
        group = match.lastgroup or "a"
        start, end = match.start(group), match.end(group)
        if not taken.free(start, end):
            if language == "zh" and end - start <= 12:
                _quoted_around_registry_name(text, known, start, end)
            continue
        if end - start < 2:
            continue  # 「I」、「O」: a quoted letter or character is shown, not named
        if _DOCUMENT_TITLE.search(text, start, end) or _CAMPAIGN.search(text[start:end]) \
                or _is_jargon(text, start, end) or _NUMBER_ONLY.fullmatch(text, start, end) \
                or (end - start > _CONDUCT_LONGEST_NAME and _CONDUCT_START.match(text, start)) \
                or _BODY_NAME.search(text, start, end) \
                or _LABEL_BEFORE.search(text, max(0, match.start() - 4), match.start()) \
                or (_SAID_BEFORE.search(text, max(0, match.start() - 6), match.start())
                    and _SAID_AFTER.match(text, match.end())) \
                or _SEE_ALSO.search(text, max(0, match.start() - 4), match.start()) \
                or _CONTENT_VERB_BEFORE.search(text, max(0, match.start() - 3), match.start()):
            continue
        titled = group == "e"
        if language == "en" and not prepared.original_text(start, start + 1)[:1].isupper() \
                and not text[start:start + 1].isdigit():
            continue  # “unlawful” or “lowbrow” content: English names are capitalised
        if titled and _WORK_TITLE.search(text, start, end):
            continue
        sentence = prepared.sentence_index(start)
        per_sentence[sentence] = per_sentence.get(sentence, 0) + 1
        if per_sentence[sentence] > MAX_QUOTED_PER_SENTENCE:
            continue
        if _NOT_NAME_AFTER.match(text, match.end()) or _CATEGORY_BEFORE.search(text, max(0, match.start() - 4), match.start()):
            continue
        if _HEADING_AFTER.match(text, match.end()) and _HEADING_BEFORE.search(text, max(0, match.start() - 8), match.start()):
            continue  # 1. “谨慎下载APP”：… is a numbered piece of advice, not a name
        kind = _unknown_kind(prepared, registry, language, match.start(), match.end(), titled)
        if kind is None and language == "zh" and not titled and _SITE_NAME.fullmatch(text, start, end):
            kind = "website"  # “某某理论网”, “某某动漫网”: the name says it is a site
        if kind is None and language == "zh" and _CASE_BEFORE.search(text, max(0, match.start() - 4), match.start()):
            case = _CASE_AFTER.match(text, match.end())
            if case is not None:
                kind = "app" if _CASE_APP.search(case.group("kind")) else "website"
        if kind is None and language == "zh" and _ACCOUNT_ID_AFTER.match(text, match.end()):
            kind = "account"  # “某某动态”(微信号:abc): the bracket gives the account's id
        if kind is None and found and found[-1].id is None and _QUOTED_LIST_GAP.fullmatch(
                text, found[-1].end, start):
            kind = found[-1].kind  # 公众号“A”、“B”: B is what A is
        if kind is not None:
            found.append(Found(start, end, None, kind))
            taken.take(start, end)
    if language == "zh" and INSTITUTION_HINT.search(text):
        for start, end in institution_names(prepared, registry):
            if taken.free(start, end):
                found.append(Found(start, end, None, "company"))
                taken.take(start, end)
    if language == "zh" and "有限" in text:
        companies = company_names(text)
        declared = declared_brands(text, companies, known)
        for start, end in companies:
            if taken.free(start, end):
                if branded(text, end, [*known, *found]):
                    continue  # 某某有限公司（天猫）: the platform in the bracket is the party named
                if text[start:end] in declared:
                    # the company a bracket elsewhere gives as the platform's operator is it
                    found.append(Found(start, end, declared[text[start:end]], "company"))
                    taken.take(start, end)
                    continue
                found.append(Found(start, end, None, "company"))
                taken.take(start, end)
                continue
            # 阿里巴巴投资有限公司, 深圳市丰巢网络技术有限公司: the registered name of a registry
            # platform is that platform's mention, as long as the name is written.
            inside = [item for item in known if start <= item.start and item.end <= end and item.id is not None]
            overlapping = [item for item in [*known, *found] if item.start < end and start < item.end]
            if len(inside) == 1 and len(overlapping) == 1:
                inside[0].start, inside[0].end = start, end
    return found


# An app written after its operator's registered name (包括某某科技有限公司的万能识图、某某公司
# 万能WiFi闪电连等; 以某某有限公司开发的某某SDK为例): the app is the name the notice speaks of,
# the company only says who runs it.
_OPERATED_PRODUCT = re.compile(
    r"(?:开发的|运营的|旗下的|出品的|的)?([A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff ]{1,19}?)(?=、|等|为例|[，,]\s*其)"
)
_PRODUCT_NOT_NAME = re.compile(
    r"公司|集团|企业|平台|部门|股权|股份|资产|业务|案$|[一二三四五六七八九十\d]+(?:款|家|个)"
    # the company's people or its things named by kind (某某有限公司的负责人、…; 的应用、…)
    r"|负责人|代表|股东|员工|高管|人员|用户|客服|^(?:app|应用|软件|产品|服务|网站|小程序)$"
    # a measure the company is given (给予某某有限公司警告、罚款…): a penalty, not its app
    r"|^(?:警告|罚款|罚没|通报批评|行政处罚|处罚|约谈|责令)", re.IGNORECASE)
_APP_WORD = re.compile(r"app|sdk|应用|软件|小程序", re.IGNORECASE)
# The trade name an operator's registered name is followed by in brackets (某某网络科技有限公司
# (某某助手)): the app or site the notice speaks of. A bracket that gives a place, a defined term
# (以下简称当事人) or a detail of the register is no name.
_BRACKETED_PRODUCT = re.compile(r"\s*[(（]([A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff ]{1,19}?)[)）]")
_BRACKET_NOT_PRODUCT = re.compile(
    r"简称|下称|当事人|下同|原名|曾用名|更名|信用代码|注册|住所|地址|法定代表|万元|亿元|\d{4}"
    r"|^(?:中国)?(?:香港|澳门|台湾|北京|上海|天津|重庆|深圳|广州|杭州)$|[省市区县州镇]$")


def operated_names(text: str, known: Sequence[Found], language: str) -> tuple[list[Found], list[Found]]:
    """Apps named right after their operator's registered name (see ``_OPERATED_PRODUCT``), and
    the names they replace: the operator's own mention and a registry name inside the app's
    (Android in 某某分析Android SDK)."""
    if language != "zh" or "公司" not in text:
        return [], []
    found: list[Found] = []
    replaced: list[Found] = []
    for company in COMPANY_END.finditer(text):
        product = _BRACKETED_PRODUCT.match(text, company.end())
        if product is not None:
            if _BRACKET_NOT_PRODUCT.search(product.group(1)) or _PRODUCT_NOT_NAME.search(product.group(1)) \
                    or any(item.start < product.end(1) and product.start(1) < item.end for item in known):
                continue  # a platform found in the bracket is the party already (see branded)
        else:
            product = _OPERATED_PRODUCT.match(text, company.end())
            if product is None or _PRODUCT_NOT_NAME.search(product.group(1)) \
                    or _CONDUCT_START.match(product.group(1)) \
                    or not _APP_WORD.search(text, max(0, company.start() - 150), product.end() + 60):
                continue  # 收购某某有限公司股权、…: a deal's object, where no app is spoken of
        start, end = product.span(1)
        inside = [item for item in known if start <= item.start and item.end <= end]
        if any(item.start < end and start < item.end and item not in inside for item in known):
            continue
        replaced += [item for item in known if item.end == company.end() and item.id is None]
        replaced += inside
        found.append(Found(start, end, None, "app"))
    return found, replaced


# A quoted document or law title (“关于下架侵害用户权益APP名单的通报”, 「詐防條例」), not a name.
_DOCUMENT_TITLE = re.compile(r"(?:通报|通知|公告|决定|办法|规定|意见|名单|条款|计划|协议|行动|专项|条例|法规|法案|细则|准则)$")
# An article referred to (详见“工信部通报下架…等3款APP”): a title, not a name.
_SEE_ALSO = re.compile(r"(?:详见|参见|参阅|阅读|链接)\s*[:：]?\s*$")
# A working group or task force quoted by its name (“打诈小组”, “护苗专班”): a body, not a platform.
_ACCOUNT_ID_AFTER = re.compile(r"\s*[(（]\s*(?:微信号|微信|公众号|账号|帐号|抖音号|快手号|小红书号|微博|id)\s*[:：]")
_BODY_NAME = compile_alternatives(r"(?:小组|专班|工作组|联席会议)$"
                        # a section of the platform named before it (百度APP“女人频道”): the platform's
                        r"|(?:频道|栏目|版块|板块|专区|专栏)$")
# Words quoted as what someone said (市府怒批“…”。, 他直言：“…”): a quote that is a saying verb's
# whole complement and ends the sentence is speech, not a name.
_SAID_BEFORE = re.compile(r"(?:批|批评|称|说|表示|指出|直言|强调|回应|质疑|反问|坦言|呼吁|感叹)\s*[:：]?\s*$")
# A case named after the site or app it was brought against (查处“某某”影视侵权案, 侦破“某某”手机游戏
#侵权案): the quoted name is the party.
_CASE_BEFORE = re.compile(r"(?:查处|查办|侦破|破获|办理|审结|判决)\s*$")
_CASE_AFTER = re.compile(r"(?P<kind>[^，,。；;“”「」\n]{0,8}?)(?:侵权|盗版|侵犯著作权|传播淫秽物品|诈骗|赌博)?案")
_CASE_APP = re.compile(r"游戏|app|应用|软件")
# A word quoted as the label something is given (将台湾列为“某某”, 被认定为“某某”): a label, not a name.
_LABEL_BEFORE = re.compile(r"(?:列为|称为|称作|视为|当作|标为|标注为|列作|认定为|定性为|归为)\s*$")
_SAID_AFTER = re.compile(r"\s*(?:[。！!？?\n]|$)")
# A campaign's name (“清朗·春节网络环境”, “净网2022”, “燕赵净网”), not a platform.
_CAMPAIGN = re.compile(r"^(?:清朗|净网|剑网|护苗|秋风|扫黄打非)|(?:清朗|净网|剑网|护苗|秋风)(?:\d{4})?$|专项行动$|整治$")
# A 《》 title that names a law, a rule or a document (《个人信息保护法》, 《App违法违规收集使用个人
# 信息行为认定方法》, 《移动互联网应用程序信息服务管理规定》): 《》 marks apps only in lists of apps.
_WORK_TITLE = compile_alternatives(
    r"(?<=《)关于|法$|法律|条例|规定|规则|细则|办法|方法|标准|规范|指南|指引|意见|决定|公告|通知|通报|名单|方案|条款|协议|政策|准则"
    r"|要求|目录|纲要|报告|白皮书|公约|章程|守则|清单|(?:暂行|试行)|\(.*\)$|（.*）$"
)
_ITEM = r"[^\s、,，。；;：:()（）“”「」《》\"'|]{2,12}"
_ENUMERATION_GAP = re.compile(rf"、(?:{_ITEM}、)+")
_ENUMERATION_LEAD = re.compile(rf".*(?:包括|如|例如|比如|其中|：|:)\s*({_ITEM})、$")
# What a lead's window ends on ($ also stands before a final line break): a window ending
# otherwise is not scanned (the pattern opens on .*, tried from each of its positions).
_LEAD_ENDS = ("、", "、\n")
# Every item before the first registry name of a list after its lead (包括A、B和快看漫画,
# 下架的APP有：A、B、快看漫画).
_ENUMERATION_LEAD_ITEMS = compile_scan(
    rf"(?:(?P<word>包括|例如|比如|其中)|[：:])\s*((?:{_ITEM}、)*{_ITEM})(?:、|和|及|与|以及)$")
# The last item ends at 等, a count, punctuation, or the verb the list is the subject of (、UC被查处).
_ENUMERATION_TAIL = re.compile(rf"、({_ITEM}?)(?=等|\s*\d+\s*(?:家|款|个)|[，,。；;]|$|(?:被|遭|均|都|已|因)[^、，,。；;]{{2}})")
# An app named before the count it belongs to: 暖暖环游世界等60款APP.
_COUNT_AFTER_NAME = re.compile(r"等\s*\d+\s*款")
# A list that opens a clause and is what the clause acts on (每日优鲜、便利蜂等被点名).
_LISTED_TAIL = re.compile(r"等\s*(?:被|遭|app|应用|平台|企业|网站)")
_LISTED_NAMES = re.compile(rf"(?:^|(?<=[，,。；;：:\n]))\s*({_ITEM}(?:、{_ITEM})+)$")
_LIST_LEAD = re.compile(r".*(?:其中包括|包括|其中|例如|比如|如)")
# ... and a law's article, clause or chapter (第二十一条、第五十九条第一款) in a list of them.
_NOT_A_NAME = re.compile(r"类$|涉|违|非法|低俗|色情|虚假|谣言|诈骗|赌博|侵权|问题|行为|信息|内容|约谈|警告|罚款|关闭|注销|下架|整改|清朗|净网|剑网|专项行动"
                         r"|第[〇零一二三四五六七八九十百千\d]+(?:条|款|项|章|节)")
_NAME_BEFORE_COUNT = re.compile(rf"(?:^|(?<=[\s，,。：:；;]))({_ITEM})$")


_DEMONSTRATIVES = "这该此"


def _outer_start(text: str, item: Found) -> int:
    return item.start - 1 if text[item.start - 1:item.start] in ("“", "「", "『", "\"") else item.start


def _outer_end(text: str, item: Found) -> int:
    return item.end + 1 if text[item.end:item.end + 1] in ("”", "」", "』", "\"") else item.end


_DEAL_VERB = re.compile(r"(?:收购|并购|入股|受让)")


def _deal_target(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """An item that holds a deal (收购58股权): the company whose stake it is."""
    start, end = span
    verb = _DEAL_VERB.match(text, start, end)
    if verb is None:
        return span
    start = verb.end()
    return start, _without_stake(text, start, end)


def _lead_items(text: str, first: int) -> re.Match[str] | None:
    """The items of a list before its first registry name, when a lead word opens the list and
    it has two items or more (a lone "我们和" after a colon is none)."""
    items = _ENUMERATION_LEAD_ITEMS.search(text, max(0, first - 80), first)
    if items is None or not (items.group("word") or "、" in items.group(2)):
        return None
    return items


def enumerated_names(text: str, known: Sequence[Found], language: str) -> list[Found]:
    """Names listed with registry names (天涯社区、大麦、途牛旅游、VIP陪练、脉脉5家企业; 包括快狗打车、
    易车、脉脉、良品铺子等应用软件) that the registry does not know: what the list is, they are."""
    if language != "zh" or "、" not in text and "等" not in text:
        return []
    found: list[Found] = []
    if not known and "等" not in text:
        return found
    ordered = sorted(known, key=lambda item: item.start)
    runs: list[list[Found]] = []
    for item in ordered:
        if item.id is None and text[item.start - 1:item.start] not in ("“", "「", "『", "\""):
            continue  # a quoted name is as sure a name as a registry one (优酷、大学生联盟网、“喵播”)
        if runs and (text[_outer_end(text, runs[-1][-1]):_outer_start(text, item)] == "、" or _ENUMERATION_GAP.fullmatch(
                text, _outer_end(text, runs[-1][-1]), _outer_start(text, item)) is not None):
            runs[-1].append(item)
        else:
            runs.append([item])
    for run in runs:
        spans: list[tuple[int, int]] = []
        for left, right in itertools.pairwise(run):
            position = _outer_end(text, left) + 1
            while position < right.start:
                end = text.find("、", position, _outer_start(text, right))
                if end == -1:
                    break
                spans.append((position, end))
                position = end + 1
        if len(run) < 2 and not spans:
            window_start, window_end = max(0, run[0].start - 20), run[0].start + 1
            lead = _ENUMERATION_LEAD.search(text, window_start, window_end) \
                if text.endswith(_LEAD_ENDS, window_start, window_end) else None
            tail = _ENUMERATION_TAIL.match(text, run[-1].end)
            items = _lead_items(text, run[0].start)
            if not (lead or tail or items):
                continue
        window = text[max(0, run[0].start - 20):run[0].start]
        lead = _ENUMERATION_LEAD.search(window) if window.endswith(_LEAD_ENDS) else None
        items = _lead_items(text, run[0].start)
        if items and (items.group(2).count("、") or not lead):
            position = items.start(2)
            for name in items.group(2).split("、"):
                if not _NOT_A_NAME.search(name) and not _LIST_LEAD.match(name) and not any(
                        item.start < position + len(name) and position < item.end for item in known):
                    spans.append((position, position + len(name)))
                position += len(name) + 1
        elif lead:
            offset = max(0, run[0].start - 20)
            spans.append((offset + lead.start(1), offset + lead.end(1)))
        tail = _ENUMERATION_TAIL.match(text, run[-1].end)
        if tail and tail.group(1):
            spans.append(tail.span(1))
        after = text[run[-1].end:run[-1].end + 16]
        kind = "app" if re.search(r"款|app|应用|软件", after) else "website" if "网站" in after else "company"
        for start, end in map(partial(_deal_target, text), spans):
            if end - start > 2 and text[end - 1] in _DEMONSTRATIVES:
                end -= 1  # 橙心优选、…、食享会这五家企业: the list's last name, then "these five"
            if end > start and not _is_jargon(text, start, end):  # 姓名、Facebook ID、电话号码: data, not names
                found.append(Found(start, end, None, kind))
    for tail in _LISTED_TAIL.finditer(text) if "等" in text else ():
        # Looked for backwards from each 等被/等平台, not by a pattern tried at every position.
        listed = _LISTED_NAMES.search(text, max(0, tail.start() - 140), tail.start())
        if listed is None:
            continue
        position = listed.start(1)
        for name in listed.group(1).split("、"):
            start, end = position, position + len(name)
            position = end + 1
            lead = _LIST_LEAD.match(name)
            if lead:
                start += lead.end()
            if end - start < 2 or _NOT_A_NAME.search(text, start, end) or any(
                    item.start < end and start < item.end for item in [*known, *found]):
                continue
            follows = text[listed.end(1):listed.end(1) + 4]
            kind = "website" if "网站" in follows else "app" if re.match(r"等\s*(?:被|遭|app|应用)", follows) else "company"
            found.append(Found(start, end, None, kind))
    for count in _COUNT_AFTER_NAME.finditer(text) if "等" in text else ():
        match = _NAME_BEFORE_COUNT.search(text, max(0, count.start() - 13), count.start())
        if match and not any(item.start < match.end(1) and match.start(1) < item.end for item in known):
            found.append(Found(match.start(1), match.end(1), None, "app"))
    return found


# A list of names closed by its count or its kind (快看漫画、天天读书等8款App; 包括A、B在内的20款应用;
# 通报了A、B等APP): the names are of that kind, written without quotes. The list is read back
# from its close over 、-separated items; the first item starts after the clause's verb or
# function word (对, 了, 的, 包括, 下架…).
_LIST_CLOSE = compile_scan(
    # The characters a close starts with, first: the scan passes over every other at once.
    r"(?=[等在都均这此\d一二三四五六七八九十两])(?:"
    r"(?:等|在内的)\s*(?:[\d一二三四五六七八九十百千两]+\s*(?:款|个|家|批)\s*)?"
    # 等生活类应用, 等游戏类App: the kind said with its category
    r"(?:[\u4e00-\u9fff]{1,4}类)?"
    # 等网络表演平台, 等手机直播应用: the kind said with what the platforms carry
    r"(?:网络表演|手机表演|网络直播|手机直播|直播|短视频|社交|电商|游戏|网络|手机|移动)?"
    r"(?P<noun>移动应用程序|应用程序|应用软件|应用|app|软件|小程序|网站|平台|sdk|公众号|账号|企业|公司)"
    # 某某、某某等在列: a list said to be among those the notice names
    r"|等(?:\s*[\d一二三四五六七八九十百千两]+\s*款\s*(?:app|应用)?)?\s*(?:均|都|也)?在列"
    # 蛋壳公寓、小咖秀、安卓壁纸都在被下架名单内: a list the sentence then says was all acted on
    r"|(?:都|均)(?:已|已经)?(?:在|被|遭)(?P<all>被)?(?:下架|通报|约谈|关闭|处罚|罚款|点名|列入)"
    # 天津银行、渤海银行4家金融机构: a list closed by its count alone
    # (食享会这五家: "these five" after the last name)
    r"|(?P<count>(?:等\s*|这|此)?[\d一二三四五六七八九十两]+\s*(?:家|款))"
    r")"
)
_NUMERAL_OR_SPACE = re.compile(r"[\d一二三四五六七八九十两\s]")
_COUNTED_BODIES = re.compile(
    r"[^，,。；;、\n]{0,6}?(?:局|部|委|办|厅|院|政府|法院|机关|部门|单位|学校|医院|协会|地区|城市|省份)"
)
_LIST_NOUN_KIND = {
    "小程序": "mini_program", "网站": "website", "公众号": "account", "账号": "account",
    "企业": "company", "公司": "company",
}
_LIST_ITEM_RUN = re.compile(r"[^\s、,，。；;：:()（）“”「」《》\"'|@等]+$")
# (及 ends words of its own: 提及, 涉及, 波及 are no separators.)
_LIST_SEPARATOR = compile_scan(r"、|和|(?<![提涉波顾普危触])及|与|以及")
_LIST_LEAD_WORD = re.compile(
    r"包括|其中|例如|比如|涉及|发现|共有|共计|累计|下架|通报|约谈|点名|责令|勒令|要求|督促|关闭|处置|处理|查处|整治|运营的|开发的|旗下的|旗下|运营|分别|"
    # the measure taken on the names (公开谴责A、B, 警告A、B)
    r"谴责|警告|警示|处罚|罚款|暂停|关停|取缔|禁言|"
    # the other side of a deal (收购58股权、蘑菇街股权): the target, after the verb
    r"收购|并购|入股|受让|"
    # （下称某某等5家公司）, 有关某某等5家公司, 函请某某等5家公司: a reference or a letter's addressee
    r"以下简称|以下称|下称|简称|有关|函请|致函|所属|"
    # a body convening or organising the platforms (某局召集A、B; 某部组织对A、B开展检查)
    r"召集|组织|召开|约见|约请|会同|指导|提醒|告诫|敦促|"
    # the area the names are in (约谈辖区A、B): where, not part of the first name
    r"辖区内|辖区|辖内|"
    # a penalty given to the names (分别给予A、B等平台罚款)
    r"给予|予以|"
    r"针对|关于|对于|对|就|了|将|把|的|如|其|及|和"
)
# The last character of a body, a verb or a relative clause that a list's first name follows
# (工信部对…, 检查了…, 未完成整改的…, 违规的…), or of a time (3月21日对…, 近期对…, 日前对…).
_AGENT_OR_VERB_END = re.compile(r"[部局办委厅院署会处查现报布架谈理置罚示括治管核测改规法题日期前天]")
_LIST_NOT_ITEM = re.compile(
    r"^(?:多款|部分|相关|其他|其它|一批|若干|各类|上述|该|这些|此类)|[\d一二三四五六七八九十]+(?:款|家|个)$"
    # 13家网络服务商和抖音等…: a count of a kind beside the names, not one of them
    r"|^[\d一二三四五六七八九十百千两]+\s*(?:款|家|个|批)"
    # a kind of thing, not a name: 网站、账号等3000家
    r"|^(?:网站|账号|帐号|平台|应用|app|小程序|公众号|企业|公司|群组|直播间|主播|博主|栏目|频道|信息|视频|图片"
    r"|讨论区|论坛|社交平台|社交媒体|社交网站|媒体|网媒|通讯软件|搜索引擎|应用商店)$"
    # the kinds of app MIIT's checks cover (对生活服务、休闲娱乐、实用工具等APP进行检查)
    r"|^(?:生活服务|休闲娱乐|实用工具|系统工具|影音播放|网上购物|社交通讯|新闻阅读|运动健康|办公学习|拍摄美化|地图导航"
    r"|金融理财|旅游出行|教育学习|儿童教育|游戏娱乐|出行导航|便捷生活|生活服务类|实用工具类)$"
)
_LIST_REACH = 200


def closed_lists(text: str, known: Sequence[Found], language: str) -> tuple[list[Found], list[Found]]:
    """Names of the lists ``_LIST_CLOSE`` closes that no quote marks, and the ``known`` names
    they replace: a registry name inside a longer item (知网 in 手机知网) is that item's."""
    if language != "zh" or "、" not in text:
        return [], []
    found: list[Found] = []
    replaced: list[Found] = []
    for close in _LIST_CLOSE.finditer(text):
        if close.group("noun") is None and text.find("、", max(0, close.start() - 30), close.start()) == -1:
            continue  # a count or 都 closes only a list of two names or more
        if close.group("count") is not None and (
                _COUNTED_BODIES.match(text, close.end())
                or (not close.group("count").startswith("等") and _NUMERAL_OR_SPACE.match(text, close.start() - 1))):
            continue  # 北京、上海、广州3家市场监管局: bodies, not platforms; 132款 read from its first digit
        kind = _LIST_NOUN_KIND.get(close.group("noun") or "", "app")
        if close.group("count") is not None:
            kind = "company" if "家" in close.group("count") else "app"
        items: list[tuple[int, int]] = []
        position = close.start()
        floor = max(0, position - _LIST_REACH)
        while position > floor:
            bracket = _BRACKET_BEFORE.search(text, max(floor, position - 24), position)
            if bracket is not None:
                position = bracket.start()  # 晴空天气（版本3.2.1）、…: the bracket describes the name
            item = _last_item(text, floor, position)
            if item is None:
                break
            items.append(item)
            separator = _LIST_SEPARATOR.search(text, max(floor, item[0] - 2), item[0])
            if separator is None or separator.end() != item[0]:
                break
            position = separator.start()
        if not items or (close.group("noun") is None and len(items) < 2):
            continue
        # A list is names side by side: one that is none (上海某某公司刷单炒信案) ends it.
        for position, item in enumerate(items[:-1]):
            if not _list_item_ok(text, *item):
                items = items[:position + 1]
                break
        # The first item runs back to the clause's start: cut it after the verb or word before it.
        first_start, first_end = items[-1]
        lead = _LIST_LEAD_WORD.search(text, first_start, first_end - 1)
        while lead is not None and len(lead.group()) == 1 and lead.start() > first_start and not (
                lead.start() - first_start >= 2 and _AGENT_OR_VERB_END.match(text, lead.start() - 1)):
            # 羊了个羊, 会说话的汤姆猫: a function word inside a name, not after a verb or a body
            lead = _LIST_LEAD_WORD.search(text, lead.end(), first_end - 1)
        later = _LIST_LEAD_WORD.search(text, lead.end(), first_end - 1) if lead is not None else None
        while later is not None:
            # 未按要求完成整改的人人视频: the name follows the last of them (a single character
            # only after a verb or a body: 提及 holds no lead word)
            if len(later.group()) > 1 or _AGENT_OR_VERB_END.match(text, later.start() - 1):
                lead = later
            later = _LIST_LEAD_WORD.search(text, later.end(), first_end - 1)
        if lead is not None:
            start = lead.end()
            while (more := _LIST_LEAD_WORD.match(text, start, first_end - 1)) is not None:
                start = more.end()
            items[-1] = (start, first_end)
        elif first_start == floor and floor > 0:
            items.pop()  # the run goes on beyond the reach: its start is unknown
        if not items or not _list_item_ok(text, *items[0]):
            continue  # 工业和信息化部发现23款APP: the count closes no list of names
        if close.group("noun") is None and sum(_list_item_ok(text, *item) for item in items) < 2:
            continue  # 约谈网站5518家、暂停功能或更新网站188家: counts of kinds, no list of names
        for start, end in items:
            end = _without_stake(text, start, end)  # 蘑菇街股权: the company's stake
            if not _list_item_ok(text, start, end) or branded(text, end, known):
                continue
            inside = [item for item in known if item.id is not None and start <= item.start and item.end <= end]
            # An unquoted name read with the words before it (工信部通报了快看漫画) is this item.
            inside += [item for item in known if item.id is None and item.start < start and item.end == end
                       and _LIST_LEAD_WORD.search(text, item.start, start)]
            if any(item.start == start and item.end == end for item in inside) or any(
                    item.start < end and start < item.end and item not in inside and item not in replaced
                    for item in [*known, *found]):
                continue
            if inside and sum(item.end - item.start for item in inside if item.id is not None) >= end - start:
                continue  # 天涯社区大麦网 in a headline: two registry names written together
            registered = [item for item in inside if item.id is not None]
            if len(registered) == 1 and _GENERIC_AROUND.fullmatch(
                    text[start:registered[0].start] + "|" + text[registered[0].end:end]):
                # 必应搜索网, 抖音App: the registry platform under a generic word, not another app
                registered[0].start, registered[0].end = start, end
                continue
            replaced += inside
            found.append(Found(start, end, None, kind))
    return found, replaced


_STAKE_AFTER = re.compile(r"(?:的)?(?:股权|股份)$")


def _without_stake(text: str, start: int, end: int) -> int:
    """Where an item ends without the stake it may name (蘑菇街股权: 蘑菇街)."""
    stake = _STAKE_AFTER.search(text, start, end)
    return stake.start() if stake is not None else end


_LIST_NOT_NAME_PART = re.compile(
    r"(?:部|局|厅|委|办|院|署|中心|机构|部门|管理局|监管局|政府|案)$|系列|发现|检查|检测|共有|共计|累计|其中|包括|涉及|通报|下架|约谈"
    r"|召集|组织|召开|约见|约请|会同|指导|提醒|告诫|敦促"
)


_GENERIC_AROUND = re.compile(
    r"(?:中国|国际)?\|(?:搜索网|搜索引擎|搜索|官网|官方网站|网站|网|平台|app|客户端|商城|短视频|视频|直播|浏览器|集团|公司)?"
)


_BRACKET_BEFORE = re.compile(r"[(（][^()（）\n]{1,20}[)）]$")


def _list_item_ok(text: str, start: int, end: int) -> bool:
    return (2 <= end - start <= 14 and not _LIST_NOT_ITEM.search(text[start:end])
            and not (end - start > _CONDUCT_LONGEST_NAME and _CONDUCT_START.match(text, start))
            and not _NOT_A_NAME.search(text, start, end) and not _LIST_NOT_NAME_PART.search(text, start, end))


def _last_item(text: str, floor: int, end: int) -> tuple[int, int] | None:
    """The item that ends at ``end``: the characters back to a separator or punctuation."""
    run = _LIST_ITEM_RUN.search(text, max(floor, end - 40), end)
    start = run.start() if run is not None else end
    if end - start < 2:
        return None
    separator = _LIST_SEPARATOR.search(text, start, end)
    if separator is not None and separator.start() > start:
        # 和/及/与 inside the run: the item is what follows the last one ("A和B").
        last = None
        for last in _LIST_SEPARATOR.finditer(text, start, end):
            pass
        assert last is not None
        if end - last.end() >= 2:
            return last.end(), end
    return start, end


# "Norwick West" is not the "Norwick" found before: a capitalised word goes on the name.
_NEXT_CAPITALISED = re.compile(r"\s[A-Z]")


def recurring_names(prepared: PreparedText, known: Sequence[Found]) -> list[Found]:
    """Further occurrences of the unknown names found once ("app developer HyperBeard … HyperBeard
    failed to"), as whole words, where no other name is."""
    names = {prepared.text[item.start:item.end]: item.kind for item in known
             if item.id is None and item.end - item.start >= 4}
    if not names:
        return []
    taken = Occupancy(len(prepared.text))
    for item in known:
        taken.take(item.start, item.end)
    found: list[Found] = []
    text = prepared.text
    latin = re.compile(r"[a-z0-9]")
    for name, kind in names.items():
        position = text.find(name)
        while position != -1:
            end = position + len(name)
            if taken.free(position, end) and not (latin.match(name[0]) and latin.match(text, position - 1)) \
                    and not (latin.match(name[-1]) and latin.match(text, end)) \
                    and not (latin.match(name[-1]) and _NEXT_CAPITALISED.match(prepared.original_text(end, min(len(text), end + 2)))):
                found.append(Found(position, end, None, kind))
                taken.take(position, end)
            position = text.find(name, end)
    return found


def _kind_matches(registry: PlatformRegistry, language: str, text: str) -> list[tuple[int, int, str]]:
    return sorted(
        (match.start(), -match.end(), kind)
        for kind, pattern in registry.kind_patterns[language].items()
        for match in pattern.finditer(text)
    )


_QUOTED_INSTITUTION = re.compile(r"(?:银行|产险|人寿|寿险|证券|投信|期货|票券|金控)(?=[”」』\"])")


# A quoted name ending in 网 is a website's (“某某理论网”); the network words are none.
_SITE_NAME = re.compile(r"(?!.*(?:联网|因特网|局域网|广域网|天网|法网|电网|渔网|蛛网|球网|关系网|信息网)$)"
                        r"[\u4e00-\u9fffA-Za-z0-9]{2,10}网")
# “千树”等4家平台, “星夜”平台: a bare 平台 is the list's noun only right after the list or its
# count; further on it is often a modifier (纳入平台禁售名录) or another subject.
_BARE_PLATFORM_AFTER = re.compile(r"\s*(?:等\s*[\d一二三四五六七八九十百千两]+\s*[余多]?\s*[家个款])?\s*平台")
_OPERATOR_AFTER = re.compile(r"\s*(?:app|应用)?\s*(?:的)?(?:运营主体|运营者|运营方|运营企业|运营公司|开发者|开发商)")


def _unknown_kind(prepared: PreparedText, registry: PlatformRegistry, language: str,
                  quote_start: int, quote_end: int, titled: bool = False) -> str | None:
    """What the text says a quoted name is: the noun its list ends in (“梦聊”“小肉丸直播”等一批
    …移动应用程序, "…" and other websites), the noun just before it (网站“…”), the noun before
    "such as"/如, or an app when the sentence takes things off the shelves; ``None`` when
    nothing says it is a platform (“清朗”专项行动)."""
    text = prepared.text
    head = _QUOTED_INSTITUTION.search(text, quote_start, quote_end) if language == "zh" and not titled else None
    if head is not None and not INSTITUTION_NOT.fullmatch(text, quote_start + 1, head.start()):
        return "company"  # 「某某银行」: the head noun says what the name is
    sentence_start, sentence_end = prepared.sentence_at(quote_start)
    rest = _LIST_CONTINUES.match(text, quote_end, min(sentence_end, quote_end + 200))
    after = rest.end() if rest else quote_end
    window = text[after:min(sentence_end, after + 60)]
    nouns = _kind_matches(registry, language, window)
    if nouns:
        noun_start, _, kind = nouns[0]
        lead = window[:noun_start]
        if language == "zh":
            # after 等 the relative clause may list conducts (等一批违规从事…、破坏…的网站)
            tail = _ZH_TAIL.fullmatch(lead) or _ZH_TAIL_AFTER_ETC.fullmatch(lead)
            if tail and len(tail.group("filler")) <= (30 if tail.group("etc") else 4):
                return kind
        else:
            tail = _EN_TAIL.fullmatch(lead)
            # "and other websites", '"…" app', '"…" WeChat account'; not '"Qinglang" campaign
            # against websites'.
            if tail and (tail.group("etc") or (
                    len(tail.group("filler").split()) <= 2
                    and not _EN_FUNCTION_WORDS.intersection(tail.group("filler").split()))):
                return kind
    if language == "zh" and _BARE_PLATFORM_AFTER.match(text, after):
        return "website"
    if language == "zh" and _OPERATOR_AFTER.match(text, after):
        return "app"  # “某某”运营主体某某公司: a service with an operator, named by its operator's notice
    before = text[max(sentence_start, quote_start - 100):quote_start]
    if language == "zh":
        nearby = _kind_matches(registry, language, before[-8:])
        if nearby and -nearby[-1][1] == len(before[-8:]):
            return nearby[-1][2]
    elif re.search(r"account\s+(?:of|called|named)\s*$", before):
        return "account"
    listed = _strip_list_tail(before)
    counted = counted_sentence(prepared, quote_start)
    if counted is not None:
        # "Among them were “…”": the names are of what the previous sentence counted.
        previous_start, previous_end = prepared.sentence(counted)
        earlier = _kind_matches(registry, language, text[previous_start:previous_end])
        if earlier:
            return earlier[-1][2]
    such_as = _SUCH_AS.search(listed)
    if such_as:
        lead_nouns = _kind_matches(registry, language, listed[max(0, such_as.start() - 120):such_as.start()])
        if lead_nouns:
            return max(lead_nouns, key=lambda noun: -noun[1])[2]
    removal = registry.action_patterns[language].get("removed")
    # A 《》 title is a law, a book or a show unless a noun says it is an app.
    if not titled and removal is not None and removal.search(text, sentence_start, sentence_end):
        return "app"
    return None


# A sentence that details what the one before it counted ("Among them, Douban, a social app,
# was…", "The 67 apps include educational apps (A and B)").
_DETAILING_SENTENCE = re.compile(
    r"\W*(?:among\s+them\b|(?:the|these|those)\s+(?:[\w-]+\s+){0,3}?(?:apps|applications|websites|platforms|"
    r"companies|accounts)\s+(?:include|includes|included|are|were)\b)"
)


def counted_sentence(prepared: PreparedText, list_start: int) -> int | None:
    """The sentence whose count a list of names details ("其中，“A”“B”等…；“C”“D”等…": each
    part after a semicolon goes on listing what 其中 began), or ``None``."""
    text = prepared.text
    index = prepared.sentence_index(list_start)
    start, _ = prepared.sentence(index)
    lead = _strip_list_tail(text[max(start, list_start - 200):list_start].rstrip("“\"「『"))
    if _AMONG_THEM.fullmatch(lead) or _DETAILING_SENTENCE.match(text, start):
        return _previous_sentence(prepared, index)
    if lead.strip():
        return None
    previous = _previous_sentence(prepared, index)
    while previous is not None:
        previous_start, previous_end = prepared.sentence(previous)
        if text[previous_start:previous_end].rstrip()[-1:] not in (";", "；"):
            return None
        if _AMONG_THEM.match(text, previous_start) or _DETAILING_SENTENCE.match(text, previous_start):
            return _previous_sentence(prepared, previous)
        previous = _previous_sentence(prepared, previous)
    return None


def _previous_sentence(prepared: PreparedText, index: int) -> int | None:
    """The nearest sentence before ``index`` that is not blank."""
    while index > 0:
        index -= 1
        start, end = prepared.sentence(index)
        if prepared.text[start:end].strip():
            return index
    return None
