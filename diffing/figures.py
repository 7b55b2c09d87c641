"""Enforcement figures in notice text: each number with its unit, metric, period and scope.

The metric catalogue is data (``data/metrics.toml``), extendable with a user file. A number
followed by a measure word (家, 款, 个…), an English counted noun ("websites"), or written as
money is a figure; its clause decides the metric, and the verb that governs the number decides
between metrics. A money amount also gets a role from the words that govern it (a fine, the
sales base of a percentage fine, a proposal, a legal maximum, a refund…): only fines are
``fine_amount``. A figure whose clause matches no metric is kept with ``metric=None``, never
dropped; a fact stated twice is one figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from diffing.amounts import AmountMatch, find_amounts
from diffing.candidates import find_candidates
from diffing.count_objects import (
    _EN_CONJUNCTION,
    _counts_companies,
    _counts_places,
    _mixed_objects,
    _two_kinds_counted,
    _whole_before,
    counts_tested,
    first_in,
    nearest,
    user_function,
)
from diffing.figure import EXTRACTOR_VERSION, Candidate, Draft, Figure, Verdict
from diffing.figure_periods import (
    compared_base,
    in_sentence,
    mention_for,
    money_covers_period,
    sentence_final,
)
from diffing.metrics import Metric, MetricCatalogue, load_metrics
from diffing.period import Period, PeriodMention
from diffing.periods import find_period_mentions
from diffing.repeats import DISTRIBUTIVE, conversions, merge_repeats
from diffing.roles import FINE_ROLES, link_parts, money_role
from diffing.scans import compile_scan
from diffing.scopes import ScopeMention, find_scope_mentions
from diffing.spans import SortedSpans
from diffing.text import PreparedText

# The public face of extraction; the catalogue, roles and repeats have their own modules.
__all__ = [
    "EXTRACTOR_VERSION",
    "Figure",
    "MetricCatalogue",
    "find_figures",
    "load_metrics",
]

CURRENCY_UNIT = "currency"

# --- finding figures -----------------------------------------------------------------------


# Between a count and the next one it is coordinated with: its noun, then "and" or a comma.
_COORDINATED_COUNT = re.compile(
    r"(?:\s+(?:(?!(?:were|was|are|is|have|has|had|been)\s)[a-z-]+\s+){0,3}?[a-z]+s)?\s*(?:,\s*(?:and\s+)?|\s+and\s+)"
    r"(?:(?:more|fewer|less)\s+than\s+|over\s+|about\s+|nearly\s+|almost\s+|some\s+|another\s+)?")


def _classify(prepared: PreparedText, catalogue: MetricCatalogue, candidate: Candidate,
              next_number: int | None = None, previous_number: int | None = None) -> Verdict | None:
    """The metric whose phrasing the figure's clause carries, or ``None``.

    Every verb group of a metric must occur in the figure's clause; when the clause has no verb
    of any metric, the verbs may come from the clauses before it in the sentence or from the
    sentence before ("下架移动应用程序259款、小程序119款"; "…urged to close illegal websites.
    There are 127,878 illegal accounts."), and then the clause must name the metric's object.
    A clause naming another metric's object and none of this one rules this one out. Verbs in
    the clause beat inherited ones, more verb groups beat fewer (警告 and 罚款 together are
    warned_or_fined), an object beats none, nearer objects and verbs beat farther ones, and the
    catalogue's order settles the rest.
    """
    text = prepared.text
    language = "zh" if prepared.language.startswith("zh") else "en"
    unit = CURRENCY_UNIT if candidate.currency else candidate.unit
    compatible = _compatible(catalogue, unit, language)
    if not compatible:
        return None
    anchor = candidate.start
    follows = candidate.end if language == "en" else None
    clause_start, clause_end = prepared.clause_at(anchor)
    clause_end = max(clause_end, candidate.end)
    sentence_start, sentence_end = prepared.sentence_at(anchor)
    if text[candidate.end - 1:candidate.end] in (")", "）") and candidate.end < sentence_end:
        # An amount read with its conversion written first ends on the bracket: the clause
        # goes on after it ("a $12.6 million (87.6 million yuan) fine").
        clause_end = max(clause_end, prepared.clause_at(candidate.end)[1])
    if language == "zh":
        # 、 lists the objects of one verb (处置账号、群组781万个): the verb's clause is the figure's,
        # unless the item has a verb of its own (下架96款、通报3款), one no metric counts among
        # them (关闭账号22个、禁言账号41个). A parenthesis inside the
        # list (甲（9961）、乙等12家) is an aside, as after a count (_through_asides).
        while clause_start > sentence_start + 1:
            if text[clause_start - 1] == "、" and (not _has_verb(text, compatible, language, clause_start, anchor)
                                                   or _verbs_listed(text, catalogue, clause_start - 1)) \
                    and not _OTHER_VERB[language].search(text, clause_start, anchor):
                clause_start = max(prepared.clause_at(clause_start - 2)[0], sentence_start)
            elif (text[clause_start - 1] in ")）" and not _has_verb(text, compatible, language, clause_start, anchor)
                  and (opening := _ASIDE_OPENING.search(text, max(sentence_start, clause_start - 40),
                                                        clause_start - 1)) is not None
                  and opening.start() > sentence_start):
                clause_start = max(prepared.clause_at(opening.start() - 1)[0], sentence_start)
            else:
                break
    if language == "zh":
        line_start = sentence_start
        while line_start < anchor and text[line_start] in " \t":
            line_start += 1
        if (line_start > 1 and text[line_start] in "(（"
                and _LIST_TITLE_END.search(text, max(0, line_start - 40), line_start)):
            # "通报下架的APP名单\n（2022年11月，共11款）": the count under a list's title counts
            # the list, with the title's verb and noun.
            clause_start = text.rfind("\n", 0, line_start - 1) + 1
        # …and a verb after the list governs its items too (尚有7款App、1款小程序未完成整改).
        while (clause_end + 1 < sentence_end and text[clause_end] == "、"
               and (not _has_verb(text, compatible, language, clause_start, clause_end)
                    or _verbs_listed(text, catalogue, clause_end))):
            clause_end = max(clause_end + 1, prepared.clause_at(clause_end + 1)[1])
        # Coordinated 对-phrases each have their own verb (对300家网站的约谈和对40家平台的罚款):
        # the figure's phrase ends where the next 对 is joined on, and starts after the one before.
        if text.find("对", clause_start, clause_end) != -1:
            joined = _JOINED_DUI.search(text, candidate.end, clause_end)
            if joined and _ZH_DIGIT.search(text, joined.end(), clause_end):
                clause_end = joined.start()
            for joined in _JOINED_DUI.finditer(text, clause_start, clause_end):
                if joined.end() > anchor:
                    break
                clause_start = joined.start() + 1
    if language == "zh" and clause_end + 1 < sentence_end and text[clause_end:clause_end + 1] in ",，":
        if (_DISPOSAL.search(text, clause_start, anchor)
                and not _has_verb(text, compatible, language, clause_start, clause_end)):
            # 将 puts the object first and its verb after it, after a comma too (将1461宗…个案，
            # 转交警方): the clause goes on to that verb.
            clause_end = max(clause_end, prepared.clause_at(clause_end + 1)[1])
        elif (_FRONTED_BY_DUI.search(text, clause_start, anchor)
              and (following := prepared.clause_at(clause_end + 1))
              and not _has_verb(text, compatible, language, candidate.end, clause_end)
              and not _ZH_DIGIT.search(text, *following)
              and _has_verb(text, compatible, language, *following)):
            # 对 fronts what the verb after the comma acts on; a verb inside its …的 only
            # describes the things (对拒不整改的12款App，工信部责令应用商店予以下架: removed).
            clause_end = max(clause_end, following[1])
        elif (_PREDICATE_ONLY.match(text, clause_end + 1)
              and (following := prepared.clause_at(clause_end + 1))
              and not _has_verb(text, compatible, language, candidate.end, clause_end)
              and not _ZH_DIGIT.search(text, *following)
              and _has_verb(text, compatible, language, *following)):
            # A count that is its sentence's subject (43家违法违规网站因主体异常，…依法关闭;
            # 未完成整改的3款应用，已于1月3日被下架) takes the verb of the clause after it that
            # has no subject of its own.
            clause_end = max(clause_end, following[1])
        elif (_CONVENES.search(text, clause_start, anchor)
              and (following := prepared.clause_at(clause_end + 1))
              and not _has_verb(text, compatible, language, clause_start, clause_end)
              and not _ZH_DIGIT.search(text, *following)
              and _has_verb(text, compatible, language, *following)):
            # 组织/召集 brings the counted together for what the next clause does (组织12家平台，
            # 召开约谈会): that clause's verb is the measure taken on them.
            clause_end = max(clause_end, following[1])
    if (language == "en" and text[clause_start - 1:clause_start] == ")"
            and not _has_verb(text, compatible, language, clause_start, anchor)):
        # A bracketed aside between a verb and its figure ("fined (link in Chinese) review
        # platform Orbit 1.5 million yuan", "fined Orbit Inc (orb.o) $2m") leaves the verb before
        # it governing the figure.
        bracket_open = text.rfind("(", max(sentence_start, clause_start - 42), clause_start - 1)
        if bracket_open > sentence_start and _EN_BRACKET_ASIDE.fullmatch(text, bracket_open + 1, clause_start - 1):
            clause_start = max(prepared.clause_at(bracket_open - 1)[0], sentence_start)
    clause_end = _through_asides(prepared, clause_end, sentence_end)
    if candidate.currency is not None and clause_end + 1 < sentence_end:
        # A restatement in another currency set off by a comma (开出1亿欧元，约合人民币8亿元的罚单)
        # is an aside: the amount's clause goes on through it.
        restated = _RESTATED_AFTER.match(text, clause_end)
        if restated:
            clause_end = max(clause_end, prepared.clause_at(restated.end())[1])
    if language == "en":
        # ", including a popular game," is an aside: the clause goes on after it ("ordered 38
        # apps, including a popular game, to be pulled from app stores").
        aside = _EN_ASIDE.match(text, clause_end)
        if aside and aside.end() < sentence_end:
            clause_end = max(clause_end, prepared.clause_at(aside.end())[1])
        elif candidate.currency is None and text.startswith(" includ", candidate.end):
            # "41 apps including A, B and C, which were required to correct…": the relative clause
            # after the list says what was done to the counted things.
            listed = _LIST_THEN_WHICH.match(text, candidate.end)
            if listed and listed.end() < sentence_end:
                clause_end = max(clause_end, prepared.clause_at(listed.end())[1])
    own_end = candidate.end
    if candidate.currency is None and text.find("—", candidate.end, candidate.end + 4) != -1:
        # A list set off by dashes names the things counted ("The four apps — A, B and C — were
        # removed", 这4款应用——A、B和C——被下架): the clause goes on after the closing dash.
        dashed = _DASHED_ASIDE.match(text, candidate.end)
        if dashed and dashed.end() < sentence_end:
            clause_end = max(clause_end, prepared.clause_at(dashed.end())[1])
            own_end = dashed.end()
    coordinated = (language == "en" and next_number is not None and next_number > candidate.end
                   and _COORDINATED_COUNT.fullmatch(text, candidate.end, next_number) is not None
                   and not _has_verb(text, compatible, language, clause_start, next_number))
    if coordinated and next_number is not None:
        clause_end = max(clause_end, prepared.clause_at(next_number)[1])
    if language == "en" and next_number is not None and next_number > candidate.end and not coordinated:
        # A verb after the next number is that number's ("620000 apps were tested, 2234 apps
        # were ordered to rectify"): English states the count, then its verb; unless the two
        # are subjects joined by "and" or a comma, which share the verb after them ("more than
        # 700 websites and 9,300 apps have been shut down").
        clause_end = min(clause_end, next_number)
        # "warned 1,500 websites and fined 200": a verb after a conjunction leads the next count.
        joined = _EN_CONJUNCTION.search(text, own_end, clause_end)
        if joined and _has_verb(text, compatible, language, joined.end(), clause_end):
            clause_end = joined.start()
    if (language == "en" and previous_number is not None and clause_start < previous_number < anchor
            and _has_verb(text, compatible, language, previous_number, anchor)):
        # …and the verbs before the previous count, or before the conjunction after it, are
        # that count's ("520 websites were summoned while 96 received warnings").
        clause_start = previous_number
        # The first conjunction: a later one joins the count's own verbs ("and imposed warnings and fines on 300").
        for joined in _EN_CONJUNCTION.finditer(text, previous_number, anchor):
            clause_start = joined.end()
            break
    elif (language == "en" and previous_number is not None and clause_start < previous_number < anchor
            and _has_verb(text, compatible, language, candidate.end, clause_end)):
        # "removed 30 apps and ordered another 45 to correct…": a count with a verb after it
        # leaves the verbs before the conjunction to the count before.
        for joined in _EN_CONJUNCTION.finditer(text, previous_number, anchor):
            clause_start = joined.end()
            break
    index = prepared.sentence_index(anchor)
    context: list[tuple[int, int]] = [(max(sentence_start, clause_start - 400), clause_start)]
    if index > 0:
        previous_start, previous_end = prepared.sentence(index - 1)
        if prepared.paragraph_index(previous_start) == prepared.paragraph_index(anchor):
            context.append((previous_start, previous_end))
    objects_here: dict[str, tuple[int, int] | None] = {}
    # Metrics share object words (websites, apps): each pattern scans the clause once (keyed by
    # identity: a pattern's hash reads all its compiled code).
    nearest_objects: dict[int, tuple[int, int] | None] = {}
    for metric in compatible:
        objects = metric.phrasings[language].objects
        if objects is not None:
            if id(objects) not in nearest_objects:
                nearest_objects[id(objects)] = nearest(objects, text, clause_start, clause_end, anchor)
            objects_here[metric.id] = nearest_objects[id(objects)]
    if language == "zh":
        # In a compound noun the last noun is the thing (网站平台账号 are accounts): an object
        # right before another metric's object only qualifies it.
        object_spans = {metric_id: span for metric_id, span in objects_here.items() if span is not None}
        patterns = dict(_objects_of(compatible, language)) if len(object_spans) > 1 else {}
        object_starts = {other_span[0] for other_span in object_spans.values()}
        for metric_id, span in object_spans.items() if patterns else ():
            if (span[1] in object_starts or span[1] + 1 in object_starts) and any(
                    span[1] <= other_span[0] <= span[1] + 1 and not text[span[1]:other_span[0]].strip()
                    and not patterns[metric_id].fullmatch(text, *other_span)
                    and not patterns[other].fullmatch(text, *span)
                    for other, other_span in object_spans.items()):
                objects_here[metric_id] = None
    part = False
    if candidate.currency is None and not any(objects_here.values()):
        whole = _whole_before(text, sentence_start, anchor)
        if whole is not None:
            # "Out of the 67,000 accounts closed, nearly 8,000 were shut down", 关闭账号6.7万个，
            # 其中8000个…: the part counts what the whole before it counted; an English part
            # needs a verb of its own ("Of these, 12 were in Beijing" reports no action).
            part = language == "en"
            whole = prepared.clause_at(whole)[0]
            for metric in compatible:
                objects = metric.phrasings[language].objects
                if objects is not None:
                    objects_here[metric.id] = nearest(objects, text, whole, anchor, anchor)
    if (language == "en" and candidate.currency is None and previous_number is not None
            and not any(objects_here.values()) and _ELIDED_NOUN.fullmatch(text, candidate.number_end, candidate.end)
            and _has_verb(text, compatible, language, previous_number, clause_end)):
        # "40 accounts were deleted and 120 more disabled": the count whose noun is left out
        # counts what the count before it counted.
        for metric in compatible:
            objects = metric.phrasings[language].objects
            if objects is not None:
                objects_here[metric.id] = nearest(objects, text, max(sentence_start, previous_number - 30),
                                                   previous_number, previous_number)
    if language == "zh" and candidate.currency is None and candidate.end < clause_end:
        # The noun right after a measure word is what it counts (7款App、1款小程序未完成整改: the
        # second number counts mini programs, whatever the list before it named).
        own = _objects_in(text, compatible, language, candidate.end, min(clause_end, candidate.end + 8))
        if own:
            objects_here = {metric_id: own.get(metric_id) for metric_id in objects_here}
    if _mixed_objects(text, compatible, objects_here, language):
        return None
    if candidate.currency is None and _two_kinds_counted(
            text, catalogue, language, max(clause_start, candidate.start - 16),
            min(clause_end, candidate.end + (16 if language == "zh" else 40))):
        return None
    if language == "en" and candidate.currency is None:
        # The noun an English number counts is its object ("2,186 apps and 1,020 mini
        # programs": the second number counts mini programs, whatever is nearer).
        own = _objects_in(text, compatible, language, candidate.number_end, candidate.end)
        if own:
            objects_here = {metric_id: own.get(metric_id) for metric_id in objects_here}
    any_object_here = any(span is not None for span in objects_here.values())
    if candidate.currency is None and (_counts_companies(text, candidate, language)
                                       or _counts_places(text, candidate, language) or counts_tested(text, candidate, language)
                                       or _RESTORED[language].search(text, clause_start, clause_end)
                                       or (_OWN_ACCORD[language].search(text, clause_start, clause_end)
                                           and not _ORDERED[language].search(text, clause_start, clause_end))):
        return None
    if language == "en" and candidate.currency is None:
        # "suspended 67 websites and punished 23 others": a verb of its own that no metric has
        # governs the count; the verb before the conjunction is the other count's.
        own_verb = _EN_OWN_VERB.search(text, max(clause_start, anchor - 60), anchor)
        stretch_end = min(clause_end, next_number) if next_number is not None and next_number > anchor else clause_end
        if own_verb and not _has_verb(text, compatible, language, own_verb.start(1), stretch_end):
            return None
    # Without any metric's verb in the clause, no verb group is nearest: the scans are skipped.
    verb_in_clause = _has_verb(text, compatible, language, clause_start, clause_end)
    verbs_here = verb_in_clause or bool(_OTHER_VERB[language].search(text, clause_start, anchor if language == "zh" else clause_end)) \
        or (language == "zh" and _ZH_REFERRED.search(text, candidate.end, clause_end) is not None)
    best: tuple[Metric, tuple[tuple[int, int, int, int, int, int], list[tuple[int, int]]]] | None = None
    scored: dict[str, tuple[tuple[int, int, int, int, int, int], list[tuple[int, int]]]] = {}
    # Metrics share verb groups (警告): each group scans the clause once.
    nearest_verbs: dict[int, tuple[int, int] | None] = {}
    for order, metric in enumerate(compatible):
        phrasing = metric.phrasings[language]
        object_span = objects_here.get(metric.id)
        required = metric.objects_required or unit in metric.objects_required_for
        if phrasing.objects is not None and object_span is None and (any_object_here or required):
            continue
        if verb_in_clause:
            spans = []
            for group in phrasing.verb_groups:
                if id(group) not in nearest_verbs:
                    found = nearest(group, text, clause_start, clause_end, anchor, after=follows, unquoted=True)
                    nearest_verbs[id(group)] = None if found is not None and user_function(text, found, language) else found
                spans.append(nearest_verbs[id(group)])
        else:
            spans = [None]
        level = 2
        if None in spans:  # (spans are tuples or None: a test without a generator)
            if verbs_here or part or (phrasing.objects is not None and object_span is None):
                continue
            level = 1
            inherited = [first_in(group, text, context) for group in phrasing.verb_groups]
            if None in inherited:
                continue
            spans = inherited
        found_spans = [span for span in spans if span is not None]
        verb_distance = max(min(abs(s - anchor), abs(e - anchor)) for s, e in found_spans) if level == 2 else 0
        object_distance = (
            min(abs(object_span[0] - anchor), abs(object_span[1] - anchor)) if object_span else 10_000
        )
        score = (
            level,
            len(phrasing.verb_groups),
            1 if object_span else 0,
            -object_distance,
            -verb_distance,
            -order,
        )
        kept: tuple[tuple[int, int, int, int, int, int], list[tuple[int, int]]] = (
            score, found_spans if level == 2 else [])
        scored[metric.id] = kept
        if best is None or score > best[1][0]:
            best = (metric, kept)
    if best is None:
        return None
    best_metric, (best_score, best_spans) = best
    if candidate.currency is None and any(_with_lesser_measure(text, span, language) for span in best_spans):
        # 封禁降级14万个账号, "closed or restricted 2,000 accounts": closings counted together
        # with lighter measures say how many were closed of none.
        return None
    # A clause that names the stronger action reports it (通报下架: removed, not notified),
    # unless the action is another count's (下架的4款App和责令整改的78款App).
    for other in best_metric.yields_to:
        if other in scored and scored[other][0][0] == best_score[0] and not (
                previous_number is not None and any(end <= previous_number <= anchor for _, end in scored[other][1])):
            other_score, other_spans = scored[other]
            return Verdict(other, other_score, tuple(other_spans))
    if (language == "zh" and best_metric.yields_to and candidate.currency is None
            and not _has_verb(text, compatible, language, clause_start, anchor)):
        stronger = _sentence_predicate(prepared, catalogue, best_metric, clause_end, sentence_end)
        if stronger is not None:
            return Verdict(stronger, best_score, tuple(best_spans))
    return Verdict(best_metric.id, best_score, tuple(best_spans))


# Lighter measures than closing or removing (降级, 限流, 禁言; restricted, muted), joined to the
# verb of one and counted with it.
_LESSER_AFTER = {
    "zh": re.compile(r"(?:或者?|和|及|、|与)?(?:降级|限流|禁言|降权|限制功能)"),
    "en": re.compile(r"(?:\s+(?:or|and/or|and)\s+|\s*/\s*)(?:restrict|downgrad|mut(?:ed|ing)\b|throttl|limit(?:ed|ing)\b|demot)"),
}
_LESSER_BEFORE = {
    "zh": re.compile(r"(?:降级|限流|禁言|降权)(?:或者?|和|及|、|与)?$"),
    "en": re.compile(r"(?:restricted|downgraded|muted|throttled|limited|demoted)(?:\s+(?:or|and/or|and)\s+|\s*/\s*)$"),
}


def _with_lesser_measure(text: str, span: tuple[int, int], language: str) -> bool:
    return bool(_LESSER_AFTER[language].match(text, span[1])
                or _LESSER_BEFORE[language].search(text, max(0, span[0] - 16), span[0]))


# The predicate of a sentence whose subject is a count, after clauses saying why (26款App因侵害
# 用户权益，且未按要求整改，现被通报下架): a clause with no subject of its own.
_SUBJECTLESS_PREDICATE = re.compile(r"\s*(?:现|目前|随后|因此|故|并)?(?:已经?|均|都|也)?(?:被|遭)|\s*(?:现|目前)?已经?"
                                    # 仍有11款App未整改，现予以下架处置: the measure now taken on them
                                    r"|\s*(?:现|随后|因此|故|特|遂|并)?(?:依法(?:依规)?|依规)?(?:予以|对其|将其|一律)")


def _sentence_predicate(prepared: PreparedText, catalogue: MetricCatalogue, metric: Metric,
                        clause_end: int, sentence_end: int) -> str | None:
    """The stronger metric (one ``metric`` yields to) whose verbs the sentence's predicate, after
    the count's clause, carries; ``None`` when a later clause counts on its own first, or the
    measure is still to come."""
    text = prepared.text
    position = clause_end
    for _ in range(3):
        if position + 1 >= sentence_end or text[position] not in ",，":
            return None
        start, end = prepared.clause_at(position + 1)
        if _ZH_DIGIT.search(text, start, end):
            return None
        if _SUBJECTLESS_PREDICATE.match(text, start) and not _NOT_YET.search(text, start, end):
            for other_id in metric.yields_to:
                other = next((m for m in catalogue.metrics if m.id == other_id), None)
                if other is not None and all(group.search(text, start, end) for group in other.phrasings["zh"].verb_groups):
                    return other_id
            return None
        position = end
    return None


_COMPATIBLE: dict[tuple[int, str, str], tuple[MetricCatalogue, list[Metric]]] = {}


def _compatible(catalogue: MetricCatalogue, unit: str, language: str) -> list[Metric]:
    """The metrics counted in ``unit`` with verbs in ``language``, in catalogue order (kept per
    catalogue: every figure asks)."""
    key = (id(catalogue), unit, language)
    cached = _COMPATIBLE.get(key)
    if cached is None or cached[0] is not catalogue:
        if len(_COMPATIBLE) > 256:
            _COMPATIBLE.clear()
        cached = _COMPATIBLE[key] = (catalogue, [m for m in catalogue.metrics
                                                 if unit in m.units and m.phrasings[language].verb_groups])
    return cached[1]


def _through_asides(prepared: PreparedText, clause_end: int, sentence_end: int) -> int:
    """A parenthesis is an aside ("25款App(列表附后)存在问题", "€2.42bn (around £2.1bn) fine",
    "23.59 billion yuan ($3.72 billion) last year"): the clause goes on after it."""
    text = prepared.text
    while clause_end < sentence_end and text[clause_end:clause_end + 1] in ("(", "（"):
        close = min((i for i in (text.find(")", clause_end, clause_end + 40),
                                 text.find("）", clause_end, clause_end + 40)) if i != -1), default=-1)
        if close == -1 or _CLAUSE_MARK.match(text, close + 1) or close + 1 >= sentence_end:
            break
        clause_end = max(clause_end, prepared.clause_at(close + 1)[1])
    return clause_end


# 和对, 并对, 以及对…: another 对-phrase joined on.
_JOINED_DUI = re.compile(r"(?:和|与|及|以及|并|并且)\s*对(?=[^，,。；;：:]{0,12}\d)")


def _verbs_listed(text: str, catalogue: MetricCatalogue, mark: int) -> bool:
    """The 、 at ``mark`` joins two verbs of one predicate (警告、罚款网站平台30家; 给予警告、罚款处罚):
    the word before it and the word after it are both metric verbs."""
    verb_after, verb_before = _every_verb(catalogue)
    return verb_after.match(text, mark + 1) is not None and verb_before.search(text[max(0, mark - 6):mark]) is not None


_EVERY_VERB: dict[int, tuple[MetricCatalogue, re.Pattern[str], re.Pattern[str]]] = {}


def _every_verb(catalogue: MetricCatalogue) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every metric's Chinese verbs as one pattern, and the same ending a string."""
    cached = _EVERY_VERB.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        alternation = "|".join(f"(?:{pattern.pattern})" for metric in catalogue.metrics
                               for pattern in metric.phrasings["zh"].verb_groups)
        if len(_EVERY_VERB) > 16:
            _EVERY_VERB.clear()
        cached = _EVERY_VERB[id(catalogue)] = (catalogue, compile_scan(alternation),
                                               compile_scan(f"(?:{alternation})$"))
    return cached[1], cached[2]


_LIST_THEN_WHICH = re.compile(r"\s+including\b[^.;()—]{1,100}?,\s*(?:which|that)\s+")
_DASHED_ASIDE = re.compile(r"\s*—{1,2}[^—。；;!?！？\n]{1,160}?—{1,2}\s*")
_ELIDED_NOUN = re.compile(r"(?:\s+(?:more\s+|other\s+)?others?|\s+more|\s+of\s+(?:them|these|those|which))?")
_RESTATED_AFTER = re.compile(r"[,，]\s*(?:约合|折合|相当于|合)")


def _objects_of(metrics: Sequence[Metric], language: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(metric.id, objects) for metric in metrics if (objects := metric.phrasings[language].objects) is not None]


def _objects_in(text: str, compatible: Sequence[Metric], language: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """The first object of each metric in ``text[start:end]``, by metric id: one search per
    pattern, as metrics share object words."""
    spans: dict[int, tuple[int, int] | None] = {}  # by the pattern's identity, as in ``_classify``
    found: dict[str, tuple[int, int]] = {}
    for metric_id, objects in _objects_of(compatible, language):
        if id(objects) not in spans:
            match = objects.search(text, start, end)
            spans[id(objects)] = match.span() if match else None
        span = spans[id(objects)]
        if span is not None:
            found[metric_id] = span
    return found


def _has_verb(text: str, compatible: Sequence[Metric], language: str, start: int, end: int) -> bool:
    return _any_verb(compatible, language).search(text, start, end) is not None


_ANY_VERB: dict[tuple[int, str], tuple[Sequence[Metric], re.Pattern[str]]] = {}


def _any_verb(compatible: Sequence[Metric], language: str) -> re.Pattern[str]:
    """Every verb of ``compatible`` as one pattern: one scan of a clause instead of one per
    verb group (``compatible`` lists are kept per catalogue and unit, see ``_compatible``)."""
    key = (id(compatible), language)
    cached = _ANY_VERB.get(key)
    if cached is None or cached[0] is not compatible:
        if len(_ANY_VERB) > 256:
            _ANY_VERB.clear()
        alternation = "|".join(f"(?:{pattern.pattern})" for metric in compatible
                               for pattern in metric.phrasings[language].verb_groups)
        cached = _ANY_VERB[key] = (compatible, compile_scan(alternation or r"(?!x)x"))
    return cached[1]


# Verbs no metric counts (处置 deals with an account without saying how): a clause with one of
# them before its number does not borrow a metric's verb from the clause before.
_OTHER_VERB = {
    # (检查, 检测, 抽查…: what was inspected or tested, as "tested, inspected" in English)
    # (禁言, 降级, 限流: lighter measures on accounts than closing them)
    "zh": re.compile(r"处置|处理|查处|拦截|封禁(?:违规)?主播|检查|检测|抽查|抽检|监测|巡查|排查|禁言|降级|限流|降权"),
    # English: a counted verb no metric has (tested, inspected, handled), or any passive verb.
    "en": re.compile(r"\b(?:test|inspect|check|examin|investigat|review|screen|monitor|detect|handl|process)\w*"
                     r"|\b(?:were|was|been|are|is)\s+(?:\w+ly\s+)?[a-z]+(?:ed|en)\b"),
}
_LIST_TITLE_END = re.compile(r"(?:名单|清单|目录|列表)\s*\n\s*$")
# Handed to another authority: a count of what was referred (账号主体移交市场监管部门) does not
# borrow the closing verb of the clause before.
_ZH_REFERRED = re.compile(r"移交|移送|转交|转介|交由")
_FRONTED_BY_DUI = re.compile(r"对[^，,。；;：:]{0,24}的\s*(?:上述|这|该)?\s*$")
_CONVENES = re.compile(r"组织|召集")
# The opening of the last parenthesis before a position, with nothing but its aside after it.
_ASIDE_OPENING = re.compile(r"[(（][^()（）。；;]{0,36}$")
# A clause with no subject: it starts with an adverb, a passive or the office it asks.
_PREDICATE_ONLY = re.compile(r"\s*(?:已经?|均|都|也|随后|现已|目前已|被|遭|请示|报请|经)")
# A number in a clause, not a date (已于1月3日被下架 has none).
_ZH_DIGIT = re.compile(r"(?<![\d.,])\d++(?:[.,]\d++)*+(?!\s*[年月日号时点])")
# 将/把 fronting the counted object (将当中1262宗, 将涉嫌犯罪的案件线索320件), not 将 as "will"
# (将于, 将会, 将对…) nor 将近 (nearly).
_DISPOSAL = compile_scan(r"(?<![即必])[将把](?![于会要在对从继持进加开依再近])[^，,。；;：:]{0,16}$")
_EN_ASIDE = re.compile(r",\s*(?:including|such\s+as|among\s+them|among\s+which|for\s+example)\b[^,;.()]{1,60},\s*")
# What a bracket holds as an aside, not a figure of its own: words without a number, or a ticker.
_EN_BRACKET_ASIDE = re.compile(r"[^()\d]{1,40}|[a-z0-9]{1,6}\.[a-z]{1,2}")
_EN_OWN_VERB = re.compile(r"\b(?:and|while|but|whereas)\s+([a-z]+ed)\s+(?:[a-z-]+\s+){0,3}$")
# Apps or sites let back after fixing their problems were acted on before, not in this count.
_RESTORED = {
    "zh": re.compile(r"恢复上架|重新上架|复核(?:后|通过)?上架|恢复上线|重新上线|恢复(?:运营|服务|更新)|解封|解除(?:封禁|屏蔽|封锁)"),
    "en": compile_scan(r"\b(?:allowed|permitted)\s+(?:to\s+)?(?:return|resume|go\s+back)|\b(?:restored|reinstated|relisted)\b"
                     # "106,000 of them were later unblocked": the block reversed
                     r"|\bun(?:blocked|banned|suspended)\b"
                     # "35 have fixed the problems": done, not found wanting
                     r"|\b(?:have|has|had)\s+(?:now\s+|already\s+|since\s+)?(?:fixed|rectified|corrected|completed|resolved)\b"
                     r"|back\s+(?:on|in)(?:to)?\s+(?:app\s+)?(?:stores?|shelves)"),
}
# Counts of companies, shops and premises are no count of websites or platforms (the catalogue
# has no metric for them): 3家企业, 136家…APP企业, 4家无证照餐饮店, "15 companies".
# A site or account owner closing or cancelling on its own (主动注销, 自行关闭) is no enforcement.
_OWN_ACCORD = {
    "zh": re.compile(r"(?:主动|自行|自愿|自主)\s*(?:申请)?\s*(?:注销|关闭|关停|下架|删除)"),
    "en": re.compile(r"\b(?:voluntarily|on\s+(?:their|its)\s+own\s+initiative)\b"),
}
# …unless it was ordered to (责令30家网站自行关闭, "ordered to close voluntarily").
_ORDERED = {"zh": re.compile(r"责令|要求|督促|令其"), "en": re.compile(r"\b(?:order|requir|direct|told)")}


def _start(mention: PeriodMention | ScopeMention) -> int:
    return mention.start


def _end(mention: PeriodMention | ScopeMention) -> int:
    return mention.end


# A clause mark right after an aside's closing parenthesis: the clause ends with the aside (see ``_classify``).
_CLAUSE_MARK = re.compile(r"\s*(?:[。！？；!?;\n，、：:（）()]|,(?!\d{3}))")


def find_figures(
    prepared: PreparedText,
    *,
    catalogue: MetricCatalogue | None = None,
    published: date | None = None,
    amounts: Sequence[AmountMatch] | None = None,
    merge: bool = True,
) -> list[Figure]:
    """Every figure in ``prepared``, in text order, one per fact: a figure stated again (a
    headline repeating the body, an amount restated in another currency) is one ``Figure``
    whose ``other_spans`` hold the repeats. With ``merge=False`` repeats stay separate figures
    (restatements in another currency are still folded), for a caller that sets ``party``
    first and then applies :func:`merge_repeats`. ``published`` resolves relative periods; without it
    they stay unresolved. ``amounts`` are ``find_amounts(prepared.text)`` when the caller has
    them already."""
    catalogue = catalogue or load_metrics()
    publication = published.date() if isinstance(published, datetime) else published
    period_mentions = find_period_mentions(prepared.text, publication)
    periods = SortedSpans(period_mentions, _start, _end)
    carried_periods = SortedSpans([m for m in period_mentions if m.carries], _start, _end)
    scopes = SortedSpans(find_scope_mentions(prepared.text), _start, _end)
    if amounts is None:
        amounts = find_amounts(prepared.text)
    candidates = find_candidates(prepared, catalogue, amounts)
    converted = conversions(prepared, candidates)
    refers_back = prepared.language.startswith("zh") and _REFERRED_BACK.search(prepared.text) is not None
    all_of_them = prepared.language.startswith("zh") and "全部" in prepared.text
    counted_spans = SortedSpans(candidates, lambda c: c.start, lambda c: c.end) if refers_back else None
    drafts: list[Draft] = []
    uncounted: list[tuple[int, Period]] = []
    restated: list[tuple[int, tuple[int, int]]] = []
    previous: int | None = None
    # The next count or amount that is not a restatement, for each candidate.
    next_start: list[int | None] = [None] * len(candidates)
    upcoming: int | None = None
    for index in range(len(candidates) - 1, -1, -1):
        next_start[index] = upcoming
        if index not in converted:
            upcoming = candidates[index].start
    # An amount in brackets after its conversion written first ("$176.64 million (207 billion
    # won) was imposed") is governed by the words around the pair.
    written_first = {target: source for source, target in converted.items()
                     if source == target - 1 and _OPENS_BRACKET.match(prepared.text, candidates[source].end)}
    for index, candidate in enumerate(candidates):
        if index in converted:
            restated.append((converted[index], (candidate.start, candidate.end)))
            continue
        following = next_start[index]
        context = candidate
        if index in written_first:
            closing = _CLOSES_BRACKET.match(prepared.text, candidate.end)
            context = replace(candidate, start=candidates[written_first[index]].start,
                              end=closing.end() if closing else candidate.end)
        verdict = _classify(prepared, catalogue, context, following, previous)
        if verdict is None and refers_back and candidate.currency is None and not candidate.numeral_only:
            verdict = _acted_on_later(prepared, catalogue, candidate)
        if verdict is None and all_of_them and candidate.currency is None and not candidate.numeral_only:
            verdict = _all_acted_on(prepared, catalogue, candidate)
        previous = candidate.end
        role = None
        if candidate.currency is not None:
            role = money_role(prepared, context, verdict)
        if verdict is None and candidate.numeral_only:
            continue
        metric = verdict.metric if verdict else None
        if metric == "fine_amount" and role not in FINE_ROLES:
            metric = None
        if metric is not None and candidate.currency is None and _parties_of_an_amount(prepared, candidate, amounts):
            metric = None
        start, end = candidate.start, candidate.end
        if verdict is not None and metric is not None:
            for span_start, span_end in verdict.spans:
                start, end = min(start, span_start), max(end, span_end)
        clause = prepared.clause_at(candidate.start)
        if prepared.text[clause[1]:clause[1] + 1] in ("(", "（"):
            clause = (clause[0], _through_asides(prepared, clause[1], prepared.sentence_at(candidate.start)[1]))
        period_mention = mention_for(periods, carried_periods, clause, candidate.start)
        if prepared.text[clause[0] - 1:clause[0]] == "、" and not periods.starting(*clause):
            # The base of a comparison listing several figures (较2020年的30件、总金额约5000万元):
            # each item after a 、 is of the compared period.
            period_mention = compared_base(prepared, periods, clause) or period_mention
        if prepared.language == "en" and not periods.starting(*clause):
            period_mention = sentence_final(prepared, periods, candidates, candidate) or period_mention
        if (period_mention is not None and period_mention.until is not None
                and candidate.start >= period_mention.until
                and not any(period_mention.start <= draft.candidate.start < period_mention.until
                            and draft.metric is not None for draft in drafts[-8:])):
            # A month whose sentence reports nothing dates an event (2021年7月，工信部启动…):
            # it frames no later sentence.
            period_mention = None
        if (period_mention is not None and period_mention.local and period_mention.start < clause[0]
                and prepared.sentence_index(period_mention.start) != prepared.sentence_index(candidate.start)):
            period_mention = None
        period = period_mention.period if period_mention else None
        if candidate.currency is None and _STANDING.search(prepared.text, max(clause[0], candidate.start - 30),
                                                             candidate.start):
            # 尚有96款App未完成整改, "there are still 106 apps…": what stands at the notice's
            # date, not a tally over a period.
            period = None
        if candidate.currency is not None and period is not None \
                and not money_covers_period(prepared, candidate, period_mention):
            if metric == "fine_amount" and in_sentence(prepared, candidate, period_mention):
                uncounted.append((len(drafts), period))
            period = None
        scope_mention = mention_for(scopes, scopes, clause, candidate.start)
        drafts.append(Draft(index, candidate, metric, role, start, end,
                             str(period) if period else None,
                             scope_mention.scope if scope_mention else None))
        if refers_back and metric is not None and candidate.currency is None:
            stronger = _stronger_later(prepared, catalogue, candidate, metric, counted_spans)
            if stronger is not None:
                drafts.append(Draft(index, candidate, stronger, role, start, end,
                                     str(period) if period else None,
                                     scope_mention.scope if scope_mention else None))
    # A fine listed with the period's counts (全年…关闭网站1家，下架App1个，处行政罚款10万元) is
    # the period's tally too.
    counted = {prepared.sentence_index(draft.candidate.start)
               for draft in drafts if draft.candidate.currency is None and draft.metric is not None}
    for position, stated in uncounted:
        if prepared.sentence_index(drafts[position].candidate.start) in counted:
            drafts[position].period = str(stated)
    by_index = {draft.index: draft for draft in drafts}
    for index, span in restated:
        if index in by_index:
            by_index[index].other_spans.append(span)
    link_parts(prepared, drafts)
    figures = [_figure(prepared, catalogue, draft) for draft in drafts]
    return merge_repeats(figures) if merge else figures


_OPENS_BRACKET = re.compile(r"\s*[(（]")
_CLOSES_BRACKET = re.compile(r"[^()（）\n]{0,20}?[)）]")


# The things of an earlier sentence referred back to (对上述账号作关闭处置, 将以上12款App下架).
_REFERRED_BACK = re.compile(r"(?:上述|以上|前述|这些|该批|这批)")


def _acted_on_later(prepared: PreparedText, catalogue: MetricCatalogue, candidate: Candidate) -> Verdict | None:
    """A count whose own sentence reports no measure, acted on in the next sentence that refers
    back to its things ("13个账号蹭炒热点…。已责令相关网站对上述账号作关闭处置"): that measure's
    metric, when the next sentence names no other number."""
    text = prepared.text
    index = prepared.sentence_index(candidate.start)
    _, sentence_end = prepared.sentence_at(candidate.start)
    if _ZH_DIGIT.search(text, candidate.end, sentence_end):
        return None
    try:
        next_start, next_end = prepared.sentence(index + 1)
    except IndexError:
        return None
    if prepared.paragraph_index(next_start) != prepared.paragraph_index(candidate.start):
        return None
    back = _REFERRED_BACK.search(text, next_start, next_end)
    if back is None or _ZH_DIGIT.search(text, next_start, next_end):
        return None
    found = _measure_on_the_count(prepared, catalogue, candidate, back, sentence_end)
    # The things referred back to are the count's own: its noun is the metric's object.
    if found is None or not found[1].match(text, back.end(), back.end() + 12):
        return None
    return found[0]


def _measure_on_the_count(prepared: PreparedText, catalogue: MetricCatalogue, candidate: Candidate,
                          where: re.Match[str], sentence_end: int) -> tuple[Verdict, re.Pattern[str]] | None:
    """The measure a later clause takes at ``where`` (上述, 全部) on the count's things, read as if
    the count stood there, with its metric's objects; ``None`` when there is none or the count's
    noun is not one of those objects."""
    stand_in = Candidate(where.start(), where.end(), where.end(), candidate.value, candidate.unit, None, False)
    verdict = _classify(prepared, catalogue, stand_in)
    if verdict is None:
        return None
    metric = next(m for m in catalogue.metrics if m.id == verdict.metric)
    objects = metric.phrasings["zh"].objects
    if objects is None or not objects.search(prepared.text, candidate.end, min(sentence_end, candidate.end + 12)):
        return None
    return Verdict(verdict.metric, verdict.score, ()), objects


# A measure still to come, or on a condition (逾期不整改的，将予以下架): not taken yet.
_NOT_YET = re.compile(r"将(?!近)|拟|逾期|如果|若|一旦|否则|可能")


# "All of them" in a later clause of the count's sentence: 已全部下架, 均已全部关闭.
_ALL_OF_THEM = re.compile(r"(?:已|均|都)?全部")


def _all_acted_on(prepared: PreparedText, catalogue: MetricCatalogue, candidate: Candidate) -> Verdict | None:
    """A count whose own clause reports no measure, acted on as a whole in a later clause of its
    sentence (20个App被发现违规收集信息，目前，违规App已全部下架; 12家网站存在问题，已全部关闭):
    that measure's metric, when the rest of the sentence names no other number and the count's
    noun is the metric's object."""
    text = prepared.text
    _, sentence_end = prepared.sentence_at(candidate.start)
    clause_end = prepared.clause_at(candidate.start)[1]
    if _ZH_DIGIT.search(text, candidate.end, sentence_end):
        return None
    whole = _ALL_OF_THEM.search(text, clause_end, sentence_end)
    if whole is None or _NOT_YET.search(text, clause_end, whole.start()):
        return None
    found = _measure_on_the_count(prepared, catalogue, candidate, whole, sentence_end)
    return found[0] if found else None


def _stronger_later(prepared: PreparedText, catalogue: MetricCatalogue, candidate: Candidate, metric_id: str,
                    counted: SortedSpans[Candidate] | None) -> str | None:
    """The stronger measure (a metric ``metric_id`` yields to) that the next sentence takes on the
    things the count named, referring back to them without a number of its own (尚有8款App未完成
    整改。…工信部组织对上述App进行下架): a second statement about the same things, so a second
    figure of the same count. ``None`` when there is none, or it is still to come."""
    metric = next((m for m in catalogue.metrics if m.id == metric_id), None)
    if metric is None or not metric.yields_to:
        return None
    text = prepared.text
    index = prepared.sentence_index(candidate.start)
    objects = metric.phrasings["zh"].objects
    _, sentence_end = prepared.sentence_at(candidate.start)
    if objects is None or not objects.search(text, candidate.end, min(sentence_end, candidate.end + 12)):
        return None
    next_start = next_end = prepared.sentence_at(candidate.start)[1]
    for following in range(index + 1, index + 4):
        # (the blank lines between paragraphs are sentences of their own)
        try:
            next_start, next_end = prepared.sentence(following)
        except IndexError:
            return None
        if text[next_start:next_end].strip():
            break
    back = _REFERRED_BACK.search(text, next_start, next_end)
    if back is None or not objects.match(text, back.end(), back.end() + 12):
        return None
    if counted is not None and counted.within(next_start, next_end):
        return None
    for other_id in metric.yields_to:
        other = next((m for m in catalogue.metrics if m.id == other_id), None)
        if other is None or candidate.unit not in other.units:
            continue
        verbs = [group.search(text, back.end(), next_end) for group in other.phrasings["zh"].verb_groups]
        if verbs and all(verbs) and not _NOT_YET.search(text, next_start, min(v.start() for v in verbs if v)):
            return other_id
    return None


def _parties_of_an_amount(prepared: PreparedText, candidate: Candidate, amounts: Sequence[AmountMatch]) -> bool:
    """A count whose clause gives each counted party an amount ("对三家分别处以50万元罚款",
    "fined the three firms €5m each") lists one decision's parties: it is no count of sites
    fined over a period."""
    clause_start, clause_end = prepared.clause_at(candidate.start)
    # (the amounts first: most clauses hold none, and the test is cheaper than the scan)
    return any(clause_start <= amount.start < clause_end for amount in amounts) \
        and DISTRIBUTIVE.search(prepared.text, clause_start, clause_end) is not None


def _figure(prepared: PreparedText, catalogue: MetricCatalogue, draft: Draft) -> Figure:
    original_start, original_end = prepared.original_span(draft.start, draft.end)
    others = tuple(prepared.original_span(start, end) for start, end in draft.other_spans)
    part_of = prepared.original_span(draft.part_of.start, draft.part_of.end)[0] if draft.part_of else None
    candidate = draft.candidate
    return Figure(
        metric=draft.metric,
        value=candidate.value,
        unit=candidate.unit,
        currency=candidate.currency,
        period=draft.period,
        scope=draft.scope,
        start=original_start,
        end=original_end,
        text=prepared.original[original_start:original_end],
        sentence=prepared.original_sentence(candidate.start),
        extractor_version=catalogue.version,
        role=draft.role,
        other_spans=others,
        part_of=part_of,
    )


_STANDING = compile_scan(r"(?:尚有|仍有|尚存|仍存)\s*(?:共\s*)?$"
                       r"|\bthere\s+(?:are|were|remain(?:ed)?)\s+still\s+$|\bstill\s+(?:remain(?:s|ed)?|left|outstanding)\s+$")
