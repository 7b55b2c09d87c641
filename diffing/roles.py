"""Money roles: what a money amount is (a fine, a sales base, a proposal, a maximum, a refund…), and which amounts are totals and parts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from diffing.figure import Candidate, Draft, Verdict
from diffing.scans import compile_alternatives, compile_scan
from diffing.text import PreparedText

__all__ = ["FINE_ROLES", "ROLES", "link_parts", "money_role"]


FINE = "fine"
CONFISCATED = "confiscated"
SALES_BASE = "sales_base"
PROPOSED = "proposed"
MAXIMUM = "maximum"
REFUND_OR_DEPOSIT = "refund_or_deposit"
TOTAL = "total"
PART = "part"
OTHER = "other"
ROLES = (FINE, CONFISCATED, SALES_BASE, PROPOSED, MAXIMUM, REFUND_OR_DEPOSIT, TOTAL, PART, OTHER)
# Roles whose amount is a fine imposed: only these keep the metric ``fine_amount``.
FINE_ROLES = frozenset({FINE, TOTAL, PART})

# What the words right before or after an amount make it. Each pattern reads the amount's own
# noun phrase (the words that govern it), not the whole sentence: "a fine of 1% of its sales
# of €2bn" has the base right before the amount and the fine far from it.
_BASE_BEFORE = compile_scan(
    # (收入 alone is a company's revenue; 违法收入, illegal income, is confiscated first)
    r"(?:销售额|营业额|营业收入|销售收入|营收|(?<!违法)收入|turnover|sales|revenues?)"
    # (the amount may stand in brackets after its noun: 销售额(4557亿元)的4%)
    r"(?:\s+(?:of|was|reached|totall?ing|amounting\s+to))?\s*(?:about|around|some|nearly|over|约|达|为|共|高达|超过|逾|近)?\s*[(（]?\s*$"
    # what a percentage is taken of ("5% of the company's $251 million")
    r"|\d\s*(?:%|percent|per\s+cent)\s+of\s+(?:(?:its|their|the|[a-z]+['’]s)\s+)?(?:[a-z-]+\s+){0,3}?$"
)
_RATE_AFTER = re.compile(r"\s*[)）]?\s*(?:的)?\s*(?:\d+(?:\.\d+)?\s*(?:%|％|percent|per\s+cent)|百分之)")
_BASE_AFTER = re.compile(r"\s*(?:in\s+|of\s+)?(?:annual\s+|global\s+|domestic\s+)?(?:sales|revenue|turnover)\b")
_REFUND_BEFORE = compile_scan(
    r"(退还|返还|退款|退赔|赔偿|赔付|补偿|保证金|押金|refunds?|redress|restitution|compensation|damages|deposits?"
    r"|\breturn(?:s|ed|ing)?\b|repa(?:y|id)|reimburs\w*|\bpa(?:y|ys|id|ying)\s+back)"
    # …and the one who gets it back ("refund consumers another $245M", 退还商户押金)
    r"(?:[^，,。；;]{0,14}|\s+(?:[a-z]+\s+){1,3}(?:another|a\s+further|an\s+additional|additional|up\s+to|some|about)\s+)$"
)
_REFUND_AFTER = re.compile(
    r"\s*(?:的)?\s*(?:保证金|押金|退款|赔偿)"
    r"|\s*(?:in|of|as)\s+(?:\w+\s+){0,2}(?:refunds?|redress|restitution|compensation|damages|deposits?|relief)"
    r"|\s*(?:\w+\s+){0,2}to\s+(?:compensate|refund|reimburse|repay)"
    # "…, which will be used to provide refunds", "for consumer redress", "to be returned to consumers"
    r"|[\s,]*(?:which|that)\s+will\s+(?:be\s+used\s+(?:to|for)|go\s+(?:to|toward|towards))\s+(?:\w+\s+){0,2}"
    r"(?:refunds?|redress|restitution|compensat\w*|reimburs\w*|victims|consumers|customers)"
    r"|\s*(?:for|toward|towards)\s+(?:(?:consumer|customer|victim|user)s?\s+)?(?:refunds?|redress|restitution|compensation)\b"
    r"(?!\s+(?:delay|claim|failure|practice|problem|request|polic|rule))"
    r"|\s*(?:\w+\s+){0,2}to\s+be\s+(?:returned|refunded|repaid)"
    # "$1 million goes to consumer refunds", "£3.5m back to customers"
    r"|\s*(?:goes|go|will\s+go|is\s+to\s+go)\s+(?:to|toward|towards)\s+(?:\w+\s+){0,2}(?:refunds?|redress|restitution|compensation|victims|consumers|customers)"
    r"|\s*(?:back\s+)?to\s+(?:affected\s+|harmed\s+|injured\s+|its\s+|their\s+)?(?:customers|consumers|users|victims|buyers|merchants|passengers|students|investors)\b"
)
# A penalty word between a refund or confiscation word and the amount governs the amount instead
# ("ordered to pay restitution and fined $2 million", 没收违法所得并处违法所得三倍罚款36万元).
_PENALTY_WORD = re.compile(r"\b(?:fined|fine|fines|fining|penalt\w*|sanction\w*)\b|罚款|并处|罚金")
# Costs awarded and fees are owed, not penalties ("costs of HK$15,000", 诉讼费).
# A loss caused or an amount a case involved is what the offence cost or moved, not a penalty
# (造成经济损失高达70亿元, 涉案金额约300万元, "losses of $2 million").
# Market statistics are no penalty either (消费规模达1.8万亿元, 交易额, 市值, "a market worth").
_LOSS_BEFORE = compile_scan(
    r"(?:损失|涉案(?:金额|资金|流水)|(?:诈骗|被骗)(?:金额|资金)|(?:消费|市场|交易|用户)规模|交易额|成交额|市值|估值)"
    r"(?:总额|金额|合计|共计|总计)?"
    r"(?:高达|达到?|约|超过|逾|近|共|为|计|累计)*\s*$"
    r"|\blosses\s+(?:of|totall?ing|amounting\s+to|worth|estimated\s+at)\s+(?:more\s+than\s+|over\s+|about\s+|around\s+|nearly\s+|some\s+)?$")
_COSTS_BEFORE = compile_scan(r"(?:\b(?:costs|legal\s+fees|court\s+fees|expenses)\s+(?:of\s+)?|(?:诉|堂)?讼费(?:用)?|案件受理费)\s*$")
_COSTS_AFTER = re.compile(r"\s*(?:in\s+)?(?:legal\s+|court\s+|investigation\s+|investigative\s+|prosecution\s+)?costs\b")
# A penalty set but suspended, in whole or in part ("a $4 million civil penalty, to be suspended
# upon payment of…", "a fine of €2m, of which €1.5m is suspended", 罚款…暂缓执行): the amount
# stated is not what is paid. The part still paid is stated as its own amount.
_SUSPENDED_AFTER = re.compile(
    r"\s*(?:[a-z-]+\s+)?(?:fines?|penalty|penalties|judgment)?[\s,]*(?:(?:which|that)\s+)?(?:(?:is|was|will\s+be|would\s+be|to\s+be|being)\s+)"
    r"(?:(?:partially|partly|largely|mostly|conditionally)\s+)?suspended\b"
    r"|\s*(?:的)?(?:罚款)?[，,]?\s*(?:暂缓执行|缓期执行|暂缓缴纳)")
_SUSPENDED_BEFORE = re.compile(r"\bsuspended\s+(?:civil\s+|monetary\s+)?(?:fines?|penalty|penalties)\s+(?:of\s+)?$")
# An amount clause with no verb of its own ("…发出罚款通知，总额为1.8339亿英镑", "…, totalling £3m")
# says how much the clause before it is about: that clause's intention governs it.
_AMOUNT_LEAD = re.compile(
    r"\s*(?:(?:总额|金额|数额|总计|合计|共计|罚款额|罚款金额)(?:为|达|约|达到)?|(?:totall?ing|amounting\s+to|worth|in\s+all)"
    r"|(?:the\s+)?(?:total|amount|sum)\s+(?:being|is|was|of))\s*(?:about|around|约|近)?\s*$")
# A sentence opening on what came first ("Originally, the commission imposed …, but it was
# adjusted to …", 原本…但…): its amounts before the contrast were replaced.
_ORIGINALLY_FRAME = re.compile(r"\s*(?:originally|initially|at\s+first|原本|原先|起初|最初)\s*[,，]")
# A sentence framed as a decision not yet final ("In a preliminary decision, …").
_PROPOSED_FRAME = re.compile(
    r"\s*(?:in|under|with|according\s+to)\s+(?:a|an|its|the|their|his|her)\s+(?:\w+\s+)?"
    r"(?:preliminary|provisional|draft)\s+(?:decision|ruling|finding|view|assessment|notice)")
_CONFISCATED_BEFORE = re.compile(r"(没收|违法所得|违法收入|confiscat\w*|disgorge\w*|illegal\s+(?:gains|income|proceeds))[^，,。；;]{0,10}$")
# The unit may be hyphenated onto the amount or the noun ("£100 per-day penalty", "a €50,000-a-day fine").
_PER_UNIT_AFTER = re.compile(
    r"[\s-]*(?:(?:per|a|each|for\s+each|for\s+every)[\s-]+(?:day|week|month|violation|breach|infringement|offence|offense)\b"
    r"|(?:每日|每天|按日|每次|每项))"
)
_PER_UNIT_BEFORE = compile_scan(
    r"(?:(?:每日|每天|按日)(?:连续)?(?:处以?|处罚|罚款|罚金|计罚)?(?:恐|或|可能|最高|将)?(?:高达|可达|达)?"
    r"|(?:daily|periodic|per-day)\s+(?:penalty|penalties|fine|fines)"
    r"(?:\s+payments?)?\s+(?:of\s+)?)\s*$")
# A penalty for each day of delay, stated before the amount in its clause (每逾期一日…将被处以高达
# 10万欧元的罚款, "for every day it fails to comply, Orbit faces €50,000"): periodic.
_EACH_DAY_BEFORE = compile_scan(
    # (a delay word is required: 每日 alone also names papers, 每日经济新闻)
    r"每(?:逾期|延迟|迟延|拖延|超期)(?:一)?[日天]|逾期(?:后)?每[日天]"
    r"|\bfor\s+(?:each|every)\s+(?:additional\s+|further\s+)?day\b")
# One instalment of a fine paid over time (第一期罚款…, 首期…, 每期…, "the first instalment of
# £2m") is a payment, not a fine of its own.
_INSTALMENT_BEFORE = compile_scan(
    r"(?:第[一二三四五六七八九十\d]{1,3}期|首期|每期)(?:的)?(?:罚款|罚锾|罚金)?(?:为|约|共)?\s*$"
    r"|\b(?:first|second|third|final|last|next|each|monthly|annual)\s+(?:instal?l?ment|tranche)s?\s+(?:of\s+)?$")
# Amounts per unit of time: periodic penalties, and prices ("$14.99 a month"), never a fine.
_DAILY = re.compile(
    r"[\s-]*(?:(?:per|a|each|every|for\s+each|for\s+every)[\s-]+(?:day|week|month|year)\b|(?:daily|weekly|monthly|annually|yearly)\b)"
    r"|\s*(?:每日|每天|按日|每月|每年)")
_IMPOSED_AFTER = re.compile(
    r"[\s,]*(?:which|that)\s+(?:it|they|the\s+\w+)\s+(?:then\s+)?(?:levied|imposed|issued|handed|gave)")
# 以下, 以内: a limit; 起跳 ("100万元起跳"): the least the law sets. Neither is a fine imposed.
_CAP_AFTER = re.compile(r"\s*(?:以下|以上|以内|之内|至|起跳)")
_CAP_BEFORE = compile_scan(
    r"(?:up\s+to|not\s+exceeding|no\s+more\s+than|at\s+most|as\s+much\s+as|capped\s+at|could\s+(?:face|have\s+faced)|"
    r"(?:could|may|might|can)\s+(?:rise|reach|climb|amount|run)\s+(?:to|as\s+high\s+as)|\bcan\s+reach|"
    r"maximum(?:\s+(?:fine|penalty|amount))?(?:\s+(?!which\b|that\b)[a-z]+){0,5}?\s+(?:of|is|was|at)"
    r"|(?:upper\s+|legal\s+|statutory\s+)?(?:limit|ceiling|cap)\s+(?:of|is|was|at)"
    # 最高可能受到, 最高将面临, 最多可被处以, 恐高达: the most that may come, not what was imposed
    r"|(?:最高|最多|上限)(?:(?:可能|可|将|或将?|恐)(?:被)?(?:受到|面临|处以?|罚款?|达到?)?|(?:将|或将?)?(?:受到|面临))?"
    r"|(?:恐|或将?|可能|预计)(?:将)?(?:高达|可达)|不超过|上限(?:仅|只|也|都|均)?(?:为|是)?"
    # 最高罚款100万元 (not 处以最高罚款…, the maximum imposed): the law's most
    r"|(?<!处以)(?<!予以)(?<!给予)(?<!被处)(?:最高|最多)(?:罚款|罚金|处罚)(?:金?额)?(?:为|达|是)?"
    # 可处…罚款, 可开罚…, 可被罚款…: what the law allows, not what was imposed (not 许可, 认可)
    # (可开罚至少…: the least the law allows is no fine either)
    r"|(?<![许认])可(?:以|能)?(?:被)?(?:开|并)?(?:处以?|罚款?|罚金|处罚)(?:款|金)?(?:至少|最少|最低|最高|最多)?"
    # the upper end of a scale (罚10万至2500万元, 处以5万到50万元罚款, 罚五十万到一千万元)
    r"|(?<![\d.])\d[\d.,]*\s*[千万亿]*\s*(?:元|美元|欧元|港元|新台币)?\s*(?:至|到|~|～)"
    r"|(?<![\d.])[一二两三四五六七八九十百]+[千万亿]+\s*(?:元|美元|欧元|港元|新台币)?\s*(?:至|到|~|～)"
    # 每违规一次处以…, 每件可罚…: a penalty per violation or per item is the law's, not one imposed
    r"|每(?:违规|违法|次|项|起|例|发现|件|则|条|笔)[^，,。；;\d]{0,6})\s*(?:a\s+(?:fine|penalty)\s+of\s+)?$"
)
# An end of a range of amounts ("a penalty of between NT$50,000 and NT$150,000", "a fine of
# 800,000-4,000,000 rubles ($11,000-$54,000)") is the scale the law sets, unless its clause says
# the amounts were imposed ("imposed fines ranging between HK$132,000 and HK$740,000").
_RANGE_UPPER_BEFORE = compile_scan(
    r"\bbetween\s+\S{0,4}?\d[\d.,']*\s*(?:thousand|million|billion|m|bn)?\s*(?:[a-z]+\s+)?and\s+$"
    r"|(?<![\d.,'])\d[\d.,']*\s*(?:thousand|million|billion|m|bn|k)?\s*[-–]\s*$")
_RANGE_LOWER_BEFORE = compile_alternatives(r"\bbetween\s+$")
_RANGE_LOWER_AFTER = re.compile(r"\s*[-–]\s*(?:[a-z]{0,3}[$€£¥₩₹])?\d")
# "up to 10% of its global turnover, or about $2 billion": the limit restated as an amount.
_CAP_RATE_RESTATED = re.compile(
    r"(?:up\s+to|as\s+much\s+as|maximum\s+of|最高|最多|不超过)[^.;。；\d]{0,20}?\d+(?:\.\d+)?\s*(?:%|percent|per\s+cent)"
    r"[^.;。；]{0,50}?[,，(（]\s*(?:or|which\s+(?:is|would\s+be)|i\.e\.|即|约合|约)?\s*(?:about|around|roughly|some|nearly|almost|约)?\s*$")
# 50万元上限: a stated limit, unless the limit was imposed (顶格, "the full amount").
_CAP_NOUN_AFTER = re.compile(r"\s*(?:的)?\s*上限")
_CAP_IMPOSED = re.compile(r"顶格|the\s+full\s+amount|the\s+maximum\s+(?:allowed|possible)")
# The maximum itself as what the sentence is about: its level is stated, raised or compared
# ("The maximum fine the Commissioner can impose increased from £500k … to €20 million",
# 罚款上限由50万元提高至5000万元). A verb of level or change stands between the noun and the
# amount; a maximum imposed on someone ("imposed the maximum fine of", 处以最高罚款) is none.
_MAXIMUM_NOUN = compile_scan(
    r"\b(?:maximum|highest\s+possible|statutory\s+maximum)\s+(?:[a-z]+\s+)?(?:fines?|penalty|penalties|amount)\b"
    r"|(?:罚款|处罚|罚金)(?:的)?(?:上限|最高(?:限)?额)|最高(?:罚款|处罚|罚金)(?:金?额|数额)?")
_MAXIMUM_LEVEL = re.compile(
    r"\b(?:is|was|are|were|will\s+be|stands\s+at|stood\s+at|rose|rises|risen|increased|raised|doubled|went\s+up|goes\s+up"
    r"|from|to)\b|由|从|提高|提升|增加|增至|上调|调整为|为|是")
# Imposed on someone anywhere before the amount; a maximum that "can be imposed" is not.
_MAXIMUM_IMPOSED = re.compile(
    r"(?<!\bbe\s)(?<!\bcan\s)(?<!could\s)(?<!\bmay\s)\b(?:imposed|levied|issued|handed|gave|given|hit|slapped|received|fined)\b"
    r"|处以|给予|予以|被罚|对[^，,。]{1,20}处")


def _maximum_level(text: str, sentence_start: int, amount_start: int) -> bool:
    """The amount states the level of a maximum the sentence names before it (``_MAXIMUM_NOUN``)."""
    noun = _MAXIMUM_NOUN.search(text, max(sentence_start, amount_start - 160), amount_start)
    if noun is None:
        return False
    return bool(_MAXIMUM_LEVEL.search(text, noun.end(), amount_start)) \
        and not _CLAUSE_BREAK.search(text, noun.end(), amount_start) \
        and not _MAXIMUM_IMPOSED.search(text, sentence_start, amount_start)


# The maximum and its level are one clause ("The maximum fine is €20m, and X was fined €5m").
_CLAUSE_BREAK = re.compile(r"(?<!\d)[,，]|[,，](?!\d{3})|[;；、]|\b(?:and|but|while|whereas)\s+(?!\d)(?=[a-z]+\s+(?:was|were|is|has|had)\b)")


# A penalty not (yet) imposed: announced as an intention, proposed, or what was faced before a
# reduction. The cue governs the amount when it is in the amount's clause.
# (Its alternatives are grouped by first character: most open on \b or a group, and would
# each be entered at every letter.)
_PENALTY = r"(?:fine|fines|penalty|penalties|sanction|sanctions)"
_PROPOSED = compile_alternatives(
    r"intention\s+to|intend(?:s|ed|ing)?\s+(?:to|on)\s+(?:fine|impos|issu|penal|levy|sanction)|notice\s+of\s+intent|"
    # "an advance notification of a NOK 100 million fine": the fine announced before it is decided
    r"\badvance\s+(?:notification|notice)\b|"
    # "a notice of the office's intent to issue the fine"
    r"\bintent\s+to\s+(?:fine|impos|issu|serve|levy|penal|sanction)|"
    r"(?:plans?|planning|set|expected|poised|likely|preparing|prepares)\s+to\s+(?:fine|impose|levy|penali|hit|slap)|"
    # A fine still to come, in the passive: "X is to be fined", "Y set to be penalised".
    r"\b(?:is|are|set|expected|likely|due|poised|going|about)\s+to\s+be\s+(?:fined|penali[sz]ed|hit\s+with)\b|"
    # Headline future: "Watchdog to fine BA £183m".
    r"\b(?:watchdog|regulators?|commission|eu|ico|ftc|authority|authorities|agency|ministry|office)\s+to\s+(?:fine|hit|slap|penali)|"
    r"propos(?:ed|es|ing)\s+(?:an?\s+|the\s+)?(?:fine|fining|penalt|penalis|penaliz|[$€£¥\d])|"
    # "proposed to issue a fine", "proposes to serve a penalty notice"
    r"propos(?:ed|es|ing|al)?\s+to\s+(?:fine|impos|levy|issu|serve|penali|hand)|"
    rf"propos(?:ed|es|al)?\s+(?:{_PENALTY})|{_PENALTY}\s+(?:\w+\s+){{0,2}}proposed|"
    # A decision not yet final: "provisionally decided to fine", "minded to issue", "preliminary finding".
    rf"provisional(?:ly)?\s+(?:{_PENALTY}|set|imposed|decid\w*|decision|finding|view|notice)|"
    # An amount the decision replaced, its adjective right before it ("the initially provisional
    # 72.4 billion won", "down from its original $5 million", 原处罚的…)
    r"\b(?:provisional|original|initial|earlier|previous|superseded|annulled|overturned)\s+(?=[$€£¥₩₹]|[a-z]{2,3}\$|\d)|"
    r"preliminar(?:y|ily)\s+(?:decision|decided|finding|view|notice|assessment|ruling)|\bminded\s+to\b|"
    # Fines still to come: "another £1.4m in fines in the pipeline", "pending penalties".
    r"in\s+the\s+pipeline|(?:over|in)\s+the\s+(?:coming|next)\s+(?:weeks|months)|"
    # A fine escaped is none ("received immunity and avoided a fine of €90 million", 免于处罚).
    r"\b(?:avoid(?:ed|s|ing)?|escap(?:ed|es|ing)|spared|would\s+otherwise\s+have)\b|免于|免除|免予|"
    r"(?:originally|initially)\s+(?:been\s+)?(?:proposed|planned|sought|set|intended|announced|mooted|faced)|"
    r"had\s+planned|planned\s+to\s+(?:fine|impose|levy)|reduced\s+from|the\s+possible|had\s+faced|"
    r"could\s+have\s+(?:faced|been)|would\s+have\s+(?:faced|been|had\s+to\s+pay)|(?:could|may|might|would)\s+face|"
    # An amount only possible: "the fine may range between…", "could reach", "might be as high as".
    r"\b(?:may|might|could|would)\s+(?:range|reach|exceed|climb|total|mean|amount\s+to|come\s+to)\b"
    r"|\b(?:may|might|could|would)\s+be\s+(?:as\s+(?:high|much)\s+as|up\s+to|between|in\s+the\s+region\s+of)|"
    # 打算/计划/准备…罚: an intention to fine, in Chinese
    # (not 计划 as a noun: 执法计划, 工作计划, 年度计划)
    # (准备金, reserves, is a noun)
    r"(?:打算|准备(?!金)|有意|意图|(?<![法作度项动])计划)[^，,。；;]{0,24}?(?:罚|处罚)|"
    # 恐将遭…罚款, 将会因…遭罚, 可能被罚, 估罚: a fine foreseen or rumoured, in Chinese
    r"(?:恐将?|将会|或将?|可能(?:会|将)?|预计将?|传将)(?:因[^，,。；;]{1,12}?)?(?:遭|被|面临)[^，,。；;]{0,10}?罚|估(?:计)?罚|"
    # "seeks to slap up to 68 billion won in fines": a fine the regulator asks for
    r"\bseek(?:s|ing)?\s+to\s+(?:slap|impose|levy|fine|penali)|"
    # "was considering fining TikTok £27 million": a fine weighed, not imposed
    r"\bconsider(?:s|ed|ing)?\s+(?:fining|imposing|levying|issuing|penali[sz]ing|an?\s+(?:[a-z-]+\s+)?(?:fine|penalty))|"
    # 罚款至少应在…: what someone thinks the fine should be
    r"(?:罚款|罚金|处罚)(?:金额)?(?:至少|最少|最多)?应(?:该|当)?(?:在|达到?|为|是)|"
    # 去年提出的…, 此前提议的…: the amount put forward before the decision
    r"(?:此前|之前|先前|早前|最初|原先|原本|去年|曾)(?:所)?(?:提出|提议|拟议|建议)的|"
    rf"potential\s+{_PENALTY}|"
    # A penalty someone recommended (a rapporteur, prosecutors) is not the one imposed.
    rf"\brecommend(?:s|ed|ing|ation)?\s+(?:(?:an?|the|that)\s+)?(?:[a-z-]+\s+){{0,2}}?{_PENALTY}\b|"
    r"\bseek(?:s|ing)?\b(?!\s+to\b)|\bsought\b(?!\s+to\b)|初步(?:决定|认定|拟)|(?<![虚模])拟(?:对|处|罚|给予|作出|予以|决定|没收|责令)|原定|建议处以|(?:预先|事先)告知|处罚告知"
)
# A notice that says its fines are still to be finalised ("The commission plans to finalize the
# fine after listening to the opinions of the companies") announces proposals, whatever verb
# states each amount.
NOT_FINAL_YET = re.compile(
    r"\b(?:plans?|planning|expects?|intends?|will|would|is\s+to|are\s+to|yet)\s+(?:to\s+)?finali[sz]e\s+"
    r"(?:the|its|their|these|those)\s+(?:[\w-]+\s+)?(?:fines?|penalt(?:y|ies)|sanctions?|amounts?)\b")
# Money set aside for a fine that may come is no fine ("a provision of €400 million", 计提).
_PROVISION = re.compile(r"(?:provisions?\b|set\s+aside|put\s+aside|sets\s+aside|puts\s+aside|earmark\w*|计提|预提)[^，,。；;]{0,20}$")
# Fines still owed are a debt, not a fine imposed ("still owe the regulator more than £1m in
# fines", "£2m of unpaid penalties", "£1m worth of fines remain outstanding", 欠缴罚款30万元).
_OWED_BEFORE = compile_scan(
    r"(?:\bow(?:e|es|ed|ing)\b(?:\s+[a-z'’]+){0,5}?|\b(?:outstanding|unpaid|uncollected|overdue)\s+(?:fines?|penalt\w+)"
    r"(?:\s+(?:of|totall?ing|worth))?|(?:欠缴|拖欠|尚未缴纳|未缴纳|未缴)(?:的)?(?:罚款|罚金|罚锾)?(?:为|达|共|约)?)"
    r"\s*(?:more\s+than|over|about|around|nearly|almost|some|超过|逾|近|约)?\s*$")
_OWED_AFTER = re.compile(
    r"\s*(?:(?:worth\s+)?(?:of|in)\s+)?(?:(?:unpaid|outstanding)\s+)?(?:fines?|penalt\w+)?\s*(?:remains?|is|are|still)\s+"
    r"(?:still\s+)?(?:outstanding|unpaid|uncollected|owed|overdue)\b"
    r"|\s*(?:worth\s+)?(?:of|in)\s+(?:unpaid|outstanding|uncollected)\s+(?:fines?|penalt\w+)")
# A budget or target for fine revenue is no fine (全年罚锾预算2亿元, "a budget of £5m for fines").
_BUDGET_BEFORE = compile_scan(r"(?:预算|预估|目标|\bbudget(?:ed)?|\btarget)(?:\s+(?:of|is|was|for\s+\w+\s+of))?\s*(?:为|达|约|是)?\s*$")
# Taxes paid back and late-payment charges are owed, not penalties imposed.
_TAX_BEFORE = re.compile(r"(?:补缴|补税|税款|滞纳金|back\s+taxes|unpaid\s+taxes)[^，,。；;]{0,10}$")
_TAX_AFTER = re.compile(r"\s*(?:的)?(?:税款|滞纳金)|\s*(?:in|of)\s+(?:back\s+|unpaid\s+|overdue\s+)?tax(?:es)?\b")
_PROVISION_AFTER = re.compile(r"\s*(?:as\s+an?\s+|in\s+)?provisions?\b")
# A penalty noun right after the amount ("and a $5 million civil penalty") outweighs a refund
# word before it.
_PENALTY_AFTER = re.compile(rf"\s*(?:[a-z-]+\s+)?{_PENALTY}\b|\s*(?:的)?罚款")
_FACES_BEFORE = compile_scan(
    r"\bfac(?:es|ing)\s+(?:an?\s+|the\s+)?(?:record\s+|possible\s+|potential\s+|hefty\s+)?(?:fines?\s+of\s+)?$"
    # 或被处以至少…, 可能会被罚…: a fine that may come
    r"|(?:面临|(?:或将?|可能(?:会)?|恐将?|或许)被(?:处以?|罚款?|判罚))\s*(?:约|高达|至少|最高|超过|超|逾|近)?\s*$")
_DOWN_FROM = re.compile(r"(?:down|lowered|cut|reduced)\s+from\s+(?:an?|the|its|their)\s+(?:original\s+|initial\s+|proposed\s+)?$")
# The amount a penalty was changed from ("reduced the penalty from £30m to £9m", 罚款由2000万元减至…).
_CHANGED_FROM = compile_scan(
    r"\b(?:reduc|lower|cut|trimm|slash|decreas)\w*\s+(?:(?:the|its|their|this|that|a)\s+)?(?:[a-z-]+\s+){0,2}?from\s+$"
    r"|(?:罚款|罚金|处罚|金额)[^，,。；;\d]{0,6}?[由从](?:此前|之前|原先|最初|原来)?(?:的)?\s*$")
_CHANGED_TO_AFTER = re.compile(r"\s*(?:to\s|(?:大幅|大大)?(?:减至|降至|减为|降为|下调至|调整为|减少至|降低至|降低为))")
_REDUCED_TO = compile_scan(
    r"(?:reduc|lower|cut|down)\w*\s+(?:(?:the|its|their|this|that)\s+(?:[a-z-]+\s+){0,2}?)?"
    r"(?:from\s+[^,;，；]{1,30}?\s+)?to\s+$|(?:减为|降至|减至|降为|降低至|降低为|减少至|减少为|下调至|下调为)\s*$")
# After a contrast the proposal no longer governs ("proposed £90,000 but settled on £45,000").
_CONTRAST = re.compile(r"\b(?:but|however|instead|eventually|finally|ultimately)\b|最终|但|后经")
# An average ("payments averaging $114 each", "the average fine was £2m", 平均每家罚款,
# 平均罚没金额超过2亿元) is a statistic, never a fine imposed: the average word heads the
# amount's own noun phrase.
_AVERAGE_BEFORE = re.compile(
    r"(?:averag\w*(?:\s+(?!of\b|was\b|is\b|were\b)[a-z-]+){0,5}?|an\s+average\s+of|(?:平均|人均|户均)[^，,。；;：:\d]{0,8}?)\s*"
    r"(?:of\s+|was\s+|is\s+|were\s+|stood\s+at\s+|came\s+to\s+|amounted\s+to\s+|为|约|达到?|超过|逾|近)?"
    r"\s*(?:about\s+|around\s+|over\s+|more\s+than\s+|nearly\s+|almost\s+|roughly\s+)?$")
# A threshold fines are measured against is no fine: "broke the €1 million barrier", "fines
# above the $1m mark", 突破千万元大关; 超过100万元的金额 (amounts over it), 罚款逾50万元的案件.
_THRESHOLD_AFTER = re.compile(r"\s*(?:barrier|threshold|mark)\b|\s*(?:的)?(?:门槛|关口|大关)")
_COMPARED_BEFORE = re.compile(r"(?:超过|超出|高于|多于|逾|above|over|exceeding|more\s+than)\s*$")
_COMPARED_CLASS_AFTER = re.compile(r"\s*的\s*(?:罚款|罚锾|罚金|处罚)?(?:金额|案件|案例|案子|个案)")
# A difference is no fine ("a reduction of the fine by €3.5 million", "the court cut X's fine
# for … by more than €100 million", 罚款减少了2000万元): a change verb whose object ends in
# "by" right before the amount, however long the object.
_CHANGED_BY = compile_scan(
    r"\b(?:reduc\w*|cut|cuts|cutting|lower\w*|increas\w*|rais\w*|rise|rose|fell|drop\w*|decreas\w*|trimm\w*|slash\w*)\b"
    r"[^.;:!?\d€$£¥]{0,90}?\bby\s+(?:about|approximately|around|some|nearly|roughly|almost|more\s+than|over|less\s+than)?\s*"
    r"(?:euros?|eur|usd|gbp)?\s*$"
    r"|(?:减少|降低|增加|下降|上升|减轻|减免|核减|调减|下调|上调|调低|调高|增长|[小大略微][减增降升]|年[减增])了?\s*(?:约|近|超过|逾)?\s*$")
# A total says so ("fines totalling", "in fines", "a $2.5 billion settlement", 合计, 共计).
_TOTAL_BEFORE = re.compile(r"(?:total(?:ling|ing|\s+of)?|combined|in\s+all|altogether|aggregate|合计|共计|总计|累计|总额)\s*(?:人民币)?\s*$")
_TOTAL_AFTER = re.compile(
    r"\s*(?:in\s+(?:total\s+|combined\s+)?(?:fines|penalties)|(?:in\s+)?total|combined|altogether|settlement|in\s+all)\b")


_CONVERSION_BRACKET = re.compile(r"\s*[(（][^()（）\n]{0,30}\d[^()（）\n]{0,30}[)）]")


def money_role(prepared: PreparedText, candidate: Candidate, verdict: Verdict | None) -> str:
    """What a money amount is, read from the words that govern it (see ``ROLES``). ``total``
    and ``part`` are given later, by :func:`link_parts`, from the amounts themselves."""
    text = prepared.text
    clause_start, clause_end = prepared.clause_at(candidate.start)
    sentence_start, sentence_end = prepared.sentence_at(candidate.start)
    near_start = max(sentence_start, candidate.start - 40)
    before = text[near_start:candidate.start]
    after_start = candidate.end
    # A conversion in brackets right after the amount ("R$50,000 ($9,000) per day") stands
    # between the amount and the words that govern it.
    bracket = _CONVERSION_BRACKET.match(text, candidate.end, sentence_end)
    if bracket is not None:
        after_start = bracket.end()
    after = text[after_start:min(sentence_end, after_start + 40)]
    confiscated = _CONFISCATED_BEFORE.search(text, max(clause_start, near_start), candidate.start)
    if confiscated and not _PENALTY_WORD.search(text, confiscated.end(1), candidate.start):
        return CONFISCATED
    if _RATE_AFTER.match(text, candidate.end) or _BASE_BEFORE.search(before) or _BASE_AFTER.match(after):
        return SALES_BASE
    if _PROVISION.search(text, max(clause_start, near_start), candidate.start) or _PROVISION_AFTER.match(after) \
            or _TAX_BEFORE.search(text, max(clause_start, near_start), candidate.start) or _TAX_AFTER.match(after) \
            or _COSTS_BEFORE.search(before) or _COSTS_AFTER.match(after) or _LOSS_BEFORE.search(before) \
            or _OWED_BEFORE.search(text, max(clause_start, sentence_start, candidate.start - 80), candidate.start) \
            or _OWED_AFTER.match(after) or _BUDGET_BEFORE.search(before):
        return OTHER
    refund = _REFUND_BEFORE.search(text, max(clause_start, near_start), candidate.start)
    if (refund and not _PENALTY_AFTER.match(after)
            and not _PENALTY_WORD.search(text, refund.end(1), candidate.start)) or _REFUND_AFTER.match(after):
        return REFUND_OR_DEPOSIT
    instalment = ("期" in before or "instal" in before or "tranche" in before) and _INSTALMENT_BEFORE.search(before)
    if _DAILY.match(after) or _PER_UNIT_BEFORE.search(before) or instalment \
            or _EACH_DAY_BEFORE.search(text[max(sentence_start, candidate.start - 80):candidate.start]) \
            or (("suspend" in after or "缓" in after) and _SUSPENDED_AFTER.match(after)) \
            or ("suspended" in before and _SUSPENDED_BEFORE.search(before)):
        return OTHER
    if (_RANGE_UPPER_BEFORE.search(before) or _RANGE_LOWER_BEFORE.search(before)
            or _RANGE_LOWER_AFTER.match(text, candidate.end)) \
            and not _MAXIMUM_IMPOSED.search(text, clause_start, candidate.start):
        return MAXIMUM
    if _CAP_AFTER.match(after) or _CAP_BEFORE.search(text[max(near_start, candidate.start - 40):candidate.start]) \
            or _CAP_RATE_RESTATED.search(text, max(sentence_start, candidate.start - 100), candidate.start) \
            or _PER_UNIT_AFTER.match(after) or _CAP_NOUN_AFTER.match(after) \
            or _maximum_level(text, sentence_start, candidate.start):
        # The maximum that was imposed is the fine ("a maximum fine of £500,000, which it levied",
        # 顶格50万元, 达50万元上限的顶格罚单).
        imposed = _IMPOSED_AFTER.match(after) or _CAP_IMPOSED.search(text, clause_start, clause_end)
        return FINE if imposed and verdict is not None and verdict.metric == "fine_amount" else MAXIMUM
    if _THRESHOLD_AFTER.match(after) or (_COMPARED_CLASS_AFTER.match(after) and _COMPARED_BEFORE.search(before)):
        return OTHER
    if _AVERAGE_BEFORE.search(before) or _CHANGED_BY.search(text, max(sentence_start, candidate.start - 120), candidate.start):
        return OTHER
    # The intention governs every amount it lists ("intends to fine A £183m and B £99m").
    if _FACES_BEFORE.search(before):
        # What a company faces ("BA faces a record £183m fine") is not yet imposed.
        return PROPOSED
    if _CHANGED_FROM.search(before) and _CHANGED_TO_AFTER.match(after):
        # "reduced the penalty from £30 million to £9 million": the amount it was before.
        return PROPOSED
    if _DOWN_FROM.search(before) and _PENALTY_AFTER.match(after):
        # "lowered its fine to £18.4m, down from a £99 million fine": the fine before a reduction;
        # "down from $5m in 2022" compares totals and stays what it is.
        return PROPOSED
    if _REDUCED_TO.search(before) and verdict is not None and verdict.metric == "fine_amount":
        # "reduced from £183 million to £20 million": the amount it was reduced to is the fine.
        return FINE
    proposal = None
    governing_start = clause_start
    if clause_start > sentence_start and _AMOUNT_LEAD.fullmatch(text, clause_start, candidate.start):
        governing_start = max(sentence_start, prepared.clause_at(clause_start - 2)[0])
    while governing_start > sentence_start + 1 and text[governing_start - 1] == "、":
        # Items listed with 、 share the head of the list (拟没收违法所得、罚款…: both proposed).
        governing_start = max(sentence_start, prepared.clause_at(governing_start - 2)[0])
    for proposal in _PROPOSED.finditer(text, max(governing_start, candidate.start - 80), min(clause_end, candidate.end + 30)):
        pass
    if (proposal is not None and not _CONTRAST.search(text, proposal.end(), candidate.start)) \
            or _PROPOSED_FRAME.match(text, sentence_start) \
            or ("finali" in text and NOT_FINAL_YET.search(text)) \
            or (_ORIGINALLY_FRAME.match(text, sentence_start) and not _CONTRAST.search(text, sentence_start, candidate.start)):
        return PROPOSED
    if verdict is not None and verdict.metric == "fine_amount":
        return FINE
    return OTHER


def link_parts(prepared: PreparedText, drafts: list[Draft]) -> None:
    """An amount equal to the sum of two or three other amounts of the same currency is their
    total ("$170 million: $136 million to one agency and $34 million to another") when it says
    it is a total (totalling, in fines, settlement, 合计) or is stated first with its parts in
    the next few sentences; amounts of a list that happen to add up are no total. The total
    keeps the metric only when every part is a fine, and only then are its parts ``part``."""
    money = [d for d in drafts
             if d.candidate.currency is not None and d.role in (FINE, REFUND_OR_DEPOSIT, CONFISCATED, OTHER)]
    if len(money) < 3 or len(money) > 40:
        return
    for total in sorted(money, key=lambda d: d.candidate.value, reverse=True):
        if total.part_of is not None or total.role == PART or total.role not in (FINE, OTHER):
            continue
        said = _says_total(prepared, total)
        sentence = prepared.sentence_index(total.candidate.start)
        others = [d for d in money if d is not total and d.candidate.currency == total.candidate.currency
                  and d.candidate.value < total.candidate.value and d.part_of is None and d.role != TOTAL
                  and (said or (d.candidate.start > total.candidate.end
                                and prepared.sentence_index(d.candidate.start) - sentence <= 2))]
        # The nearest few amounts only: a table of forty amounts must not cost 40³ sums.
        others = sorted(others, key=lambda d: abs(d.candidate.start - total.candidate.start))[:_NEAREST_PARTS]
        parts = _summing_to(total.candidate.value, others)
        if parts is None and not said:
            # A lead's amount broken down further on, in one sentence of its own ("agreed to pay
            # $520M … . Under the settlement it pays $275M in fines and refunds another $245M").
            parts = _summed_in_one_sentence(prepared, total, money)
        if parts is None:
            continue
        fines = all(part.role == FINE for part in parts)
        if total.role not in (FINE, OTHER) or not (fines or any(part.role == FINE for part in parts)):
            continue
        total.role = TOTAL
        total.metric = "fine_amount" if fines else None
        for part in parts:
            part.part_of = total
            # A fine inside a total that is no fine (罚没款合计, a settlement with refunds) is
            # the only statement of that fine: it stays a fine.
            if fines:
                part.role = PART


_NEAREST_PARTS = 12


def _summed_in_one_sentence(prepared: PreparedText, total: Draft, money: Sequence[Draft]) -> tuple[Draft, ...] | None:
    """Two or three amounts of one later sentence that sum to ``total``."""
    by_sentence: dict[int, list[Draft]] = {}
    for draft in money:
        if (draft.candidate.start > total.candidate.end and draft.part_of is None and draft.role != TOTAL
                and draft.candidate.currency == total.candidate.currency
                and draft.candidate.value < total.candidate.value):
            by_sentence.setdefault(prepared.sentence_index(draft.candidate.start), []).append(draft)
    for drafts in by_sentence.values():
        if 2 <= len(drafts) <= 3:
            parts = _summing_to(total.candidate.value, drafts)
            if parts is not None and len(parts) == len(drafts):
                return parts
    return None


def _says_total(prepared: PreparedText, total: Draft) -> bool:
    """The amount says it is a total (totalling, in fines, settlement, 合计)."""
    text = prepared.text
    start, end = total.candidate.start, total.candidate.end
    return bool(_TOTAL_BEFORE.search(text, max(0, start - 30), start) or _TOTAL_AFTER.match(text, end))


def _summing_to(value: int | Decimal, drafts: Sequence[Draft]) -> tuple[Draft, ...] | None:
    """Two, else three, of ``drafts`` with distinct values summing to ``value``."""
    by_value: dict[int | Decimal, Draft] = {}
    for draft in drafts:
        by_value.setdefault(draft.candidate.value, draft)
    values = list(by_value)
    for index, first in enumerate(values):
        rest = value - first
        if rest in by_value and rest != first and values.index(rest) > index:
            return by_value[first], by_value[rest]
    for index, first in enumerate(values):
        for second in values[index + 1:]:
            rest = value - first - second
            if rest in by_value and rest not in (first, second) and values.index(rest) > values.index(second):
                return by_value[first], by_value[second], by_value[rest]
    return None
