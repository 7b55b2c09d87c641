"""Normalising numbers and money amounts as notices write them, in Chinese and English.

``parse_number`` reads one number phrase (``10,646``, ``１０６４６``, ``15.8万``, ``一万零六百四十六``,
``伍拾万``, ``5 million``) and ``parse_amount`` one money phrase (``罚款人民币50万元`` without the
verb, ``$5 million``, ``€3 billion``). Both are exact: values are ``int`` or ``Decimal``, never
float. Plain Chinese integers go to cn2an; what cn2an refuses (兆, 万万, 万亿, digits mixed with
units, 千三, 零十, exact decimals) is read here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

from diffing.catalogues import parse_catalogue, read_builtin
from diffing.chinese import to_simplified
from diffing.keywords import literal_alternation
from diffing.scans import compile_scan

__all__ = [
    "ARABIC_NUMBER_PATTERN",
    "CN_NUMBER_PATTERN",
    "CN_NUMBER_START",
    "EN_NUMBER_PATTERN",
    "EN_NUMBER_START",
    "EN_NUMBER_WORDS",
    "Amount",
    "currency_markers",
    "fold_ascii_case",
    "normalise_width",
    "ordinary_currency_words",
    "parse_amount",
    "parse_number",
    "parse_percent",
]


MAX_PHRASE = 100


@dataclass(frozen=True)
class Amount:
    """A money amount: an exact value and an ISO 4217 currency code."""

    value: Decimal
    currency: str


# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map one to one onto ASCII, so
# offsets into the original text survive this step unchanged.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


# ``str.translate`` looks every character up in its table, which is slow for a text that is
# not ASCII; the characters a table changes are few in one text (the full-width commas of a
# Chinese notice, the capitals of a name), so each is replaced on its own: one ``str.replace``
# per distinct character, instead of a call from the engine to Python for each run.
_WIDE_RUN = compile_scan(r"[\uff01-\uff5e\u3000]+")
_UPPER_RUN = compile_scan(r"[A-Z]+")
_NARROW = {chr(wide): chr(narrow) for wide, narrow in _WIDTH.items()}
_LOWER = {chr(upper): chr(upper).lower() for upper in range(ord("A"), ord("Z") + 1)}


def _replaced(text: str, runs: re.Pattern[str], table: dict[str, str]) -> str:
    for character in set("".join(runs.findall(text))):
        text = text.replace(character, table[character])
    return text


def normalise_width(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII; same length as ``text``."""
    return text if text.isascii() else _replaced(text, _WIDE_RUN, _NARROW)


def fold_ascii_case(text: str) -> str:
    """ASCII letters lower-cased, every other character kept: same length as ``text``."""
    return text.lower() if text.isascii() else _replaced(text, _UPPER_RUN, _LOWER)


# Traditional and variant numeral characters, folded before reading (cheaper than OpenCC for
# a handful of characters, and independent of it).
_NUMERAL_VARIANTS = str.maketrans({
    "萬": "万", "億": "亿", "兩": "两", "倆": "两", "俩": "两", "貳": "贰", "參": "叁", "陸": "陆",
    "點": "点", "負": "负", "幾": "几", "○": "〇", "餘": "余", "個": "个", "−": "-", "–": "-",
})
_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_CN_SMALL_UNITS = {"十": 1, "拾": 1, "百": 2, "佰": 2, "千": 3, "仟": 3}
# 兆 is read as 10^12, as in Taiwan and in the public test suites; mainland technical usage
# (10^6, "mega") does not occur in enforcement counts.
_CN_BIG_UNITS = {"万": 4, "亿": 8, "兆": 12}
_CN_APPROXIMATE = "余多几"

_EN_ONES = {
    "zero": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_EN_SMALL_UNITS = {"hundred": 2}
_EN_BIG_UNITS = {
    "thousand": 3, "k": 3, "lakh": 5, "million": 6, "m": 6, "mm": 6, "mil": 6, "mn": 6, "mln": 6,
    "crore": 7, "crores": 7, "lakhs": 5, "billion": 9, "b": 9, "bn": 9, "bln": 9, "g": 9, "trillion": 12, "tln": 12,
}
_EN_WORDS = set(_EN_ONES) | set(_EN_TENS) | set(_EN_SMALL_UNITS) | set(_EN_BIG_UNITS) | {"a", "and"}

# Patterns for finding numbers in running text (ASCII-lower-cased, width-normalised,
# Simplified). Each alternative is linear: no nested quantifiers over the same characters.
# Numbers start only where a run of digits or numerals starts, and runs are taken whole
# (possessive): a megabyte of digits is one scan, not a scan from every position.
# Thousands are grouped by commas, or by apostrophes as Swiss style writes them (123'500).
ARABIC_NUMBER_PATTERN = r"(?<![\d.])(?<!\d,)(?<!\d')(?:\d{1,3}(?:,\d{3})++(?!\d)|\d{1,3}(?:'\d{3})++(?![\d'])|\d++)(?:\.\d++)?"
# ○ (a circle) stands for 〇 in Taiwanese papers' numerals (二五○万); it is folded before reading.
_CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "○" + "".join(_CN_SMALL_UNITS) + "".join(_CN_BIG_UNITS)
CN_NUMBER_PATTERN = (
    # a space may stand between the digits and 万 or 亿 (并处 5 万元罚款);
    # 3亿4500万: the hundreds of millions, then the rest in 万 (or 千)
    # (3亿4500万, or spaced as some sites write every number: 1 亿 3428 万)
    rf"(?:{ARABIC_NUMBER_PATTERN}(?:[{_CN_APPROXIMATE}])?(?:[十百千万亿]++(?:(?<=亿)\s?零?\d++\s?[千万]++)?"
    rf"|\s[万亿]++(?:(?<=亿)\s零?\d++\s?[千万]++)?)?"
    # a space may stand before 余 or 多 too (App1100 余款)
    rf"(?:\s?[{_CN_APPROXIMATE}])?"
    rf"|(?<![{_CN_NUMERAL_CHARS}])[{_CN_NUMERAL_CHARS}]++(?:[{_CN_APPROXIMATE}][万亿]?)?)"
)
_EN_WORDS = set(_EN_ONES) | set(_EN_TENS) | {"hundred", "thousand", "million", "billion", "trillion"}
# As tries: one branch tried per letter, not every word (the words that match at one position are
# prefixes of each other, and both forms try them longest first, so they find the same numbers).
_EN_WORD_ALTERNATIVES = literal_alternation(_EN_WORDS)
# Number words below a hundred, and "hundred" ("three", "twenty-five", "two hundred").
EN_NUMBER_WORDS = literal_alternation(set(_EN_ONES) | set(_EN_TENS) | {"hundred"})
EN_NUMBER_PATTERN = (
    rf"(?:{ARABIC_NUMBER_PATTERN}(?:\s+(?:thousand|million|billion|trillion)|\s?(?:bn|mn)|[km])?\b"
    rf"|\b(?:{_EN_WORD_ALTERNATIVES})(?:(?:\s+and\s+|[\s-]+)(?:{_EN_WORD_ALTERNATIVES}))*\b)"
)
# The characters a match of the patterns above starts with, as a lookahead. It fails fast at
# every other position, but the engine still tries each position: only ``compile_scan``
# (``diffing.scans``) makes a scan jump from one such character to the next.
CN_NUMBER_START = rf"(?=[\d{_CN_NUMERAL_CHARS}])"
EN_NUMBER_START = rf"(?=[\d{''.join(sorted({word[0] for word in _EN_WORDS}))}])"

_PLAIN_ARABIC = re.compile(
    r"(?P<int>\d{1,3}(?:(?P<sep>[,'\s\u202f\u00a0])\d{3})(?:(?P=sep)\d{3})*|\d*)"
    r"(?P<frac>\.\d+)?(?:e(?P<exp>[+-]?\d+))?"
)
_SIGN = re.compile(r"^(?:-|\+|负|minus\b|negative\b)\s*")
_ARABIC_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+")
_PER_POWER_OF_TEN = re.compile(r"(?P<base>[一壹]?[百佰千仟万亿]+)分之(?P<share>.+)")
_PERCENT_SUFFIX = re.compile(
    r"\s*(?:%|个\s*百\s*分\s*点|百\s*分\s*点|percentage points?|per\s?cent)$"
)
_EN_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+|[a-z]+|\s+|-|,")


def parse_number(s: str) -> int | Decimal | None:
    """Read one number phrase; ``None`` when ``s`` is not entirely a number.

    Returns an ``int`` when the value is whole (``15.8万`` is ``158000``), else a ``Decimal``.
    Approximation marks (``余``, ``多``, ``几``: ``2000余万``) are dropped, so the value is the
    stated lower bound. Phrases longer than ``MAX_PHRASE`` characters are not read (no count
    or amount is written that long; big-number arithmetic on noise would be slow). Never raises.
    """
    if len(s) > MAX_PHRASE:
        return None
    if s.isascii() and s.isdigit():
        return int(s)  # most counts are plain digits (5975家): what the reading below gives
    try:
        value = _parse_decimal(s)
    except (InvalidOperation, ValueError, ArithmeticError, IndexError, KeyError):
        return None
    return _as_result(value) if value is not None else None


def parse_percent(s: str) -> Decimal | None:
    """Read a percentage (``23.7%``, ``百分之二十``, ``2.4个百分点``, ``千分之三``) as percent points.

    Discount notation (``八折``, ``三成``) is not read: it does not occur in notices. Never raises.
    """
    if len(s) > MAX_PHRASE:
        return None
    text = _prepare(s)
    negative = bool(re.match(r"(?:-|负)", text))
    if negative:
        text = text[1:].strip()
    compact = text.replace(" ", "")
    number: int | Decimal | None = None
    per = _PER_POWER_OF_TEN.fullmatch(compact)
    if per:
        base_text = per.group("base")
        base = parse_number(base_text if base_text[0] in "一壹" else "一" + base_text)
        # Only 百分之, 千分之, 万分之…: "五分之一" is a fraction, not a rate.
        if not isinstance(base, int) or base < 100 or str(base).rstrip("0") != "1":
            return None
        share = parse_number(per.group("share"))
        if share is None:
            return None
        number = Decimal(share) * 100 / base
    else:
        suffix = _PERCENT_SUFFIX.search(text)
        if suffix:
            head = text[: suffix.start()].strip()
            number = parse_number(head if re.search(r"[a-z]{2}", head) else head.replace(" ", ""))
    if number is None:
        return None
    value = Decimal(number)
    return -value if negative else value


# Notices repeat a few amounts (人民币50万元, "1 million yuan"), and reading one costs tens of
# microseconds: the (immutable) result is kept per phrase.
@lru_cache(maxsize=4096)
def parse_amount(s: str) -> Amount | None:
    """Read one money phrase with its currency; ``None`` without a currency or a number.

    ``$`` is US dollars and ``¥`` yuan (see ``data/currencies.toml``). Sub-units are folded in
    where the phrase gives them (``5元3角`` is 5.3 CNY, ``3 dollars 50 cents`` 3.5 USD).
    Never raises.
    """
    if len(s) > MAX_PHRASE:
        return None
    try:
        return _parse_amount(s)
    except (InvalidOperation, ValueError, ArithmeticError, IndexError, KeyError):
        return None


def currency_markers() -> tuple[dict[str, str], dict[str, str]]:
    """The currency words of ``data/currencies.toml``: (prefix → code, suffix → code)."""
    return _currency_table()


@lru_cache(maxsize=1)
def ordinary_currency_words() -> frozenset[str]:
    """Currency words of ``data/currencies.toml`` that are also ordinary English words ("won"):
    they name a currency only where the number's writing shows it is money."""
    return frozenset(word.lower() for currency in _currency_catalogue() for word in currency.get("ordinary", []))


# --- numbers -------------------------------------------------------------------------------


def _prepare(s: str) -> str:
    text = normalise_width(s).translate(_NUMERAL_VARIANTS).strip().lower()
    return re.sub(r"\s+", " ", text)


def _as_result(value: Decimal) -> int | Decimal:
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def _parse_decimal(s: str) -> Decimal | None:
    text = _prepare(s)
    if not text:
        return None
    negative = False
    sign = _SIGN.match(text)
    if sign:
        negative = sign.group(0).strip() in ("-", "负", "minus", "negative")
        text = text[sign.end():]
        if not text:
            return None
    value = _parse_unsigned(text)
    if value is None:
        return None
    return -value if negative else value


def _parse_unsigned(text: str) -> Decimal | None:
    plain = _PLAIN_ARABIC.fullmatch(text)
    if plain and (plain.group("int") or plain.group("frac")):
        digits = re.sub(r"[,'\s\u202f\u00a0]", "", plain.group("int")) or "0"
        value = Decimal(digits + (plain.group("frac") or ""))
        if plain.group("exp"):
            value = value.scaleb(int(plain.group("exp")))
        return value
    if re.search(r"[a-z]", text):
        return _parse_english(text)
    return _parse_chinese(text.replace(" ", ""))


def _parse_chinese(text: str) -> Decimal | None:
    if len(text) == 2 and text[0] in _CN_BIG_UNITS and text[1] in "余多":
        # 万余个, 亿多元: "over ten thousand", as 千余 is "over a thousand".
        return Decimal(10) ** _CN_BIG_UNITS[text[0]]
    text = "".join(ch for ch in text if ch not in _CN_APPROXIMATE)
    if not text or any(
        not (ch.isdigit() or ch in _CN_DIGITS or ch in _CN_SMALL_UNITS or ch in _CN_BIG_UNITS
             or ch in "点.,")
        for ch in text
    ):
        return None
    head, point, rest = text.partition("点")
    if point:
        fraction_digits = rest.rstrip("".join(_CN_BIG_UNITS))
        tail = rest[len(fraction_digits):]
        if not fraction_digits or any(ch not in _CN_DIGITS and not ch.isdigit() for ch in fraction_digits):
            return None
        fraction = Decimal("0." + "".join(str(_CN_DIGITS.get(ch, ch)) for ch in fraction_digits))
        whole = _parse_chinese_integer(head) if head else Decimal(0)
        if whole is None:
            return None
        value = whole + fraction
        for ch in tail:
            value = value.scaleb(_CN_BIG_UNITS[ch])
        return value
    return _parse_chinese_integer(text)


def _parse_chinese_integer(text: str) -> Decimal | None:
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):
        # Digit by digit, as years are written (二〇二三); a single digit is itself.
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))
    digits = text.rstrip("".join(_CN_BIG_UNITS))
    if digits != text and all(ch in _CN_DIGITS for ch in digits) and (len(digits) >= 3 or "〇" in digits):
        # Digit by digit before 万 or 亿 (二五〇万, 一五〇〇万: Taiwanese papers); two digits
        # without a zero are a range (一两万, 三五万), read below as before.
        value = Decimal("".join(str(_CN_DIGITS[ch]) for ch in digits))
        for ch in text[len(digits):]:
            value = value.scaleb(_CN_BIG_UNITS[ch])
        return value
    if all(ch in _CN_DIGITS or ch in _CN_SMALL_UNITS or ch in _CN_BIG_UNITS for ch in text) and "兆" not in text:
        try:
            result = cn2an.cn2an(text, "normal")
        except (ValueError, KeyError, IndexError, TypeError):
            result = None
        if isinstance(result, int):
            return Decimal(result)
    return _accumulate(_chinese_tokens(text), english=False)


@dataclass
class _Token:
    kind: str  # "num", "small", "big", "zero"
    value: Decimal = Decimal(0)
    exponent: int = 0
    single_digit: bool = False


def _chinese_tokens(text: str) -> list[_Token] | None:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        ch = text[position]
        arabic = _ARABIC_TOKEN.match(text, position)
        if arabic:
            tokens.append(_Token("num", Decimal(arabic.group(0).replace(",", ""))))
            position = arabic.end()
            continue
        if ch in _CN_DIGITS:
            if ch in "零〇" and position + 1 < len(text):
                tokens.append(_Token("zero"))
            else:
                tokens.append(_Token("num", Decimal(_CN_DIGITS[ch]), single_digit=True))
        elif ch in _CN_SMALL_UNITS:
            tokens.append(_Token("small", exponent=_CN_SMALL_UNITS[ch]))
        elif ch in _CN_BIG_UNITS:
            tokens.append(_Token("big", exponent=_CN_BIG_UNITS[ch]))
        else:
            return None
        position += 1
    return tokens


def _accumulate(tokens: list[_Token] | None, *, english: bool) -> Decimal | None:
    """Sum a unit-bearing numeral: small units (十百千, hundred) build a section; a big unit
    (万亿兆, thousand, million…) multiplies its section and every smaller part before it, so
    ``四万亿`` and ``three lakh crore`` compound."""
    if not tokens or not any(t.kind == "num" or t.kind == "small" for t in tokens):
        return None
    parts: list[tuple[Decimal, int]] = []
    section = Decimal(0)
    pending: Decimal | None = None
    pending_single = False
    last_unit: int | None = None
    smallest: int | None = None
    section_touched = False
    for token in tokens:
        if token.kind == "num":
            if pending is not None:
                if english and pending % 10 == 0 and 20 <= pending <= 90 and token.value < 10:
                    pending += token.value
                    continue
                return None
            pending = token.value
            pending_single = token.single_digit
        elif token.kind == "small":
            if smallest is not None and token.exponent >= smallest:
                return None  # 十十, 百千: small units only fall within a section
            smallest = token.exponent
            section += (pending if pending is not None else Decimal(1)) * (Decimal(10) ** token.exponent)
            pending = None
            last_unit = token.exponent
            section_touched = True
        elif token.kind == "big":
            empty = pending is None and not section_touched
            if empty and not parts:
                # "万" alone is no number; "thousand" after "a" was already made "a" = 1.
                if not english:
                    return None
                pending = Decimal(1)
            segment = section + (pending if pending is not None else Decimal(0))
            merged = segment
            kept: list[tuple[Decimal, int]] = []
            top = 0
            for value, exponent in parts:
                if exponent < token.exponent or (empty and exponent <= token.exponent):
                    merged += value
                    top = max(top, exponent)
                else:
                    kept.append((value, exponent))
            new_exponent = token.exponent + (top if empty else 0)
            parts = kept + [(merged * (Decimal(10) ** token.exponent), new_exponent)]
            section = Decimal(0)
            pending = None
            section_touched = False
            smallest = None
            last_unit = token.exponent
        elif token.kind == "zero":
            last_unit = None
            pending_single = False
    if pending is not None:
        if not english and pending_single and last_unit is not None and last_unit >= 1:
            # Speaking style: 一万三 is 13000, 两千四百五 is 2450, 百三 is 130.
            pending *= Decimal(10) ** (last_unit - 1)
        section += pending
    return sum((value for value, _ in parts), Decimal(0)) + section


def _parse_english(text: str) -> Decimal | None:
    text = text.replace("-", " - ").strip()
    head, point, rest = re.sub(r"\s+", " ", text).partition(" point ")
    if point:
        # "two point five million", "42-point-one billion" (as news read aloud write it)
        rest, _, scale = rest.strip().rpartition(" ")
        if scale not in _EN_BIG_UNITS or not rest:
            rest, scale = f"{rest} {scale}".strip(), ""
        whole = _parse_english_integer(head.rstrip(" -"))
        digits = _english_digits(rest)
        if whole is None or digits is None:
            return None
        return (whole + Decimal("0." + digits)).scaleb(_EN_BIG_UNITS[scale] if scale else 0)
    return _parse_english_integer(text)


def _english_digits(text: str) -> str | None:
    digits = ""
    pending_tens: int | None = None
    for word in re.split(r"[\s-]+", text.strip()):
        if not word:
            continue
        if word in _EN_TENS:
            if pending_tens is not None:
                digits += str(pending_tens)
            pending_tens = _EN_TENS[word]
        elif word in _EN_ONES:
            if pending_tens is not None:
                digits += str(pending_tens + _EN_ONES[word]) if _EN_ONES[word] < 10 else str(pending_tens)
                pending_tens = None
                if _EN_ONES[word] >= 10:
                    digits += str(_EN_ONES[word])
            else:
                digits += str(_EN_ONES[word])
        elif word.isdigit():
            digits += word
        else:
            return None
    if pending_tens is not None:
        digits += str(pending_tens)
    return digits or None


def _parse_english_integer(text: str) -> Decimal | None:
    tokens: list[_Token] = []
    pieces = [piece for piece in _EN_TOKEN.findall(text) if piece.strip() not in ("", "-", ",")]
    if "".join(_EN_TOKEN.findall(text)) != text:
        return None
    for index, piece in enumerate(pieces):
        if piece[0].isdigit() or piece[0] == ".":
            tokens.append(_Token("num", Decimal(piece.replace(",", ""))))
        elif piece in _EN_ONES:
            tokens.append(_Token("num", Decimal(_EN_ONES[piece])))
        elif piece in _EN_TENS:
            tokens.append(_Token("num", Decimal(_EN_TENS[piece])))
        elif piece in _EN_SMALL_UNITS:
            tokens.append(_Token("small", exponent=_EN_SMALL_UNITS[piece]))
        elif piece in _EN_BIG_UNITS:
            tokens.append(_Token("big", exponent=_EN_BIG_UNITS[piece]))
        elif piece == "and" and 0 < index < len(pieces) - 1:
            continue
        elif piece == "a" and index + 1 < len(pieces) and (
            pieces[index + 1] in _EN_SMALL_UNITS or pieces[index + 1] in _EN_BIG_UNITS
        ):
            tokens.append(_Token("num", Decimal(1)))
        else:
            return None
    if tokens and tokens[0].kind == "big" and len(tokens) == 1:
        return None
    return _accumulate(tokens, english=True)


# --- amounts -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _currency_catalogue() -> list[dict]:
    return parse_catalogue(read_builtin("currencies.toml"), "currency table")["currency"]


@lru_cache(maxsize=1)
def _currency_table() -> tuple[dict[str, str], dict[str, str]]:
    prefixes: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    for currency in _currency_catalogue():
        for word in currency.get("prefixes", []):
            prefixes.setdefault(word.lower(), currency["code"])
        for word in currency.get("suffixes", []):
            suffixes.setdefault(word.lower(), currency["code"])
    return prefixes, suffixes


@lru_cache(maxsize=1)
def _currency_word_lengths() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The lengths of the prefix and of the suffix currency words, longest first."""
    prefixes, suffixes = _currency_table()
    return tuple(sorted({len(word) for word in prefixes}, reverse=True)), \
        tuple(sorted({len(word) for word in suffixes}, reverse=True))


def _leading_currency_word(text: str, prefixes: dict[str, str], lengths: Sequence[int]) -> str | None:
    """The longest currency word ``text`` starts with that does not run into a word."""
    for length in lengths:
        word = text[:length]
        if len(word) == length and word in prefixes and not _joins_word(word[-1], text[length:length + 1]):
            return word
    return None


def _trailing_currency_word(text: str, suffixes: dict[str, str], lengths: Sequence[int]) -> str | None:
    """The longest currency word ``text`` ends with that does not run into a word."""
    for length in lengths:
        word = text[-length:]
        if len(word) == length and word in suffixes and not _joins_word(word[0], text[-length - 1:-length]):
            return word
    return None


_CNY_SUBUNITS = re.compile(
    r"(?P<yuan>.+?)[元块](?:(?P<jiao>[^角毛分]+)[角毛])?(?:(?P<fen>[^分]+)分)?"
)
_DOLLARS_AND_CENTS = re.compile(
    r"(?P<dollars>.+?)\s*(?:dollars?|usd)\s*(?:and\s+)?(?P<cents>.+?)\s*cents?"
)
# "30 MUSD", "MEUR 120": an M before an ISO code means millions in financial writing.
_MILLION_CODE = re.compile(r"m(?P<code>[a-z]{3})")
_MILLION_CODE_AROUND = re.compile(r"(?:(?P<before>m[a-z]{3})\s*(?P<a>.+)|(?P<b>.+?)\s*(?P<after>m[a-z]{3}))")


def _parse_amount(s: str) -> Amount | None:
    # Currency words come in Traditional characters too (人民幣, 美圓); numerals are folded anyway.
    text = _prepare(to_simplified(s)[0])
    if not text:
        return None
    subunits = _CNY_SUBUNITS.fullmatch(text)
    if subunits and (subunits.group("jiao") or subunits.group("fen")):
        yuan = _parse_decimal(subunits.group("yuan").removeprefix("人民币"))
        jiao = _parse_decimal(subunits.group("jiao")) if subunits.group("jiao") else Decimal(0)
        fen = _parse_decimal(subunits.group("fen")) if subunits.group("fen") else Decimal(0)
        if yuan is None or jiao is None or fen is None:
            return None
        return Amount(_exact(yuan + jiao / 10 + fen / 100), "CNY")
    cents = _DOLLARS_AND_CENTS.fullmatch(text)
    if cents:
        dollars = _parse_decimal(cents.group("dollars").lstrip("$ "))
        hundredths = _parse_decimal(cents.group("cents"))
        if dollars is not None and hundredths is not None:
            return Amount(_exact(dollars + hundredths / 100), "USD")
    prefixes, suffixes = _currency_table()
    prefix_lengths, suffix_lengths = _currency_word_lengths()
    codes: list[str] = []
    multiplier = 0
    changed = True
    while changed:
        changed = False
        word = _leading_currency_word(text, prefixes, prefix_lengths)
        if word is not None:
            codes.append(prefixes[word])
            text = text[len(word):].strip()
            changed = True
        word = _trailing_currency_word(text, suffixes, suffix_lengths)
        if word is not None:
            if word not in _GENERIC_UNITS or not codes:
                codes.append(suffixes[word])
            # else 元 after a named currency counts that currency (新台币200万元, 港币50万元).
            text = text[: -len(word)].strip()
            changed = True
        scaled = _MILLION_CODE_AROUND.fullmatch(text)
        if not codes and scaled:
            word = scaled.group("before") or scaled.group("after")
            code = word[1:].upper()
            if word[1:] in prefixes or word[1:] in suffixes:
                codes.append(code)
                multiplier = 6
                text = (scaled.group("a") or scaled.group("b") or "").strip()
                changed = True
    if not codes or len(set(codes)) != 1 or not text:
        return None
    value = _parse_decimal(text)
    if value is None:
        return None
    return Amount(_exact(value.scaleb(multiplier)), codes[0])


# The unit word of any yuan-like currency: after a prefix naming the currency, it is that one.
_GENERIC_UNITS = frozenset({"元", "圆"})


def _joins_word(edge: str, neighbour: str) -> bool:
    """Whether a currency word's Latin edge runs into a neighbouring Latin letter ("rub" in
    "rubles" is part of a word; "元" next to "万" is not)."""
    return len(edge) == 1 and "a" <= edge <= "z" and len(neighbour) == 1 and "a" <= neighbour <= "z"


def _exact(value: Decimal) -> Decimal:
    """A canonical Decimal: whole amounts without exponent or trailing zeros (``500000``)."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()
