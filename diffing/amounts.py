"""Finding money amounts in prepared notice text (人民币50万元, 5000万元, $5 million, €3 billion)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from diffing.catalogues import parse_catalogue, read_builtin
from diffing.keywords import literal_alternation
from diffing.numbers import (
    CN_NUMBER_PATTERN,
    CN_NUMBER_START,
    EN_NUMBER_WORDS,
    Amount,
    currency_markers,
    ordinary_currency_words,
    parse_amount,
    parse_number,
)
from diffing.scans import compile_alternatives, compile_scan
from diffing.spans import Occupancy

__all__ = ["AmountMatch", "find_amounts"]


@dataclass(frozen=True)
class AmountMatch:
    start: int
    end: int
    amount: Amount
    number_start: int
    number_end: int


# The scale word may be hyphenated onto the number where the amount is an attribute ("a
# €15-million fine", "the $2.5-billion penalty").
_SCALE = (r"(?:\s*(?:thousand|million|billion|trillion|mln|bln|mn|bn|crores?|lakhs?|m|k)(?![a-z])"
          r"|-(?:thousand|million|billion|trillion)(?![a-z]))?")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    prefixes, suffixes = currency_markers()
    number = rf"(?<![\d.])(?<!\d,)(?P<number>{CN_NUMBER_PATTERN}{_SCALE})"
    prefix = rf"(?P<prefix>{literal_alternation(prefixes)})"
    suffix = rf"(?P<suffix>{literal_alternation(suffixes)})"
    with_prefix = re.compile(rf"{prefix}\s*{number}(?:\s*{suffix})?")
    with_suffix = re.compile(rf"{CN_NUMBER_START}{number}\s*{suffix}")
    # A number in words before a scale ("three million yuan", "two hundred and forty million euros"),
    # with its decimals read aloud ("two point five million euros", "42-point-one billion won").
    words = rf"(?:{EN_NUMBER_WORDS})(?:(?:\s+and\s+|[\s-]+)(?:{EN_NUMBER_WORDS}))*"
    point = r"[\s-]+point(?:[\s-]+(?:zero|one|two|three|four|five|six|seven|eight|nine))+"
    in_words = compile_scan(
        rf"(?<![a-z\d.,-])(?P<number>(?:{words}(?:{point})?|\d{{1,3}}{point})\s+(?:thousand|million|billion))"
        rf"\s*{suffix}")
    return with_prefix, with_suffix, in_words


def _whole_words(text: str, match: re.Match[str]) -> bool:
    """Currency words written in letters are whole words ("usd 5", not "thusd 5")."""
    prefix = match.groupdict().get("prefix")
    if prefix and prefix[0].isascii() and prefix[0].isalpha() and text[match.start() - 1:match.start()].isalpha():
        return False
    suffix = match.groupdict().get("suffix")
    return not (suffix and suffix[-1].isascii() and suffix[-1].isalpha()
                and text[match.end():match.end() + 1].isascii() and text[match.end():match.end() + 1].isalpha())


# A number written as money: with a scale word, or grouped in thousands ("15.1 billion", "500,000").
_WRITTEN_AS_MONEY = re.compile(r"\d,\d{3}|[a-z]$|[万亿]")


def _ordinary_word_fits(match: re.Match[str]) -> bool:
    """A currency word that is also an ordinary word ("won") counts glued before its number
    ("Won207bn"), or after a number written as money ("15.1 billion won"), nowhere else."""
    ordinary = ordinary_currency_words()
    groups = match.groupdict()
    prefix, suffix = groups.get("prefix"), groups.get("suffix")
    if prefix and prefix.lower() in ordinary and match.end("prefix") != match.start("number"):
        return False
    return not (suffix and suffix.lower() in ordinary and not _WRITTEN_AS_MONEY.search(match.group("number")))


_VAGUE_BEFORE = frozenset("数數几幾")


def find_amounts(text: str) -> list[AmountMatch]:
    """Money amounts in prepared ``text``, in order, none overlapping; a currency word before
    or after the number is required."""
    found: list[AmountMatch] = []
    taken = Occupancy(len(text))
    with_prefix, with_suffix, in_words = _patterns()
    if _CONTINENTAL_HINT.search(text):
        _continental(text, found, taken)
    # Amounts in words need a scale word: most notices have none, and skip that scan.
    patterns = (with_prefix, with_suffix, in_words) if "illion" in text or "thousand" in text \
        else (with_prefix, with_suffix)
    for pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not taken.free(start, end) or not _whole_words(text, match) or not _ordinary_word_fits(match):
                continue
            if text[start - 1:start] in _VAGUE_BEFORE and not match.group("number")[:1].isdigit():
                continue  # 数千元, 几万元: "some thousands", no amount stated
            amount = parse_amount(match.group(0))
            if amount is None:
                continue
            taken.take(start, end)
            found.append(AmountMatch(start, end, amount, match.start("number"), match.end("number")))
    if "罚" in text:
        for match in _scaled_fines(text):
            start, end = match.span("number")
            value = parse_number(match.group("number"))
            if value is None or not taken.free(start, end):
                continue
            taken.take(start, end)
            found.append(AmountMatch(start, end, Amount(Decimal(value), "CNY"), start, end))
    if found and (" fine" in text or " penalt" in text):
        _signless_fines(text, found, taken)
    found.sort(key=lambda amount: amount.start)
    local = _local_yuan(text) if found else None
    if local is not None:
        found = [_as_currency(amount, local) if _bare_yuan(text, amount) else amount for amount in found]
    local = _local_dollar(text) if "$" in text else None
    if local is not None:
        found = [_as_currency(amount, local) if _bare_dollar(text, amount) else amount for amount in found]
    return _bare_yuan_follows(text, found)


# A number written as the attribute of a fine ("a 100,000 penalty", "a 60,000 fine") whose
# currency sign was lost on the way (a page that dropped £): money in the one currency the
# notice names elsewhere; with two currencies named, none is guessed.
_SIGNLESS_FINE = compile_alternatives(
    r"\b(?:a|an)\s+(?:further\s+|separate\s+|second\s+|additional\s+)?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s*(?:million|billion|m|bn))"
    r"\s+(?:civil\s+|monetary\s+|administrative\s+)?(?:fine|penalty)\b")


def _signless_fines(text: str, found: list[AmountMatch], taken: Occupancy) -> None:
    currencies = {amount.amount.currency for amount in found}
    if len(currencies) != 1:
        return
    currency = currencies.pop()
    for match in _SIGNLESS_FINE.finditer(text):
        start, end = match.span("number")
        value = parse_number(match.group("number"))
        if value is None or not taken.free(start, end):
            continue
        taken.take(start, end)
        found.append(AmountMatch(start, end, Amount(Decimal(value), currency), start, end))


# Continental notation: dots group thousands and a comma marks the decimals (€77.068.000,00,
# EUR 1.250.000): two dot groups, or one before a comma and two decimals, are no decimal point;
# one or two digits after a comma and before a scale word are decimals too ("$5,1 billion"):
# a comma grouping thousands is followed by three.
_CONTINENTAL_SCALE = r"\s*(?:thousand|million|billion|trillion|mln|bln|mn|bn)(?![a-z])"
# Whether a text has such a number: from each "." or "," (rarer than digits), the digit before it
# read behind.
_CONTINENTAL_HINT = re.compile(rf"\.(?<=\d\.)\d{{3}}(?:\.\d{{3}}|,\d{{2}}(?!\d))|,(?<=\d,)\d{{1,2}}{_CONTINENTAL_SCALE}")
_CONTINENTAL_NUMBER = (r"(?<![\d.,])(?P<number>\d{1,3}(?:\.\d{3}){2,}(?:,\d{1,2})?|\d{1,3}\.\d{3},\d{2}"
                       rf"|\d{{1,3}},\d{{1,2}}{_CONTINENTAL_SCALE})(?![\d.]|,\d)")


@lru_cache(maxsize=1)
def _continental_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    prefixes, suffixes = currency_markers()
    prefix = rf"(?P<prefix>{literal_alternation(prefixes)})"
    suffix = rf"(?P<suffix>{literal_alternation(suffixes)})"
    return re.compile(rf"{prefix}\s*{_CONTINENTAL_NUMBER}"), re.compile(rf"{_CONTINENTAL_NUMBER}\s*{suffix}")


def _continental(text: str, found: list[AmountMatch], taken: Occupancy) -> None:
    for pattern in _continental_patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if not taken.free(start, end) or not _whole_words(text, match) or not _ordinary_word_fits(match):
                continue
            number = match.group("number").replace(".", "").replace(",", ".")
            marker = match.groupdict().get("prefix") or ""
            amount = parse_amount(f"{marker}{number} {match.groupdict().get('suffix') or ''}")
            if amount is None:
                continue
            taken.take(start, end)
            found.append(AmountMatch(start, end, amount, match.start("number"), match.end("number")))


# 万 or 亿 right before the fine it is (处1,500万罚锾, 并处50万罚款), or right after a fining verb
# and before the clause ends (公平会重罚200万, 被罚50万): money without 元.
_SCALED = r"(?<![\d.])(?<!\d,)(?P<number>(?:\d{1,3}(?:,\d{3})++|\d++)(?:\.\d++)?\s?[万亿]|[一二三四五六七八九十百千〇两]++[万亿])"
_SCALED_BEFORE_FINE = re.compile(_SCALED + r"(?=罚款|罚锾|罚金)")
# …up to the clause's end or a word that starts the next predicate (重罚275万再查), never a
# counted noun (罚款50万股).
# The verb's object may stand between it and the amount (罚甲公司 200 万, 罚甲、乙共 280 万: the
# double-object 罚 of headlines).
_SCALED_AFTER_FINE = re.compile(
    r"(?:罚款?|罚锾|处罚)\s*(?:[^\d\s额，,。；;！!？?：:（(）)「」“”\n]{1,12}?\s*)??" + _SCALED
    + r"(?=[\s，,。；;！!？?：:、）)」”]|$|[再并且又及和与后的])")


def _scaled_fines(text: str) -> list[re.Match[str]]:
    before = _SCALED_BEFORE_FINE.finditer(text) if "万罚" in text or "亿罚" in text else ()
    return [*before, *_SCALED_AFTER_FINE.finditer(text)]


@lru_cache(maxsize=1)
def _yuan_where() -> tuple[tuple[str, re.Pattern[str]], ...]:
    table = parse_catalogue(read_builtin("currencies.toml"), "currency table")["currency"]
    return tuple((currency["code"], re.compile(literal_alternation(currency["yuan_where"])))
                 for currency in table if currency.get("yuan_where"))


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """The ISO codes of the currency table (KRW, EUR, …)."""
    return frozenset(currency["code"] for currency in
                     parse_catalogue(read_builtin("currencies.toml"), "currency table")["currency"])


_NAMES_YUAN = re.compile(r"人民币|rmb|cny|yuan|renminbi")


def _local_yuan(text: str) -> str | None:
    """The currency 元 alone counts in this notice when its words place it where 元 is not the
    yuan (a Taiwanese ministry's 罚锾); ``None`` where it is the yuan."""
    for code, words in _yuan_where():
        if words.search(text) and not _NAMES_YUAN.search(text):
            return code
    return None


@lru_cache(maxsize=1)
def _dollar_where() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    table = parse_catalogue(read_builtin("currencies.toml"), "currency table")["currency"]
    return tuple((currency["code"], re.compile(rf"\b(?:{literal_alternation(currency['dollar_where'])})\b"),
                  re.compile(rf"(?<![a-z])(?:{literal_alternation(p for p in currency['prefixes'] if p.endswith('$'))})"))
                 for currency in table if currency.get("dollar_where"))


_NAMES_US_DOLLAR = re.compile(r"us\s?\$|u\.s\.\s?\$|\busd\b|\b(?:us|u\.s\.|american)\s+dollars?\b|美元")


def _local_dollar(text: str) -> str | None:
    """The currency "$" alone counts in this notice when its words place it where "$" is not the
    US dollar (an Australian regulator's notice); ``None`` where it is, and where the notice
    marks that dollar itself (A$60 million): its "$" alone is then another one."""
    for code, words, own in _dollar_where():
        if words.search(text) and not _NAMES_US_DOLLAR.search(text) and not own.search(text) \
                and not _US_AUTHORITY.search(text):
            return code
    return None


# A US authority the notice names (an FTC settlement that compares the FTC with Australia's
# regulator): its "$" alone is the US dollar.
_US_AUTHORITY = re.compile(
    # (the authorities only: an Australian notice says "the U.S. company" of the firm it fines)
    r"\b(?:ftc|federal\s+trade\s+commission|department\s+of\s+justice|doj"
    r"|securities\s+and\s+exchange\s+commission|consumer\s+financial\s+protection\s+bureau|cfpb)(?![a-z])")


def _bare_dollar(text: str, amount: AmountMatch) -> bool:
    return (amount.amount.currency == "USD" and text.startswith("$", amount.start)
            and not text[amount.start - 1:amount.start].isalpha())


def _bare_yuan(text: str, amount: AmountMatch) -> bool:
    return (amount.amount.currency == "CNY" and _YUAN_ALONE.search(text, amount.start, amount.end) is not None
            and not text.startswith("人民币", amount.start))


def _as_currency(amount: AmountMatch, currency: str) -> AmountMatch:
    return AmountMatch(amount.start, amount.end, Amount(amount.amount.value, currency),
                       amount.number_start, amount.number_end)


# 元 alone is the yuan, unless an amount just before it in its sentence named another currency
# counted in 元 (新台币3万元以上30万元以下: both New Taiwan dollars).
_YUAN_ALONE = re.compile(r"[\d.,万亿千百十余多]\s*[元圆]$|[万亿]$")
_NAMES_ITS_CURRENCY = re.compile(r"(?:新台币|台币|港币|港元|澳门币|nt\$|hk\$)")
_SENTENCE_MARK = re.compile(r"[。！？；;!?\n]")


def _bare_yuan_follows(text: str, found: list[AmountMatch]) -> list[AmountMatch]:
    for index in range(1, len(found)):
        previous, amount = found[index - 1], found[index]
        if (amount.amount.currency == "CNY" and previous.amount.currency not in ("CNY", amount.amount.currency)
                and _YUAN_ALONE.search(text, amount.start, amount.end)
                and not text.startswith("人民币", amount.start)
                and _NAMES_ITS_CURRENCY.match(text, previous.start, previous.end)
                and not _SENTENCE_MARK.search(text, previous.end, amount.start)):
            found[index] = _as_currency(amount, previous.amount.currency)
    return found
