"""Names of registered companies and of banks, insurers and telecom carriers in Chinese text: a
name read back from 有限公司 (or a trade word: 银行, 电信…) over the characters that can be part
of it, and the brands a notice declares for them (某某有限公司(某某助手)).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from diffing.found import Found
from diffing.registry import PlatformRegistry
from diffing.text import PreparedText

__all__ = ["COMPANY_END", "INSTITUTION_HINT", "INSTITUTION_NOT", "branded", "company_names", "declared_brands",
           "institution_names"]


# A company's registered name (上海某某网络科技有限公司, 某某(上海)科技服务有限公司): read back
# from 有限公司 over Chinese characters (and a bracketed city) to the word before it, which is
# punctuation or a word that cannot be part of a name (了, 对, 发现, 包括…).
COMPANY_END = re.compile(r"(?:股份)?有限(?:责任)?公司")
_COMPANY_CHAR = re.compile(r"[\u4e00-\u9fff]")
# Notices that publish penalised firms often mask part of the name (湖南某*科技有限公司,
# 某××网络科技有限公司): the mask stands for characters of the name.
_COMPANY_NAME_CHAR = re.compile(r"[\u4e00-\u9fff*＊×]")
_COMPANY_BRACKET = re.compile(r"[(（][\u4e00-\u9fff]{2,4}[)）]$")
_COMPANY_BEFORE = re.compile(
    r"(?:了|对|向|与|和|及|的|将|被|由|是|为|据|经|在|从|等|其|即|系|给予|予以|发现|公布|宣布|表示|指出|决定|包括|其中|针对|要求|约谈|责令|通报|处罚|罚款|收购|并购|受让|入股"
    # a measure taken against the company (吊销某某有限公司许可证)
    r"|吊销|撤销|注销|查封|关停|取缔|谴责|警告|警示|暂停|禁言"
    r"|运营主体|运营方|运营者|运营企业|运营公司|运营单位|开发单位|开发者|开发商|主办|承办|版权所有|技术支持|所属|旗下"
    # a regulator's verb, a role or a listing before the name (某局查处某某有限公司, 营运主体, 母公司, 上柜)
    r"|查处|查办|审议|借用|营运主体|营运商|母公司|子公司|上柜|上市"
    # another party before it (某某公司受某某有限公司委托): a registered name holds one 公司, at its end
    r"|受|委托|公司)$"
)
_COMPANY_FURNITURE = re.compile(
    r"(?:©|版权|copyright|主办|承办|技术支持|运营主体|运营方|运营者|运营企业|运营公司|运营单位|开发单位|开发者|开发商|备案)[^\n]{0,12}$")
# 由某某有限公司运营的“某App”: the operator of the app named next, which is the party.
_COMPANY_OPERATES = re.compile(r"\s*(?:运营|开发|出品|推出|旗下|所属)")
_COMPANY_LONGEST = 24
# The trade name a registered name is given in brackets (（唯品会）, (以下简称“食派士”), (“十荟团”运营主体)).
_BRAND_BRACKET = re.compile(
    r"\s*[(（]\s*(?:以下简称|以下称|下称|简称)?\s*[“「\"]?([^()（）“”「」\"\n]{2,12}?)[”」\"]?\s*(?:运营主体|运营方)?\s*[)）]")
def declared_brands(text: str, companies: Sequence[tuple[int, int]], known: Sequence[Found]) -> dict[str, str]:
    """Registered names a bracket gives the registry platform of (某某有限公司（多多买菜）), with
    that platform's id: the notice says they are one party."""
    declared: dict[str, str] = {}
    for start, end in companies:
        brand = _BRAND_BRACKET.match(text, end) if text[end:end + 2].lstrip()[:1] in ("(", "（") else None
        if brand is None:
            continue
        ids = {item.id for item in known if item.id is not None and brand.start(1) <= item.start and item.end <= brand.end(1)}
        if len(ids) == 1:
            declared[text[start:end]] = ids.pop()
    return declared


def branded(text: str, end: int, known: Sequence[Found]) -> bool:
    """Whether the registered name ending at ``end`` is followed by the bracketed trade name of
    a platform already found (see ``_BRAND_BRACKET``)."""
    brand = _BRAND_BRACKET.match(text, end) if text[end:end + 2].lstrip()[:1] in ("(", "（") else None
    return brand is not None and any(item.start < brand.end(1) and brand.start(1) < item.end for item in known)


_COMPANY_LOCAL_LEAD = re.compile(r"(?:我|本|该|全|辖区|辖)(?:市|区|县|省|镇|州)(?:内|的)?")


def company_names(text: str) -> list[tuple[int, int]]:
    names = []
    for match in COMPANY_END.finditer(text):
        start = match.start()
        while start > 0 and match.end() - start < _COMPANY_LONGEST:
            bracket = _COMPANY_BRACKET.search(text, max(0, start - 6), start)
            if bracket is not None:
                start = bracket.start()
                continue
            if not _COMPANY_NAME_CHAR.match(text, start - 1) or _COMPANY_BEFORE.search(text, max(0, start - 4), start):
                break
            start -= 1
        if (match.start() - start < 2 or text[start - 1:start] in (")", "）")
                or not _COMPANY_CHAR.match(text, start)
                or (match.end() - start >= _COMPANY_LONGEST and _COMPANY_NAME_CHAR.match(text, start - 1))
                or _COMPANY_FURNITURE.search(text, max(0, start - 16), start)
                or _COMPANY_OPERATES.match(text, match.end())):
            continue
        local = _COMPANY_LOCAL_LEAD.match(text, start)
        if local is not None and match.start() - local.end() >= 2:
            start = local.end()  # 我市某电子商务有限公司: "our city's", not the name
        names.append((start, match.end()))
    # 提交北京某某科技有限公司: a reading that runs over a verb into a name read elsewhere on its own
    # is that name.
    alone = {text[start:end] for start, end in names}
    for index, (start, end) in enumerate(names):
        for shift in range(1, min(5, end - start - 6)):
            if text[start + shift:end] in alone:
                names[index] = (start + shift, end)
                break
    return names


# A bank, an insurer or a broker by the name it trades under (台新银行, 明台产险, 台湾人寿, 某某证券):
# the head noun says what it is. Read back from the head like a registered name, and kept where
# its sentence speaks of an enforcement measure, so a bank only mentioned stays out.
INSTITUTION_HINT = re.compile(r"银行|产险|人寿|寿险|证券|投信|期货|票券|金控|电信")
_INSTITUTION_END = re.compile(r"(?:银行|产险|人寿|寿险|证券|投信|期货|票券|金控|电信)(?=[因遭被等和及与、，,。；;：:）)」”』也则亦均都已将分别对涉今去于在\s]|$)")
_INSTITUTION_LONGEST = 8
# The measures of financial regulators (遭罚, 裁罚, 纠正, 停业…), beyond the registry's action words.
_ENFORCEMENT = re.compile(r"罚|纠正|警告|停业|停止|吊销|撤销|解任|处分|限期改正")
# Generic or public lead words: 商业银行, 各银行, 人民银行 (the central bank), 证券期货 (a sector).
INSTITUTION_NOT = re.compile(
    r".*人民|中央|央|世界|亚洲|欧洲|外|内|大|小|新|老|多"
    # the classes and trades of telecoms (基础电信, 第二类电信, 严厉打击电信, 首宗电信涉诈): a
    # sector, not a carrier
    r"|(?:第?[一二]类|基础|固网|行动|移动|无线|国内|国际|海外|各)"
    r"|.*(?:打击|防范|防制|涉|首宗|首例|首件|首起)"
    r"|(?:各|各家|该|此|本|多家|其他|其它|上述|相关|两家|三家|数家|这些|部分|主要|一家|某|[一二三四五六七八九十\d]+家)?"
    r"(?:商业|储蓄|投资|开发|政策性|农村|城市|网络|网路|数字|纯网|民营|外资|外商|国有|地方|中小|大型|境外|境内|海外|外国|"
    r"证券|保险|期货|金融|人身|财产|产物|国际|全国)?"
)


def institution_names(prepared: PreparedText, registry: PlatformRegistry) -> list[tuple[int, int]]:
    text = prepared.text
    action_words = registry.zh_action_scan[0]
    names = []
    for match in _INSTITUTION_END.finditer(text):
        start = match.start()
        while start > 0 and match.start() - start < _INSTITUTION_LONGEST:
            if not _COMPANY_CHAR.match(text, start - 1) or _COMPANY_BEFORE.search(text, max(0, start - 4), start):
                break
            start -= 1
        if match.start() - start < 2 or INSTITUTION_NOT.fullmatch(text, start, match.start()) \
                or INSTITUTION_HINT.search(text, start, match.start()) \
                or match.start() - start >= _INSTITUTION_LONGEST:
            continue
        sentence_start, sentence_end = prepared.sentence_at(start)
        if _ENFORCEMENT.search(text, sentence_start, sentence_end) is None \
                and action_words.search(text, sentence_start, sentence_end) is None:
            continue
        names.append((start, match.end()))
    return names
