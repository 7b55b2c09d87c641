"""Reporting periods: a year, a half-year, a quarter or a span of months (or days), found in
notice text and resolved against the notice's publication date ("今年上半年" published
2023-07-20 is 2023-H1; "7月以来" published 2020-09-14 is 2020-07..2020-09)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from diffing.period import Period, PeriodMention, _first_nine_months, period_words
from diffing.periods_again import same_span_of_another_year, spans_named_again
from diffing.scans import compile_scan

__all__ = ["Period", "PeriodMention", "find_period_mentions", "period_words"]


_CN_YEAR_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                   "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_PART = (
    r"(?P<part>上半年|下半年|前三季度|第?[一二三四1-4]季度|第?[一二三四1-4]季|首季度?|全年|年度)?"
)
# Each pattern that scans a whole text starts with a lookahead for the characters its matches
# start with: the scan then passes over every other character at once.
_ZH_PERIOD = compile_scan(
    r"(?=[1-4二民今本去上前下第一三四首全])(?:"
    r"(?:(?:(?P<year>(?:19|20)\d{2}|[二][〇零][一二三四五六七八九〇零]{2})|民国\s*(?P<roc>1[01]\d|[89]\d))\s*年"
    r"(?!\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月)(?:度)?"
    r"|(?P<relative>今年|本年|去年|上年|前年))\s*"
    + _CN_PART
    + r"|(?<![年季])(?P<bare>上半年|下半年|前三季度|第?[一二三四1-4]季度|第[一二三四1-4]季|首季度?|全年(?!度))"
    # 上季度: the quarter before the one of publication (Hong Kong and Taiwan reports).
    + r"|(?<![年季本])(?P<previous_quarter>上(?:一个)?季度?)(?![度节])"
    # 上月, 上个月: the month before publication's (上月底 is a date)
    + r"|(?<![年本])(?P<previous_month>上(?:个|一个)?月)(?:份)?(?!\s*(?:底|末|初|中旬|下旬|上旬|\d|[一二三四五六七八九十]))"
    r")"
)
_ZH_COMPARISON_BEFORE = re.compile(r"(?:比|较|同比|环比|相比|与|和|对比)\s*$")
_ZH_COMPARISON_AFTER = re.compile(r"^\s*(?:同期|相比|比较)")

_ORDINAL = r"(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th)"
_EN_PERIOD = compile_scan(
    r"(?<![a-z0-9])(?=[1-4tfshqidol])(?:"
    r"(?:the\s+)?" + _ORDINAL + r"\s+(?P<unit>half|quarter)(?:\s+(?:of\s+)?(?:(?P<year1>(?:19|20)\d{2})|(?P<rel1>this year|last year|the year)))?"
    r"|(?P<code>[hq][1-4])\s*(?P<year2>(?:19|20)\d{2})"
    r"|(?P<year3>(?:19|20)\d{2})\s*(?P<code2>[hq][1-4])"
    r"|(?P<nine>first nine months|first three quarters)(?:\s+(?:of\s+)?(?P<nineyear>(?:19|20)\d{2}|this year|the year))?"
    r"|(?:in|during|throughout|for|of|since)\s+(?:the\s+(?:whole\s+|full\s+)?year\s+(?:of\s+)?)?(?P<year4>(?:19|20)\d{2})(?!\s*[-/])"
    r"|(?P<year5>(?:19|20)\d{2})(?='s)"
    r"|(?P<rel2>this year|last year)"
    r"|(?P<lastmonth>last month)"
    r")(?![a-z0-9])"
)
_EN_COMPARISON_BEFORE = re.compile(
    # "up/down" alone is a phrasal verb ("shut down in 2023"), "up from", "down on" compare.
    r"(?:than|from|compared\s+(?:with|to)|on|over|versus|vs\.?|against)\s+(?:in\s+|the\s+)?$"
)


_MONTHS = {name: index + 1 for index, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTHS.update({name[:3]: index for name, index in list(_MONTHS.items())})
_CN_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_CN_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_ZH_YEAR = r"(?:(?P<{0}>(?:19|20)\d{{2}})\s*年|(?P<{0}r>今年|去年|本年|上年))"
_ZH_RANGE = re.compile(
    r"(?=[\s\d今去本上一二三四五六七八九十两前过近年])(?:"
    r"(?:" + _ZH_YEAR.format("yb") + r")?\s*(?<![\d第.])(?P<m1b>" + _CN_MONTH + r")\s*(?:至|到|—|-|~|－)\s*(?P<m2b>"
    + _CN_MONTH + r")\s*月(?:份)?(?!\s*\d)"
    # 前5个月, and 前8月 as Taiwan writes it
    r"|(?:" + _ZH_YEAR.format("yf") + r")?\s*前\s*(?P<mfirst>" + _CN_MONTH + r")\s*(?:个(?:多)?)?月"
    # 2025年截至8月底, 今年截止到8月: the year up to the month named (the year so far)
    r"|" + _ZH_YEAR.format("yu") + r"\s*(?:截至|截止(?:到)?)\s*(?P<mu>" + _CN_MONTH + r")\s*月(?:份)?\s*(?:(?P<du>"
    + _CN_DAY + r")\s*[日号])?(?:底|末)?"
    r"|(?:" + _ZH_YEAR.format("y1") + r")?\s*(?P<m1>" + _CN_MONTH + r")\s*月(?:份)?\s*(?:(?P<d1>" + _CN_DAY + r")\s*[日号])?"
    # 六月中以来, 3月上旬起: a start within the month
    r"(?P<mpart>初|中旬|上旬|下旬|中(?=\s*(?:以来|来|至今|起)))?"
    r"\s*(?:(?:至|到|—|-|~|－)\s*(?:" + _ZH_YEAR.format("y2") + r")?\s*(?P<m2>" + _CN_MONTH + r")\s*月(?:份)?"
    r"\s*(?:(?P<d2>" + _CN_DAY + r")\s*[日号])?(?:底|末)?|(?P<since>以来|来|至今|起(?!\s*(?:施行|实施|生效|执行|正式|开始施行|开始实施))))"
    r"|(?P<pastyear>过去一年|近一年|过去12个月|近12个月)(?:来|以来|里|中|间)?"
    r"|(?:过去|近)\s*(?:(?P<npast>[2-9]|1[01]|[两二三四五六七八九十]|十一)\s*个月|(?P<halfyear>半年))(?:来|以来|里|中|间)?"
    # 过去三年, 近三年来: that many years up to publication (近五年 alone may be "nearly five years")
    r"|过去\s*(?P<nyears>(?:[2-9]|10|[两二三四五六七八九十]))\s*年(?:来|以来|里|中|间)?"
    r"|近\s*(?P<nyearsb>(?:[2-9]|10|[两二三四五六七八九十]))\s*年(?:来|以来|里|中|间)"
    # 三年来, 专项行动两年以来: that many years up to publication (not 近年来, 多年来, 2021年来)
    r"|(?<![\d近去多几数十])(?P<nyearsc>(?:[2-9]|10|[两二三四五六七八九十]))\s*年(?:来|以来)"
    r"|(?P<ytd>(?:今年|本年)(?:初)?|年初)\s*(?:以来|至今)"
    r"|(?P<yfrom>(?:19|20)\d{2})\s*年?\s*(?:至|到|—|-|~|－)\s*(?P<yto>(?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)"
    r"|(?P<ysince>(?:19|20)\d{2})\s*年以来"
    r")"
)
_ZH_FROM_BEFORE = re.compile(r"[自从]\s*$")
_TO_TODAY = re.compile(r"\s*(?:至|到|截至)?\s*(?:今日|今天)")
# The English ranges that run up to publication.
_EN_TO_DATE = ("ys", "ms", "past", "npast", "nweeks", "nyears")
_ZH_UNTIL = re.compile(
    r"截至\s*(?:" + _ZH_YEAR.format("y") + r")?\s*(?P<m>" + _CN_MONTH + r")\s*月\s*(?:(?P<d>" + _CN_DAY + r")\s*[日号])?(?:底|末)?"
)
_EN_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_EN_YEAR_AFTER = r"(?:\s*,?\s*(?:of\s+)?(?P<{0}>(?:19|20)\d{{2}}|this\s+year|last\s+year))?"
# "from the end of June to the end of August", "from early May": a part of the month, read as the month.
_EN_MONTH_PART = r"(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|early\s+|late\s+|mid-?\s*)?"
# "between March 10 and May 22": a day after the month.
_EN_DAY = r"(?:\s+(?P<{0}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d,]\d))?"
_EN_RANGE = compile_scan(
    r"(?<![a-z0-9])(?:"
    r"(?:from|between)\s+" + _EN_MONTH_PART + r"(?P<m1>" + _EN_MONTH + r")" + _EN_DAY.format("d1") + _EN_YEAR_AFTER.format("y1")
    + r"\s+(?:to|through|until|till|and)\s+" + _EN_MONTH_PART + r"(?P<m2>" + _EN_MONTH + r")" + _EN_DAY.format("d2")
    + _EN_YEAR_AFTER.format("y2")
    + r"|(?:from|between)\s+(?P<yfrom>(?:19|20)\d{2})\s+(?:to|through|until|and)\s+(?P<yto>(?:19|20)\d{2})"
    # "since the beginning of 2015": from that year on, not where a count stands
    r"|(?:from|since)\s+(?:the\s+(?:start|beginning)\s+of\s+)?(?P<ys>(?:19|20)\d{2})(?:\s+(?:to|until|till)\s+(?:now|date|the\s+present|present|today))?"
    # "since the launch of the campaign in July 2017": from the month the campaign started
    r"|since\s+(?:the\s+(?:launch|start|beginning)\s+of\s+(?:the|this|its)\s+(?:[a-z-]+\s+){1,3}?in\s+)?(?P<ms>" + _EN_MONTH + r")(?:\s+(?P<dms>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?)?" + _EN_YEAR_AFTER.format("yms")
    + r"|(?:in|over|during)\s+the\s+(?P<past>past|last)\s+(?:year|12\s+months|twelve\s+months)"
    # "over the past six months": that many months up to publication.
    r"|(?:in|over|during)\s+the\s+(?:past|last)\s+(?P<npast>[2-9]|1[01]|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+months"
    # "over the past three weeks": that many weeks up to the day of publication.
    r"|(?:in|over|during)\s+the\s+(?:past|last)\s+(?P<nweeks>[2-9]|two|three|four|five|six|seven|eight|nine)\s+weeks"
    # "in the last three years": that many years up to publication.
    r"|(?:in|over|during)\s+the\s+(?:past|last)\s+(?P<nyears>[2-9]|10|two|three|four|five|six|seven|eight|nine|ten)\s+years"
    # "the January-March period", "the April–June quarter".
    r"|(?P<m1h>" + _EN_MONTH + r")(?:\s*[-–—]\s*|\s+(?:to|through)\s+)(?P<m2h>" + _EN_MONTH + r")(?![a-z])(?:\s+(?:period|quarter))?"
    + _EN_YEAR_AFTER.format("yh")
    # "the three months to June": that many months ending with the month named.
    + r"|the\s+(?P<nto>[2-9]|1[0-2]|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+months\s+to\s+"
    r"(?:the\s+end\s+of\s+)?(?P<mnto>" + _EN_MONTH + r")" + _EN_YEAR_AFTER.format("ynto")
    # "for the year to November": the months from January to that month.
    + r"|the\s+year\s+to\s+(?:the\s+end\s+of\s+)?(?P<mto>" + _EN_MONTH + r")" + _EN_YEAR_AFTER.format("ymto")
    + r"|(?:the\s+)?first\s+(?P<nfirst>[2-9]|1[01]|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+months"
    r"\s+of\s+(?:(?P<yfirst>(?:19|20)\d{2})|(?P<rfirst>this\s+year|last\s+year|the\s+year))"
    r"|(?P<ytd>so\s+far\s+this\s+year|since\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year|year\s+to\s+date)"
    r")(?![a-z0-9])"
)


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_small(text: str) -> int:
    """A month, day or count of months as the period patterns admit it: 3, 三, 两, 十一, 二十三."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def _year_of(absolute: str | None, relative: str | None, published: date | None, month: int) -> int | None:
    if absolute:
        return int(absolute)
    if relative:
        if published is None:
            return None
        return published.year - (relative in ("去年", "上年", "last year"))
    if published is None:
        return None
    # A month without a year is the latest such month by publication.
    return published.year if month <= published.month else published.year - 1


def _day(year: int, month: int, day: int | None) -> date | None:
    try:
        return date(year, month, day or 1)
    except ValueError:
        return None


def _zh_range(text: str, match: re.Match[str], published: date | None) -> Period | None:
    if match.group("pastyear"):
        if published is None:
            return None
        return Period.span(date(published.year - 1, published.month, 1), published, to_date=True)
    if match.group("npast") or match.group("halfyear"):
        return _months_to_date(_cn_small(match.group("npast")) if match.group("npast") else 6, published)
    if match.group("nyears") or match.group("nyearsb") or match.group("nyearsc"):
        count = match.group("nyears") or match.group("nyearsb") or match.group("nyearsc")
        return _years_to_date(_cn_small(count), published)
    if match.group("ytd"):
        return _year_to_date(published)
    if match.group("mu"):
        until_month = _cn_small(match.group("mu"))
        until_year = _year_of(match.group("yu"), match.group("yur"), published, until_month)
        if until_year is None or until_month == 1 and not match.group("du"):
            return None
        if match.group("du"):
            until_day = _day(until_year, until_month, _cn_small(match.group("du")))
            return Period.span(date(until_year, 1, 1), until_day, days=True) if until_day is not None else None
        return Period.span(date(until_year, 1, 1), date(until_year, until_month, 1))
    if match.group("yfrom"):
        return _years(int(match.group("yfrom")), int(match.group("yto")))
    if match.group("ysince"):
        since_year = int(match.group("ysince"))
        if published is not None and since_year == published.year:
            return _year_to_date(published)
        if published is None or since_year > published.year:
            return None
        return Period.span(date(since_year, 1, 1), published, to_date=True)
    if match.group("m1b") or match.group("mfirst"):
        # 1-6月, 前5个月: months of one year, the latest such span by publication.
        first_month = _cn_small(match.group("m1b")) if match.group("m1b") else 1
        last_month = _cn_small(match.group("m2b") or match.group("mfirst"))
        absolute = match.group("yb") or match.group("yf")
        relative = match.group("ybr") or match.group("yfr")
        span_year = _year_of(absolute, relative, published, last_month)
        if span_year is None or not 1 <= first_month < last_month <= 12:
            return None
        return Period.span(date(span_year, first_month, 1), date(span_year, last_month, 1))
    month = _cn_small(match.group("m1"))
    year = _year_of(match.group("y1"), match.group("y1r"), published, month)
    if year is None:
        return None
    day = _cn_small(match.group("d1")) if match.group("d1") else None
    start = _day(year, month, day)
    if start is None:
        return None
    first: date = start
    last: date | None
    to_date = False
    if match.group("since") == "起" and not _ZH_FROM_BEFORE.search(text, max(0, match.start() - 2), match.start()):
        # 3月1日起施行 dates a rule; only 自/从…起 opens a span.
        return None
    if match.group("since"):
        # The end is stated after the start, in its paragraph: "3月10日以来…。截至5月22日，…"
        paragraph_end = text.find("\n", match.end())
        limit = min(paragraph_end if paragraph_end != -1 else len(text), match.end() + 200)
        until = _ZH_UNTIL.search(text, match.end(), limit)
        if until:
            last_month = _cn_small(until.group("m"))
            last_year = _year_of(until.group("y"), until.group("yr"), published, last_month)
            if last_year is None:
                return None
            last_day = _cn_small(until.group("d")) if until.group("d") else None
            last = _day(last_year, last_month, last_day)
            days = day is not None and last_day is not None
        else:
            if published is None:
                return None
            # A start finer than its month (4月15日, 六月中), or an end said to be today
            # (至今日), runs to the day of publication.
            days = day is not None or match.group("mpart") is not None \
                or _TO_TODAY.match(text, match.end()) is not None
            last, to_date = published, True
    else:
        last_month = _cn_small(match.group("m2"))
        last_year = _year_of(match.group("y2"), match.group("y2r"), None, last_month) or year
        last_day = _cn_small(match.group("d2")) if match.group("d2") else None
        last = _day(last_year, last_month, last_day)
        days = day is not None and last_day is not None
    if last is None or last < first or (first.year, first.month) == (last.year, last.month) and not days:
        return None
    return Period.span(first, last, days=days, to_date=to_date)


def _years(first: int, last: int) -> Period | None:
    """2019年至2021年, "from 2019 to 2021": whole years."""
    if last <= first or last - first > 20:
        return None
    return Period.span(date(first, 1, 1), date(last, 12, 1))


def _months_to_date(months: int, published: date | None) -> Period | None:
    """过去六个月, "over the past six months": from that many months before publication to it
    (as 过去一年 runs from the same month of the year before)."""
    if published is None or not 1 < months < 12:
        return None
    first = published.year * 12 + published.month - 1 - months
    return Period.span(date(first // 12, first % 12 + 1, 1), published, to_date=True)


def _years_to_date(years: int, published: date | None) -> Period | None:
    """过去三年, "in the last three years": from the same month that many years before
    publication to it (as 过去一年 runs from the same month of the year before)."""
    if published is None or not 1 < years <= 10:
        return None
    return Period.span(date(published.year - years, published.month, 1), published, to_date=True)


def _year_to_date(published: date | None) -> Period | None:
    """今年以来, "so far this year": January to publication; in January, just the year."""
    if published is None or published.month == 1:
        return None
    return Period.span(date(published.year, 1, 1), published, to_date=True)


_EN_MONTH_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def _en_range(match: re.Match[str], published: date | None) -> Period | None:
    if match.group("ytd"):
        return _year_to_date(published)
    if match.group("m1h"):
        first_month = _MONTHS[match.group("m1h").rstrip(".")[:3]]
        last_month = _MONTHS[match.group("m2h").rstrip(".")[:3]]
        year = _year_of(_digits(match.group("yh")), _relative(match.group("yh")), published, last_month)
        if year is None or last_month <= first_month:
            return None
        return Period.span(date(year, first_month, 1), date(year, last_month, 1))
    if match.group("nto"):
        count = match.group("nto")
        months = int(count) if count.isdigit() else _EN_MONTH_COUNTS[count]
        last_month = _MONTHS[match.group("mnto").rstrip(".")[:3]]
        year = _year_of(_digits(match.group("ynto")), _relative(match.group("ynto")), published, last_month)
        if year is None:
            return None
        first_index = year * 12 + last_month - months
        return Period.span(date(first_index // 12, first_index % 12 + 1, 1), date(year, last_month, 1))
    if match.group("mto"):
        month = _MONTHS[match.group("mto").rstrip(".")[:3]]
        year = _year_of(_digits(match.group("ymto")), _relative(match.group("ymto")), published, month)
        return None if year is None or month == 1 else Period.span(date(year, 1, 1), date(year, month, 1))
    if match.group("nfirst"):
        count = match.group("nfirst")
        months = int(count) if count.isdigit() else _EN_MONTH_COUNTS[count]
        relative = match.group("rfirst")
        if match.group("yfirst"):
            year = int(match.group("yfirst"))
        elif published is None:
            return None
        elif relative == "last year":
            year = published.year - 1
        else:
            # "the first eleven months of the year" is the latest such span ended by publication.
            year = published.year if date(published.year, months, 1) < published.replace(day=1) else published.year - 1
        return Period.span(date(year, 1, 1), date(year, months, 1))
    if match.group("npast"):
        count = match.group("npast")
        return _months_to_date(int(count) if count.isdigit() else _EN_MONTH_COUNTS[count], published)
    if match.group("nweeks"):
        count = match.group("nweeks")
        if published is None:
            return None
        weeks = int(count) if count.isdigit() else _EN_MONTH_COUNTS[count]
        return Period.span(published - timedelta(weeks=weeks), published, days=True, to_date=True)
    if match.group("nyears"):
        count = match.group("nyears")
        return _years_to_date(int(count) if count.isdigit() else _EN_MONTH_COUNTS[count], published)
    if match.group("past"):
        if published is None:
            return None
        return Period.span(date(published.year - 1, published.month, 1), published, to_date=True)
    if match.group("yfrom"):
        return _years(int(match.group("yfrom")), int(match.group("yto")))
    if match.group("ys"):
        year = int(match.group("ys"))
        if published is not None and year == published.year:
            return _year_to_date(published)
        if published is None or year > published.year:
            return None
        return Period.span(date(year, 1, 1), published, to_date=True)
    if match.group("ms"):
        month = _MONTHS[match.group("ms").rstrip(".")[:3]]
        since_year = _year_of(_digits(match.group("yms")), _relative(match.group("yms")), published, month)
        if since_year is None or published is None:
            return None
        if match.group("dms"):
            # "since April 6": the text gives the day, so the range is of days.
            try:
                first = date(since_year, month, int(match.group("dms")))
            except ValueError:
                return None
            return Period.span(first, published, days=True, to_date=True) if first < published else None
        first = date(since_year, month, 1)
        return Period.span(first, published, to_date=True) if first < published.replace(day=1) else None
    first_month = _MONTHS[match.group("m1").rstrip(".")[:3]]
    last_month = _MONTHS[match.group("m2").rstrip(".")[:3]]
    stated = match.group("y2") or match.group("y1")
    last_year = _year_of(_digits(stated), _relative(stated), published, last_month)
    if last_year is None:
        return None
    first_year = int(_digits(match.group("y1")) or (last_year if first_month <= last_month else last_year - 1))
    days = bool(match.group("d1") and match.group("d2"))
    first_day = _day(first_year, first_month, int(match.group("d1")) if days else None)
    last_day = _day(last_year, last_month, int(match.group("d2")) if days else None)
    if first_day is None or last_day is None or (last_day <= first_day if days else (last_year, last_month) <= (first_year, first_month)):
        return None
    return Period.span(first_day, last_day, days=days)


def _digits(text: str | None) -> str | None:
    return text if text and text.isdigit() else None


def _relative(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text) if text and not text.isdigit() else None


_SENTENCE_END = re.compile(r"[。！？；!?;\n]|\.(?=\s|$)")
_CLAUSE_MARK = re.compile(r"[。！？；!?;\n，、：:（）()]|\.(?=\s|$)|,(?!(?<=\d,)\d{3}(?!\d))")
# What may stand between a clause's start and a period that frames the clause.
_ZH_FRAMING_LEAD = re.compile(
    # A bracketed section label may open the paragraph (【网络安全管理】2021年，…).
    r"\s*(?:【[^】]{0,20}】\s*)?"
    # The acting office may come first (网信办今年上半年共约谈…): the period still frames the clause.
    r"(?:[^，,。；;：:\d]{0,16}?(?:网信办|网信部门|网信系统|部门|总局|工信部|监管局|管理局|办公室|委员会|机构|机关|[会局部委厅办署院])\s*)?"
    # A focus word may stand before the period (仅2020年，…: "in 2020 alone").
    r"(?:仅仅|仅|单|光)?"
    r"(?:在|于|自|从|截至|截止|其中|另外|此外|同时|据统计|数据显示|\d{1,2}月\d{1,2}日"
    # A report quoted before its period ("报告指出，第一季…", "通报显示2022年…") still frames.
    r"|(?:据|报告|通报|公告|统计|数据)(?:指出|显示|称|指|介绍|表明|了解|悉))?\s*")
# Words after a Chinese period that make it describe a noun instead of framing the clause.
_ZH_ATTRIBUTIVE_AFTER = re.compile(r"\s*(?:的|第|中国境内|境内|销售额|营业额|投资|收购|发现|批)")


_EN_TEMPORAL_CLAUSE = re.compile(r"\b(?:since|after|before|when|until|once)\s+(?:[a-z'-]+\s+){2,}$")


def _carries(text: str, start: int, end: int, chinese: bool) -> bool:
    """English periods are adverbials ("in 2022", "last year") wherever they stand; a Chinese
    one frames what follows only when it opens its clause and no noun follows it."""
    if not chinese:
        if text.startswith("'s", end):
            return False
        # Inside a temporal clause ("since Xi came to power in 2012", "after it was founded in
        # 2015") the year dates that clause's event, not the sentences after it.
        lead_start = max(0, start - 80)
        for mark in _CLAUSE_MARK.finditer(text, lead_start, start):
            lead_start = mark.end()
        return not _EN_TEMPORAL_CLAUSE.search(text, lead_start, start)
    clause_start = max(0, start - 80)
    for mark in _CLAUSE_MARK.finditer(text, clause_start, start):
        clause_start = mark.end()
    if _ZH_DATA_OF_PERIOD.match(text, end):
        # "…专项行动上半年工作数据：" names the period of the figures the colon introduces.
        return True
    return bool(_ZH_FRAMING_LEAD.fullmatch(text, clause_start, start)) and not _ZH_ATTRIBUTIVE_AFTER.match(text, end)


_ZH_DATA_OF_PERIOD = re.compile(r"(?:的)?(?:工作|执法|整治|治理)?(?:数据|情况|成果|成效|战果|统计)\s*(?:如下)?\s*[:：]"
                                # "公布2025年截至8月底金融三业裁罚统计，…合计…": the statistics of the period
                                r"|[^，,。；;：:\d]{0,12}?(?:统计|数据)\s*[，,]")
# A year in a campaign's name: “净网2021”专项行动, 2020“清朗”专项行动, “清朗·2022”.
_CAMPAIGN_YEAR = compile_scan(
    r"(?:[“\"「][^”\"」\d]{1,8}[·•\s]?(?P<y>(?:19|20)\d{2})[^”\"」\d]{0,6}[”\"」]"
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})\s*[“\"「][^”\"」\d]{1,8}[”\"」])\s*(?:专项|行动|整治)")
_DURING_CAMPAIGN = re.compile(r"(?:专项行动|专项整治|集中整治|行动)期间")
# A span in brackets (下架30天（2019年6月29日至7月28日）) is an aside dating the words before it:
# it frames nothing after it.
_BRACKET_CLOSES = re.compile(r"\s*[)）]")
# A span up to publication ending its own clause (…专项行动三年来，…; 7月以来共…) is a temporal
# clause: it frames what follows, whatever stands before it in its clause.
_SINCE_CLAUSE_ENDS = re.compile(r"(?<=来)\s*(?:[，,]|共|累计|合计|总计|先后|已)")


_ZH_UNTIL_DATE = re.compile(
    r"(?:截至|截止(?:到)?)\s*(?:(?:19|20)\d{2}\s*年)?\s*(?P<m>" + _CN_MONTH + r")\s*月\s*(?:(?P<d>" + _CN_DAY + r")\s*[日号])?")
_EN_UNTIL_DATE = re.compile(
    r"(?<![a-z])(?:by|as\s+of|as\s+at|until|till)\s+(?:the\s+end\s+of\s+)?(?P<m>" + _EN_MONTH
    + r")(?![a-z])(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:\s*,?\s*(?:19|20)\d{2})?")
def _closes_a_span(text: str, match: re.Match[str], mentions: list[PeriodMention]) -> bool:
    """截至6月30日 after 4月15日以来 in its paragraph is the end of that span (see ``_zh_range``)."""
    if match.group("m")[0] in _LATIN:
        return False
    month = _cn_small(match.group("m"))
    day = _cn_small(match.group("d")) if match.group("d") else None
    paragraph_start = text.rfind("\n", 0, match.start()) + 1
    return any(m.period is not None and m.period.kind == "range" and m.period.first is not None
               and m.period.last is not None and m.period.first < m.period.last
               and m.period.last.month == month and (day is None or m.period.last.day == day)
               and paragraph_start <= m.start < match.start() and text[m.start:m.end].endswith("来")
               for m in mentions)


# "the apps identified in November", "the list issued in July": a participle without an
# auxiliary makes the month date a noun; "were removed in May" dates the clause's verb.
_EN_ATTRIBUTIVE_BEFORE = re.compile(r"(?<!were\s)(?<!was\s)(?<!been\s)(?<!have\s)(?<!had\s)\b[a-z]+(?:ed|en|wn)\s+$"
                                    r"|\b(?:the|a|an|its|their|this|that)\s+[a-z]+\s+$")
_SUMMED_BEFORE = re.compile(r"\b(?:total|totall?ing|in\s+all|altogether|combined|cumulative)\b|累计|共计|合计|总计")


_ONGOING = re.compile(
    r"深入推进|持续推进|扎实推进|纵深推进|持续开展|深入开展|扎实开展|持续深化|持续加强|重拳整治|持续整治"
    r"|\b(?:pressed\s+(?:ahead|on)|kept\s+up|continued|stepped\s+up|carried\s+on|pushed\s+ahead)\b")
_ONSET = re.compile(r"启动|部署|印发|发布|召开|宣布|开始|\b(?:launched|started|began|announced|issued|kicked\s+off)\b")


def _sentence_end(text: str, position: int) -> int:
    mark = _SENTENCE_END.search(text, position)
    return mark.end() if mark else len(text)


def _sentence_start(text: str, position: int) -> int:
    start = max(0, position - 300)
    for mark in _SENTENCE_END.finditer(text, start, position):
        start = mark.end()
    return start


def _frames(text: str, start: int, end: int, chinese: bool) -> bool:
    """A period opens its clause (10月，…; "In August, …"): it frames what follows."""
    if chinese:
        return _carries(text, start, end, True)
    clause_start = max(0, start - 80)
    for mark in _CLAUSE_MARK.finditer(text, clause_start, start):
        clause_start = mark.end()
    return not text[clause_start:start].strip()


def find_period_mentions(text: str, published: date | None) -> list[PeriodMention]:
    """Periods named in prepared (Simplified, lower-cased) ``text``, in order.

    Relative mentions (今年, 去年, "last year") need ``published`` and are skipped without it.
    A bare half or quarter (一季度, "the first quarter of the year") is the latest such period
    that has ended by publication: 四季度 published in January is last year's.
    """
    mentions: list[PeriodMention] = []
    ranges: list[tuple[int, int]] = []
    chinese = not text.isascii()
    # Every English pattern needs a Latin letter: most Chinese notices have none, and skip them.
    latin = not chinese or _LATIN_LETTER.search(text) is not None
    # Most notices name no range: cheap substring tests spare the range patterns' scan.
    zh_ranges = chinese and _ZH_RANGE_HINT.search(text) is not None
    en_ranges = latin and _EN_RANGE_HINT.search(text) is not None
    for match in _ZH_RANGE.finditer(text) if zh_ranges else ():
        period = _zh_range(text, match, published)
        if period is not None:
            # The pattern may start on the line break before the month; the mention does not.
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            ranges.append((start, match.end()))
            bracketed = text[start - 1:start] in ("(", "（") and _BRACKET_CLOSES.match(text, match.end()) is not None
            carries = not bracketed and (_carries(text, start, match.end(), True)
                                         or _SINCE_CLAUSE_ENDS.match(text, match.end()) is not None)
            mentions.append(PeriodMention(start, match.end(), period, False, carries))
    for match in _EN_RANGE.finditer(text) if en_ranges else ():
        period = _en_range(match, published)
        if period is not None:
            ranges.append(match.span())
            to_date = any(match.group(name) for name in _EN_TO_DATE)
            mentions.append(PeriodMention(match.start(), match.end(), period, False,
                                          _carries(text, match.start(), match.end(), False),
                                          local=to_date and not _frames(text, match.start(), match.end(), False)))

    # A campaign that began in a month (自4月…专项行动以来, "since the campaign began in April",
    # "a crackdown launched in April"): what it did runs from that month to publication.
    onsets = [*(_zh_onsets(text) if chinese else ()),
              *(_EN_ONSET.finditer(text) if latin and _EN_ONSET_HINT.search(text) else ())]
    for match in onsets:
        period = _since_month(text, match, published)
        if period is not None and not any(start < match.end() and match.start() < end for start, end in ranges):
            ranges.append(match.span())
            mentions.append(PeriodMention(match.start(), match.end(), period, False,
                                          _carries(text, match.start(), match.end(), chinese and match.group("m")[0] not in _LATIN)))

    def inside_range(match: re.Match[str]) -> bool:
        return any(start < match.end() and match.start() < end for start, end in ranges)

    # A month named alone (2023年11月，…; "in November") is a period of its own.
    english_months = latin and any(name in text for name in _EN_MONTH_STEMS)
    for match in [*(_zh_months(text) if chinese else ()), *(_EN_MONTH_ALONE.finditer(text) if english_months else ())]:
        in_chinese = match.group("m")[0] not in _LATIN
        if ranges and inside_range(match):
            continue
        start = match.start()
        year = _ZH_YEAR_BEFORE.search(text, max(0, start - 8), start) if in_chinese else None
        if year is not None:
            start = year.start()
        period = _month(match, year, published)
        if period is None:
            continue
        ranges.append((start, match.end()))
        before = text[max(0, start - 6):start]
        if (_ZH_UNTIL_BEFORE if in_chinese else _EN_UNTIL_BEFORE).search(before):
            mentions.append(PeriodMention(start, match.end(), None, False))
            continue
        comparison = bool((_ZH_COMPARISON_BEFORE if in_chinese else _EN_COMPARISON_BEFORE).search(
            text[max(0, start - 20):start]))
        carries = not comparison and _frames(text, start, match.end(), in_chinese)
        if not carries and not _SUMMED_BEFORE.search(text, _sentence_start(text, start), start) \
                and (in_chinese or _EN_ATTRIBUTIVE_BEFORE.search(text, max(0, start - 40), start)
                     or not re.match(r"in\b", text[start:start + 3])):
            # A month inside a clause dates an event ("the list issued in July", 对7月发现的问题);
            # it is a period only when it frames what follows or a total is stated over it.
            continue
        sentence_end = _sentence_end(text, match.end())
        # A month whose sentence says the work went on through it (2023年5月，全省网信系统深入推进…
        # 专项行动; "In May, the offices pressed ahead with…") opens a report of that month: it
        # frames the sentences after it. One that dates an onset (启动, launched) does not.
        ongoing = carries and _ONGOING.search(text, match.end(), sentence_end) \
            and not _ONSET.search(text, match.end(), sentence_end)
        mentions.append(PeriodMention(start, match.end(), period, comparison, carries,
                                      None if ongoing else sentence_end))

    for match in _ZH_PERIOD.finditer(text) if chinese else ():
        if ranges and inside_range(match):
            continue
        if _BATCH_AFTER.match(text, match.end()):
            continue
        if match.group("bare") == "全年":
            # "the whole year" is the year the text named last (2021年，…。全年…).
            years = [m.period for m in mentions if m.period is not None and m.start < match.start()
                     and m.period.kind == "year"]
            if not years and (campaigns := list(_CAMPAIGN_YEAR.finditer(text, 0, match.start()))):
                # …or the year in the name of the campaign it reports (在“净网2021”专项行动中，…全年…)
                years = [Period(int(campaigns[-1].group("y") or campaigns[-1].group("y2")))]
            period, known = (years[-1], True) if years else (None, False)
        else:
            period, known = _zh_period(match, published)
        if not known:
            continue
        if _ZH_UNTIL_BEFORE.search(text, max(0, match.start() - 6), match.start()):
            # 截至2022年底: where a cumulative count ends, not the span it covers.
            mentions.append(PeriodMention(match.start(), match.end(), None, False))
            continue
        before = text[max(0, match.start() - 4):match.start()]
        after = text[match.end():match.end() + 4]
        comparison = bool(_ZH_COMPARISON_BEFORE.search(before) or _ZH_COMPARISON_AFTER.search(after))
        carries = not comparison and _carries(text, match.start(), match.end(), True)
        mentions.append(PeriodMention(match.start(), match.end(), period, comparison, carries))
    # 专项行动期间 ("during the campaign"): the year of the campaign the text named with one
    # (“剑网2018”专项行动), framing what follows as a stated year does.
    for match in _DURING_CAMPAIGN.finditer(text) if chinese and "期间" in text else ():
        campaigns = list(_CAMPAIGN_YEAR.finditer(text, 0, match.start()))
        if not campaigns or inside_range(match):
            continue
        campaign_year = Period(int(campaigns[-1].group("y") or campaigns[-1].group("y2")))
        mentions.append(PeriodMention(match.start(), match.end(), campaign_year, False,
                                      _carries(text, match.start(), match.end(), True)))
    for match in _EN_PERIOD.finditer(text) if latin else ():
        if ranges and inside_range(match):
            continue
        period, known = _en_period(match, published)
        if not known:
            continue
        if _EN_UNTIL_BEFORE.search(text, max(0, match.start() - 20), match.end()):
            mentions.append(PeriodMention(match.start(), match.end(), None, False))
            continue
        before = text[max(0, match.start() - 20):match.start()]
        comparison = bool(_EN_COMPARISON_BEFORE.search(before))
        carries = not comparison and _carries(text, match.start(), match.end(), False)
        mentions.append(PeriodMention(match.start(), match.end(), period, comparison, carries))
    if "during" in text or "一年来" in text or "期间" in text:
        mentions += spans_named_again(text, mentions, lambda start, end: _carries(text, start, end, chinese),
                                      inside_range if ranges else None)
    # "By August 25", 截至8月25日: where a count stands, not a span; it ends the period before.
    until_dates = [*(_ZH_UNTIL_DATE.finditer(text) if chinese and ("截至" in text or "截止" in text) else ()),
                   *(_EN_UNTIL_DATE.finditer(text) if english_months else ())]
    for match in until_dates:
        if (ranges and inside_range(match)) or _closes_a_span(text, match, mentions):
            continue
        mentions.append(PeriodMention(match.start(), match.end(), None, False))
    mentions.sort(key=lambda mention: mention.start)
    if chinese and "同期" in text:
        mentions = same_span_of_another_year(text, mentions, _sentence_start)
    return mentions


_ZH_UNTIL_BEFORE = re.compile(r"(?:截至|截止|截止到|到|至)\s*$")
_ZH_ONSET = re.compile(
    r"[自从]\s*(?:" + _ZH_YEAR.format("y") + r")?\s*(?P<m>" + _CN_MONTH + r")\s*月(?:份)?"
    # 自1月3日启动…以来: the day the campaign began, when the text gives it
    r"(?:\s*(?P<d>" + _CN_DAY + r")\s*[日号])?"
    r"(?!\s*(?:\d|[一二三四五六七八九十]|以来|来|起|至|到))"
    # the event may follow a comma after the date (自2019年1月25日，四部门联合发布《…》以来)
    r"(?:\s*[，,](?=[^，,。；;！？\n\d]{2,80}?以来)[^，,。；;！？\n\d]{2,80}?|[^，,。；;！？\n\d]{2,30}?)以来")
_EN_CAMPAIGN = r"(?:campaign|crackdown|drive|operation|action|initiative|blitz|offensive|inspection|rectification)"
_EN_ONSET = re.compile(
    r"(?<![a-z])(?:since\s+(?:[^.;,\n]{0,60}?\s)?(?:began|started|was\s+launched|was\s+started|kicked\s+off|got\s+under\s*way|was\s+rolled\s+out)"
    r"|" + _EN_CAMPAIGN + r"s?\s+(?:that\s+|which\s+)?(?:was\s+|were\s+|began\s+|started\s+)?(?:launched|started|begun|began|initiated|kicked\s+off|rolled\s+out))"
    r"\s+in\s+(?P<m>" + _EN_MONTH + r")(?![a-z])(?:\s*,?\s*(?P<y>(?:19|20)\d{2}|this\s+year|last\s+year))?(?!\s*\d)")
_EN_ONSET_HINT = compile_scan(r"\b(?=[bslkiur])(?:began|started|launched|kicked\s+off|begun|initiated|under\s*way|rolled\s+out)\s+in\s")


def _zh_onsets(text: str) -> list[re.Match[str]]:
    """``_ZH_ONSET`` matches, tried only before each 以来."""
    found: list[re.Match[str]] = []
    position = text.find("以来")
    while position != -1:
        match = _ZH_ONSET.search(text, max(found[-1].end() if found else 0, position - 100), position + 2)
        if match is not None:
            found.append(match)
        position = text.find("以来", position + 2)
    return found


def _month_and_year(match: re.Match[str], chinese_year: str | None, chinese_relative: str | None,
                    published: date | None) -> tuple[int, int | None]:
    """The month ``match`` names (its group ``m``: March, Mar., 三, 3) and its year: for an English
    month the one its group ``y`` states after it ("March 2023", "March last year"), for a
    Chinese month the one given (2023年, 去年 before it), else the publication's."""
    month_text = match.group("m")
    if month_text[0] in _LATIN:
        month = _MONTHS[month_text.rstrip(".")[:3]]
        stated = match.group("y")
        return month, _year_of(_digits(stated), _relative(stated), published, month)
    month = _cn_small(month_text)
    return month, _year_of(chinese_year, chinese_relative, published, month)


def _since_month(text: str, match: re.Match[str], published: date | None) -> Period | None:
    """From the month a campaign began to publication, when it began in an earlier month; from
    the day it began (自1月3日启动…以来) to the day a 截至 of its paragraph names (截至1月21日),
    else to publication."""
    if published is None:
        return None
    chinese = match.group("m")[0] not in _LATIN
    month, year = _month_and_year(match, match.group("y") if chinese else None,
                                  match.group("yr") if chinese else None, published)
    if year is None or not 1 <= month <= 12:
        return None
    day = match.group("d") if chinese else None
    if day is not None:
        first = _day(year, month, _cn_small(day))
        if first is None or first >= published:
            return None
        paragraph_end = text.find("\n", match.end())
        until = _ZH_UNTIL.search(text, match.end(), min(paragraph_end if paragraph_end != -1 else len(text),
                                                         match.end() + 200))
        if until is not None and until.group("d"):
            last_month = _cn_small(until.group("m"))
            last_year = _year_of(until.group("y"), until.group("yr"), published, last_month)
            last = _day(last_year, last_month, _cn_small(until.group("d"))) if last_year else None
            if last is not None and first < last <= published:
                return Period.span(first, last, days=True)
        return Period.span(first, published, days=True, to_date=True)
    if (year, month) >= (published.year, published.month):
        return None
    return Period.span(date(year, month, 1), published, to_date=True)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
_LATIN_LETTER = re.compile(r"[a-z]")
_ZH_MONTH = re.compile(
    r"(?<![\d第.个])(?P<m>" + _CN_MONTH + r")\s*(?P<yue>月)(?:份)?"
    r"(?!\s*(?:\d|[一二三四五六七八九十]|[日号底末初中上下前后内])|\s*(?:以来|来|起|至|到|—|-|~))")
_EN_MONTH_ALONE = compile_scan(
    r"(?<![a-z])(?:in|during|throughout|for)\s+(?:the\s+month\s+of\s+)?(?P<m>" + _EN_MONTH + r")(?![a-z])"
    r"(?:\s*,?\s*(?P<y>(?:19|20)\d{2}|this\s+year|last\s+year))?(?!\s*\d)")
# Substrings every English month name has: most Chinese notices name none, and skip two scans.
_EN_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ZH_YEAR_BEFORE = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年|(?P<yr>今年|去年|本年|上年))\s*$")
# "by the end of", "as of the beginning of": where a count stands, not a span.
_EN_UNTIL_BEFORE = re.compile(r"(?:as\s+of|by|until|till|through|up\s+to)\s+(?:the\s+(?:end|beginning|start)\s+of\s+)?(?:of\s+)?\S*\s*$"
                              r"|(?:end|beginning|start)\s+of\s+\S+$")
# Words every range pattern needs, found in one pass: most notices name no range.
_ZH_RANGE_HINT = compile_scan(
    r"(?=[以一过近至个月日号到—\-~－年前\d])(?:"
    r"以来|一年|(?:过去|近)\s*半年|至今|个月|[月日号]\s*[来起]|过去\s*\S\s*年|近\s*\S\s*年|年来|年\s*截[至止]"
    r"|前\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"|月(?:份)?\s*(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号])?\s*(?:底|末)?\s*[至到—\-~－]"
    r"|[至到—\-~－]\s*(?:\d{4}\s*年\s*)?(?:\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月"
    r"|年\s*[至到—\-~－]|\d{4}\s*[—\-~－]\s*\d{4}\s*年"
    r")"
)
# (?<!\w(?![-–—])): every match starts at a word's start or at a dash; a letter inside a word fails
# on that one test.
_EN_RANGE_HINT = compile_scan(
    r"(?<!\w(?![-–—]))(?=[fbspltym\-–—])(?:"
    r"\b(?:from|between|since|past|last\s+(?:\w+\s+(?:weeks|months|years)|year)|so\s+far|to\s+date|year\s+to|months\s+(?:of|to))\b"
    r"|(?:[-–—]\s*|\b(?:to|through)\s+)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))")
# "2020年第五批" numbers a batch of notices; the year is no reporting period.
_BATCH_AFTER = re.compile(r"\s*(?:第\s*[\d一二三四五六七八九十]+\s*批|总第|首批|新一批|本批)")


def _zh_months(text: str) -> list[re.Match[str]]:
    """``_ZH_MONTH`` matches, tried only where a 月 stands (scanning every position for a
    month numeral cost more than the rest of the period search)."""
    found = []
    position = text.find("月")
    while position != -1:
        for back in (3, 2, 1):
            match = _ZH_MONTH.match(text, position - back) if position >= back else None
            if match is not None and match.start("yue") == position:
                found.append(match)
                break
        position = text.find("月", position + 1)
    return found


def _month(match: re.Match[str], year_before: re.Match[str] | None, published: date | None) -> Period | None:
    month, year = _month_and_year(match, year_before.group("y") if year_before else None,
                                  year_before.group("yr") if year_before else None, published)
    if year is None or not 1 <= month <= 12:
        return None
    first = date(year, month, 1)
    if published is not None and first > published:
        return None
    return Period.span(first, first)


def _previous_month(published: date | None) -> tuple[Period | None, bool]:
    """上月, "last month": the month before the one of publication."""
    if published is None:
        return None, False
    first = (published.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period.span(first, first), True


def _zh_period(match: re.Match[str], published: date | None) -> tuple[Period | None, bool]:
    if match.group("previous_month"):
        return _previous_month(published)
    if match.group("previous_quarter"):
        if published is None:
            return None, False
        months = published.year * 12 + published.month - 1 - 3
        return Period(months // 12, "quarter", (months % 12) // 3 + 1), True
    part = match.group("part") or match.group("bare")
    year: int | None = None
    if match.group("year"):
        digits = match.group("year")
        year = int("".join(_CN_YEAR_DIGITS.get(ch, ch) for ch in digits))
    elif match.group("roc"):
        # 民国112年: the Republic of China's calendar counts from 1912.
        year = int(match.group("roc")) + 1911
    elif match.group("relative"):
        if published is None:
            return None, False
        year = published.year + {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2}[match.group("relative")]
    if part == "前三季度":
        if year is None:
            if published is None:
                return None, False
            year = published.year if published > date(published.year, 9, 30) else published.year - 1
        return _first_nine_months(year), True
    kind, index = _zh_part(part)
    if year is None:
        if published is None:
            return None, False
        return _latest_ended(kind, index, published), True
    return Period(year, kind, index), True


def _zh_part(part: str | None) -> tuple[str, int]:
    if not part or part in ("全年", "年度"):
        return "year", 0
    if part == "上半年":
        return "half", 1
    if part == "下半年":
        return "half", 2
    if part.startswith("首"):
        return "quarter", 1
    digit = re.search(r"[一二三四1-4]", part)
    assert digit is not None
    character = digit.group(0)
    return "quarter", ("一二三四".find(character) + 1) if character in "一二三四" else int(character)


def _en_period(match: re.Match[str], published: date | None) -> tuple[Period | None, bool]:
    if match.group("nine"):
        stated = match.group("nineyear")
        if stated and stated.isdigit():
            return _first_nine_months(int(stated)), True
        if published is None:
            return None, False
        if stated == "this year":
            return _first_nine_months(published.year), True
        return _first_nine_months(published.year if published > date(published.year, 9, 30) else published.year - 1), True
    ordinal = match.group("ordinal")
    if ordinal:
        index = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[ordinal]
        kind = "half" if match.group("unit") == "half" else "quarter"
        if kind == "half" and index > 2:
            return None, False
        if match.group("year1"):
            return Period(int(match.group("year1")), kind, index), True
        if published is None:
            return None, False
        relative = match.group("rel1")
        if relative == "this year":
            return Period(published.year, kind, index), True
        if relative == "last year":
            return Period(published.year - 1, kind, index), True
        return _latest_ended(kind, index, published), True
    code = match.group("code") or match.group("code2")
    if code:
        year = int(match.group("year2") or match.group("year3"))
        return Period(year, "half" if code[0] == "h" else "quarter", int(code[1])), True
    year_text = match.group("year4") or match.group("year5")
    if year_text:
        return Period(int(year_text)), True
    relative = match.group("rel2")
    if relative and published is not None:
        return Period(published.year - (relative == "last year")), True
    if match.group("lastmonth"):
        return _previous_month(published)
    return None, False


def _latest_ended(kind: str, index: int, published: date) -> Period:
    candidate = Period(published.year, kind, index)
    if candidate.end() >= published:
        return Period(published.year - 1, kind, index)
    return candidate
