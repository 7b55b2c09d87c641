"""Action words in notice text: where each of the registry's actions (约谈, 罚款, "fined"…) is
said, and where a word that looks like one is not a measure on a platform (关停相关栏目, "failed
to remove", "fined for blocking", 通报下架)."""

from __future__ import annotations

import re

from diffing.registry import NEUTRAL, PlatformRegistry
from diffing.roles import NOT_FINAL_YET
from diffing.scans import compile_alternatives, compile_scan

__all__ = ["find_action_spans"]


def find_action_spans(text: str, registry: PlatformRegistry, language: str) -> list[tuple[int, int, str]]:
    """Where the registry's action words are said in prepared ``text``, as (start, end, action),
    in text order, without overlaps; words that say something else was done carry ``NEUTRAL``."""
    # One pattern per action: each starts with a literal the scan can jump to, which one
    # alternation of them all cannot (it is slower).
    if language == "zh":
        pattern, words = registry.zh_action_scan
        spans = [(match.start(), match.end(), words[match.group(0)]) for match in pattern.finditer(text)]
        if "责令" in text or "勒令" in text or "要求" in text or "下令" in text or "命令" in text or "限期" in text:
            # 责令其全面深入整改, 责令平台尽快整改: an order to rectify with adverbs the word list
            # does not spell out.
            # 按照欧盟要求整改: rectifying as required, said by the party, is no order.
            spans += [(match.start(), match.end(), "ordered_to_rectify") for match in _ORDERED_TO_RECTIFY.finditer(text)
                      if not (text.startswith("要求", match.start())
                              and _AS_REQUIRED.search(text, max(0, match.start() - 8), match.start()))]
            # 责令快手在30日内整改: the names come between the order and the word.
            spans += [(match.start(match.lastindex or 0), match.end(match.lastindex or 0), "ordered_to_rectify")
                      for match in _ORDERED_AROUND_NAMES.finditer(text)]
            # 责令微博、百度永久关闭炒作绯闻的账号, 要求平台下架违规商品: the platform is told to
            # close or take down its accounts or content, an order to put things right; the
            # closing is not done to it.
            ordered = [(match.start(1), match.end(1), "ordered_to_rectify")
                       for match in _ORDERED_TO_CLEAN_UP.finditer(text)]
            if ordered:
                spans = [span for span in spans if not any(start < span[1] and span[0] < end
                                                           for start, end, _ in ordered)] + ordered
            spans.sort()
        if "须" in text or "需" in text:
            # X须在60个工作日内告知…措施, OpenAI必须在20天内…: an order with its deadline.
            spans += [(match.start(), match.end(), "ordered_to_rectify") for match in _DEADLINE_ZH.finditer(text)]
            spans.sort()
        if "使其" in text:
            # 给予其三个月时间使其处理方式符合规定, 下令其采取补救行动使其合规: compliance ordered
            # within a time given.
            spans += [(match.start(), match.end(), "ordered_to_rectify") for match in _MADE_COMPLIANT.finditer(text)]
            spans.sort()
        if "拟" in text:
            # 拟决定对其没收违法所得、罚款, 拟没收…并处罚款: the verbs after 拟 in its clause are
            # a decision announced, not yet taken; the fine among them is intended.
            spans += [(match.start(), match.end(), "fine_proposed") for match in _PROPOSED_ZH.finditer(text)]
            spans.sort()
        if "打算" in text or "计划" in text or "有意" in text:
            # 打算向该公司发出罚款通知, 计划对其处以罚款: a fine intended, not yet imposed.
            spans += [(match.start(), match.end(), "fine_proposed") for match in _INTENDED_FINE_ZH.finditer(text)]
            spans.sort()
        if "处罚" in text or "处以" in text:
            # 分别被处罚182.3亿元, 分别处以150万元人民币: a penalty stated as money is a fine.
            spans += [(match.start(), match.end(), "fined") for match in _PENALTY_AMOUNT.finditer(text)]
            spans.sort()
        if "罚" in text:
            # 各罚A及B240万元, 遭主管机关罚20万元: the bare verb with the money it fines in its
            # clause is a fine (处罚, 惩罚 and the nouns 罚款, 罚金 are read elsewhere).
            spans += [(match.start(), match.end(), "fined") for match in _BARE_FINE.finditer(text)]
            spans.sort()
        if "存在" in text:
            # 手机知网、知网阅读等14款App存在…违法行为: apps a regulator names for violations.
            spans += [(match.start(1), match.end(1), "notified") for match in _APPS_IN_VIOLATION.finditer(text)
                      if not _ABOUT_BEFORE_ZH.search(text, max(0, match.start() - 80), match.start())]
            spans.sort()
        if "注销" in text:
            # 注销“某某网”等19家网站备案: the site's filing cancelled, the site closed.
            spans += [(match.start(1), match.end(1), "closed") for match in _FILING_CANCELLED.finditer(text)]
            spans.sort()
        if "下线" in text:
            # 下线“某某”等应用程序中部分…功能: features taken offline, the app's functions suspended.
            spans += [(match.start(), match.end(1), "suspended") for match in _FEATURES_OFFLINE.finditer(text)]
            spans.sort()
        if "停止" in text:
            # 停止主要频道内容更新: updates stopped, with the part stopped between the words.
            spans += [(match.start(), match.end(), "suspended") for match in _STOP_UPDATING.finditer(text)]
            spans.sort()
    else:
        needles = registry.en_action_needles
        spans = [
            (match.start(), match.end(), action)
            for action, pattern in registry.action_patterns[language].items()
            if any(needle in text for needle in needles.get(action, ("",)))
            for match in pattern.finditer(text)
        ]
        if any(word in text for word in _ORDER_NEEDLES_EN):
            # "ordered Acme to change the practice", "will be required to improve its controls",
            # "an order requiring the company to bring its processing into line": an order to put
            # a violation right, whoever stands between the order and what is to be done ("ordered
            # to pay" is the fine's own word).
            spans += [(match.start(match.lastindex or 0), match.end(match.lastindex or 0), "ordered_to_rectify")
                      for match in _ORDERED_EN.finditer(text)
                      if not _UNREALISED_EN.search(text, max(0, match.start() - 24), match.start())]
        if " to " in text and any(unit in text for unit in (" days", " weeks", " months", "-day", "-month")):
            # "was given six months to make the necessary changes", "has 20 days to implement the
            # measures": a deadline set for putting a violation right is an order to do it (a
            # deadline only to comply with a law is not, as the gold annotates it).
            spans += [(match.start(1), match.end(1), "ordered_to_rectify") for match in _DEADLINE_EN.finditer(text)
                      if not _UNREALISED_EN.search(text, max(0, match.start() - 24), match.start())]
        if "ban" in text or "block" in text:
            # "banned 59 Chinese apps including A and B", "blocked the game": apps barred from a
            # country are taken off its stores (a blocked website stays closed).
            banned = [(match.start(), match.end(), "removed") for match in _BANNED_APPS_EN.finditer(text)]
            if banned:
                spans = [span for span in spans if not any(start < span[1] and span[0] < end
                                                           for start, end, _ in banned)] + banned
        if "met " in text:
            # "met with the two firms' top executives", "met executives of Douyin": a regulator
            # calling in the people who run a platform summons it.
            spans += [(match.start(), match.end(1), "summoned") for match in _MET_EXECUTIVES_EN.finditer(text)]
        if "threat" in text:
            # "threatened last year to block WhatsApp unless…", "threatens to fine the firm": a
            # measure held over the party, not taken.
            spans = [span for span in spans if span[2] == NEUTRAL or not _THREATENED_EN.search(
                text, max(0, span[0] - 48), span[0])]
        if " or " in text:
            # "fix the issues or face a fine", "comply or be fined": a threat on a condition, no fine.
            spans = [span for span in spans if not (span[2] == "fined" and _OR_ELSE_EN.search(
                text, max(0, span[0] - 40), span[0]))]
        if "finali" in text and NOT_FINAL_YET.search(text):
            # "The commission plans to finalize the fine after hearing the companies": every
            # fine of the notice is still a proposal.
            spans = [(start, end, "fine_proposed" if action == "fined" else action) for start, end, action in spans]
        if "would" in text or "'d" in text or "’d" in text:
            # "said it would fine the platforms", "would impose a fine on": a fine reported as
            # announced for later is a proposed one ("would have been fined" stays unrealised
            # below; "will fine" is left as the fine it announces).
            # "would pay a penalty" is a settlement agreed, not a fine announced.
            spans = [(start, end, "fine_proposed") if action == "fined" and _fine_to_come_en(text, start)
                     else (start, end, action) for start, end, action in spans]
        spans.sort()
    if language == "zh" and ("关" in text or "封" in text or "销号" in text):
        # 关停相关栏目, 关闭违规账号, 封禁账号: features or accounts on the platform are closed, not the
        # platform; the platform's own action is another word of the sentence. Accounts named
        # after the verb (关闭“某某”等账号) are what it closes.
        spans = [(start, end, NEUTRAL) if action == "closed" and _PART_OF_PLATFORM.match(text, end) else (start, end, action)
                 for start, end, action in spans]
    if language == "zh" and "警示" in text:
        # 警示教育, 起到警示作用, 风险警示: a lesson or a notice to the public, not a warning given.
        spans = [span for span in spans if not (text.startswith("警示", span[0]) and (
            _CAUTION_NOUN.match(text, span[1]) or _CAUTION_BEFORE.search(text, max(0, span[0] - 4), span[0])))]
    if language == "zh" and "下架" in text:
        # 下架涉诈广告, 广告均已下架: the platform took content down, nothing was done to it.
        spans = [(start, end, NEUTRAL) if action == "removed" and (
            _CONTENT_AFTER.match(text, end) or _CONTENT_BEFORE.search(text, max(0, start - 12), start))
            else (start, end, action) for start, end, action in spans]
    if language == "zh" and any(word in text for word in _PENDING_WORDS_ZH):
        # 是否对业者裁罚, 再决定后续裁罚, 可对该公司处以罚款, 罚金恐高达: a penalty still to be
        # decided, or one the law allows, not one imposed.
        spans = [span for span in spans if not (
            span[2] == "fined" and (_PENDING_BEFORE_ZH.search(text, max(0, span[0] - 64), span[0])
                                    or _PENDING_AFTER_ZH.match(text, span[1])))]
    if language == "zh" and ("者" in text or "的" in text) and ("未" in text or "违" in text or "逾期" in text
                                                               or "拒不" in text):
        # 未依限处理者，依法裁罚; 逾期不改正的，处以罚款; 违者罚款: the penalty the rule sets
        # for whoever fails, said to all it governs, is no fine on any of them.
        spans = [span for span in spans if not (
            span[2] == "fined" and _PENALTY_FOR_WHOEVER_ZH.search(text, max(0, span[0] - 48), span[0]))]
    if language == "zh" and ("将" in text or "会" in text or "的，" in text or "的," in text):
        # 若逾期未整改，将依法对其进行下架处理; 整改落实不到位的，我局将视情采取下架、关停等措施;
        # 逾期未完成整改的，依法予以下架处置: a measure held over whoever does not comply, not taken
        # on anyone.
        spans = [span for span in spans if span[2] == NEUTRAL or not conditional_measure(text, span[0])]
    if language == "zh" and ("违" in text or "擅自" in text or "非法" in text):
        # 违法下架频道, 擅自关闭服务: what the party did against the rules, not a measure on it.
        spans = [span for span in spans if not _CONDUCT_BEFORE_ZH.search(text, max(0, span[0] - 4), span[0])]
    if language == "zh" and ("未" in text or "没有" in text or "拒不" in text or "无法" in text or "不能" in text):
        # 未依法于24小时内下架, 没有及时关闭: the duty the platform failed, not a measure on it;
        # 弹窗无法关闭: what a user cannot do, no measure either.
        spans = [span for span in spans if not _UNREALISED_ZH.search(text, max(0, span[0] - 31), span[0])]
    if language == "en" and ", as " in text:
        # "Google was penalised three times, as were Facebook and H&M": the names after "as
        # were" take the verb of the clause it compares with.
        for match in _AS_WERE.finditer(text):
            before = [span for span in spans if match.start() - 160 <= span[0] < match.start()
                      and not any(mark in text[span[1]:match.start()] for mark in ".,;")]
            if before and before[-1][2] != NEUTRAL:
                spans.append((match.start() + 1, match.end(), before[-1][2]))
        spans.sort()
    if language == "en" and "rectif" in text:
        # "Acme has launched a comprehensive investigation, rectification and self-examination":
        # a rectification the party undertakes is its own, no order given to it.
        spans = [(start, end, NEUTRAL) if action == "ordered_to_rectify" and _SELF_RECTIFICATION_EN.search(
            text, max(0, start - 80), start) else (start, end, action) for start, end, action in spans]
    if language == "en" and (" its " in text or " their " in text):
        # "Edmodo suspended its U.S. operations", "the company closed their store": what a company
        # did to its own business, no measure on it.
        # "was ordered to suspend its hot lists", "told X to close its store": what the party
        # is made to do to its own business is a measure on it.
        spans = [(start, end, NEUTRAL) if action in _SELF_ACTS and _OWN_BUSINESS.match(text, end)
                 and not _ORDERED_TO_DO_EN.search(text, max(0, start - 80), start)
                 else (start, end, action) for start, end, action in spans]
    if language == "en":
        # "pay-or-consent", "closed-loop", "geo-blocking": a word of a compound, not the action.
        spans = [span for span in spans if text[span[1]:span[1] + 1] != "-" and text[span[0] - 1:span[0]] != "-"]
        if any(word in text for word in _NOT_YET_WORDS_EN):
            # "an advance notification of a NOK 100 million fine to X", "the planned fine", "a
            # provisional penalty": a fine announced as coming, not imposed; the notice that
            # announces it names no one.
            spans = [(start, end, "fine_proposed") if action == "fined" and _NOT_YET_FINE_EN.search(
                text, max(0, start - 90), start) else (start, end, action) for start, end, action in spans]
            spans = [span for span in spans if not (span[2] == "notified" and _ADVANCE_BEFORE_EN.search(
                text, max(0, span[0] - 12), span[0]))]
        if " fac" in text:
            # "could face a £27 million fine", "is facing a fine of up to": a fine the company
            # may get, not one it got.
            spans = [(start, end, "fine_proposed") if action == "fined" and _FACING.search(
                text, max(0, start - 60), start) else (start, end, action) for start, end, action in spans]
        if "temporar" in text or "for " in text:
            # "temporarily banned ChatGPT", "to stop its business for three days": a measure with
            # an end suspends.
            temporary = [(match.start(match.lastindex or 0), match.end(match.lastindex or 0), "suspended")
                         for match in _TEMPORARY_EN.finditer(text)]
            if temporary:
                spans = [span for span in spans if not any(start < span[1] and span[0] < end
                                                           for start, end, _ in temporary)] + temporary
                spans.sort()
        if any(action == "closed" for _, _, action in spans):
            # "shut down the app for 24 hours", "closed for a week": a closure with an end is a
            # suspension.
            spans = [(start, end, "suspended") if action == "closed" and _FOR_A_WHILE.match(text, end)
                     else (start, end, action) for start, end, action in spans]
        # "should have removed", "failed to remove", "was not fined", "avoided penalties": no
        # action was taken.
        spans = [span for span in spans if span[2] == "fine_proposed"
                 or not _UNREALISED_EN.search(text, max(0, span[0] - 24), span[0])]
        # "fined for blocking parallel trade", "for failing to remove": the conduct, not a measure.
        spans = [span for span in spans if not (
            _CONDUCT_EN.search(text, max(0, span[0] - 40), span[0]) and _GERUND.match(text, span[0], span[1] + 12))]
    if language == "zh" and "通报" in text:
        # 通报流程, 纸本通报, 接获通报: reports of content sent to a platform (as Taiwan and Hong
        # Kong use the word), not a regulator naming it for violations.
        spans = [span for span in spans if not (span[2] == "notified" and text[span[0]:span[1]] == "通报" and (
            _REPORT_NOUN.match(text, span[1]) or _REPORT_SENT.search(text, max(0, span[0] - 6), span[0])
            or _REPORTED_TO.search(text, max(0, span[0] - 16), span[0])
            or _REPORTED_CONTENT.match(text, span[1]) or _REPORT_SAYS.match(text, span[1])))]
        if any(action == "summoned" for _, _, action in spans):
            # 约谈三家平台，通报近期存在的突出问题: the problems told to those summoned, a step of
            # the summons, not a naming of them.
            spans = [span for span in spans if not (
                span[2] == "notified" and text.startswith("通报", span[0]) and _TOLD_PROBLEMS.match(text, span[1])
                and any(other[2] == "summoned" and other[1] <= span[0]
                        and not _SENTENCE_END.search(text, other[1], span[0]) for other in spans))]
    if any(action == "fine_proposed" for _, _, action in spans):
        # "intends to impose a penalty of £1m", "planned to levy a fine against it", 打算…罚款通知: the
        # fine words after the intent are the intended fine.
        spans = _intended_fines(text, spans)
    if language == "zh" and any(action == "notified" and text.startswith("存在", start) for start, _, action in spans):
        spans = _grounds_of_another_measure(text, spans)
    # 通报下架 announces a removal, and so does 总局通报，…责令关停: the notice is the way the
    # measure its sentence takes is made known; 关于…的通报 is the notice's title.
    spans = [
        span for index, span in enumerate(spans)
        if not (span[2] == "notified" and (
            (index + 1 < len(spans) and spans[index + 1][0] == span[1]) or text[span[0] - 1:span[0]] == "的"
            or (language == "zh" and _ANNOUNCING.match(text, span[1]) and _measure_later_in_sentence(text, spans, index)
                and not _OBJECT_FRONTED.search(text, max(0, span[0] - 40), span[0]))))
    ]
    # 责令限期整改 also contains no other action, but 罚款 inside 罚款处罚 and similar overlaps
    # keep the longest reading.
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            if span[1] - span[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def conditional_measure(text: str, position: int) -> bool:
    """Whether a Chinese measure word at ``position`` of ``text`` (prepared) is held over
    whoever does not comply (若逾期未整改，将…下架), not taken."""
    start = max(0, position - 72)
    window = text[start:position]
    # The pattern cannot match without 将 or 会, or a 的 closing a clause, which most windows lack.
    return ("将" in window or "会" in window or "的，" in window or "的," in window) \
        and _CONDITIONAL_MEASURE_ZH.search(text, start, position) is not None


def _fine_to_come_en(text: str, start: int) -> bool:
    announced = _FINE_TO_COME_EN.search(text, max(0, start - 40), start)
    return announced is not None and (announced.group(1) is not None or text.startswith("fine", start))


def _grounds_of_another_measure(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Without the violations (，存在…问题) a sentence states as the grounds of a measure it takes
    (滴滴被处罚款，存在16项违法事实; …，存在…问题；依法对其约谈): no naming of its own."""
    result = []
    for span in spans:
        if span[2] == "notified" and text.startswith("存在", span[0]) and text[span[0] - 1:span[0]] in "，,":
            start = max(text.rfind(mark, 0, span[0]) for mark in "。！？!?\n") + 1
            ends = [position for position in (text.find(mark, span[1]) for mark in "。！？!?\n") if position >= 0]
            end = min(ends, default=len(text))
            if any(start <= other[0] < end and other[2] not in ("notified", NEUTRAL) for other in spans):
                continue
        result.append(span)
    return result


def _measure_later_in_sentence(text: str, spans: list[tuple[int, int, str]], index: int) -> bool:
    end = min((position for position in (text.find(mark, spans[index][1]) for mark in "。！？!?\n") if position >= 0),
              default=len(text))
    return any(other[0] < end and other[2] not in ("notified", NEUTRAL) for other in spans[index + 1:])


def _intended_fines(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    result: list[tuple[int, int, str]] = []
    intent_end = -1
    for start, end, action in spans:
        if action == "fined" and 0 <= intent_end <= start and start - intent_end <= 60 \
                and not _CLAUSE_BREAK.search(text, intent_end, start):
            continue
        if action == "fine_proposed":
            intent_end = end
        result.append((start, end, action))
    return result


# 通报，…: the notice introducing what it says, not a naming of its own (通报了 is).
_ANNOUNCING = re.compile(r"\s*(?:称|说|指出)?\s*[，,：:]")
# 对…进行通报, 对…予以通报: the object stands before the verb, so the verb names it, a comma after it
# or not (对10款App进行通报，要求其限期整改).
_OBJECT_FRONTED = re.compile(r"对[^，,。；;：:！!？?\n]{1,36}?(?:进行|予以|给予|作出|作)(?:了)?(?:公开)?$")
_CLAUSE_BREAK = re.compile(r"[.;。；!?！？\n]|,\s+(?:but|while|and)\s")
_NOT_YET_WORDS_EN = ("advance", "preliminary", "planned", "provisional", "draft ", "intended")
_NOT_YET_FINE_EN = re.compile(
    r"\b(?:(?:advance|preliminary|prior)\s+(?:notification|notice|warning)s?\s+of\b[^.;:\n]*"
    r"|(?:planned|provisional|draft|intended|preliminary)\s+(?:[\w-]+\s+){0,2}?)$")
_ADVANCE_BEFORE_EN = re.compile(r"\b(?:advance|preliminary|prior)\s+$")
_FACING = re.compile(r"(?:\b(?:could|may|might|would|will|to|now|is|are|still)\s+(?:also\s+)?fac(?:e|ing)|\bfaces)"
                     r"\s+(?:a|an|up|possible|potential|further|hefty|fines?|penalt)\b[^.;\n]*$")
_TEMPORARY_EN = compile_scan(
    r"\btemporar(?:ily|y)\s+((?:banned|bans|ban|blocked|blocks|block|shut\s+down|closed|closes|halted|suspended|stopped)\b)"
    r"|\b((?:stop|stops|stopped|halt|halts|halted|cease|suspend|suspends|suspended)\s+(?:its|their|all)\s+"
    r"(?:business|operations|services|sales|online\s+sales))"
    r"(?=[^.;\n]{0,40}?\bfor\s+(?:\d+|a|an|one|two|three|four|five|six|seven|ten|several|a\s+few)(?:\s+\w+)?\s+(?:hours?|days?|weeks?|months?)\b)")
_FOR_A_WHILE = re.compile(r"[^.;\n]{0,60}?\bfor\s+(?:\d+|a|an|one|two|three|four|five|six|seven|ten|several|a\s+few)"
                          r"(?:\s+\w+)?\s+(?:hours?|days?|weeks?|months?)\b")
_DEADLINE_ZH = re.compile(r"(?<![无不])(?:必须|须|需)(?:在|于)[^，,。；;：:\n]{0,10}?(?:天|日|周|个月)(?:内|之内)")
_MADE_COMPLIANT = re.compile(r"使其[^，,。；;：:\n]{0,16}?(?:符合(?:规定|要求|法规|规范)|合规)")
_PROPOSED_ZH = re.compile(r"拟(?:决定|依法|作出|给予|对)?(?=[^，,。；;：:\n]{0,30}?(?:罚款|罚没|处以|并处|罚金))")
_BANNED_APPS_EN = compile_alternatives(
    r"\b(?:ban(?:s|ned|ning)?|block(?:s|ed|ing)?)\b(?!\s+from\b)"
    r"(?=(?:\s+[\w'’&.-]+){0,7}?\s+(?:apps|app|applications|mobile\s+games|games?)\b)")
_FINE_TO_COME_EN = re.compile(
    r"\b(?:would|\w+['’]d)\s+(?:also\s+|soon\s+|now\s+)?"
    r"((?:impose|levy|issue|hand\s+down|slap)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?)?$")
_INTENDED_FINE_ZH = re.compile(r"(?:打算|计划|有意)(?=[^，,。；;：:\n]{0,30}?(?:罚款|罚单))")
# 针对某平台未落实主体责任，…存在…问题，对其采取约谈: what the measure answers, not a naming.
_ABOUT_BEFORE_ZH = re.compile(r"针对[^。；;！？\n]*$")
_CAUTION_NOUN = re.compile(r"(?:教育|作用|案例|意义|标识|标志|牌|语|片|信息|灯|提示|提醒|公告|效果|性)")
_CAUTION_BEFORE = re.compile(r"(?:起到|发挥|风险|安全|消费|以儆|形成)$")
_CONDUCT_BEFORE_ZH = re.compile(r"(?:违法|违规|擅自|非法|私自)$")
_PENDING_WORDS_ZH = ("是否", "可对", "可以对", "可向", "再决定", "恐", "最高", "最多", "可达", "或", "可能", "否则", "如果",
                     "若", "一旦", "倘若")
_PENDING_BEFORE_ZH = re.compile(r"(?:是否|可对|可以对|可向|可依法对|再决定|决定是否|或将?(?:开出|被|遭|面临))[^，,。；;：:\n]{0,12}$"
                                # 否则将被处以罚款, 如果违规…可处以罚款: a penalty on a condition
                                r"|(?:^|[。！？!?\n])\s*(?:否则|如果|若|一旦|倘若|如未|如不)[^。！？!?\n]{0,60}$"
                                # 处以限期改正，如未能改善仍将按次处罚: a condition not met yet, in
                                # a clause of its own after the measure taken
                                r"|[，,；;]\s*(?:否则|如未|如不|若未|若不|倘若?未)[^。！？!?\n；;]{0,30}$")
_PENALTY_FOR_WHOEVER_ZH = re.compile(
    r"(?:^|[，,；;。！？!?：:\n])\s*(?:凡|对于?)?(?:违者|(?:未|违反|逾期|拒不|不按|不依)[^，,。；;！？!?：:\n]{0,24}?(?:者|的))"
    r"\s*[，,]?\s*(?:将|均|一律|可|应)?(?:依法|依规|依法依规)?[^，,。；;！？!?\n]{0,8}$")
# The condition (若/如果/一旦/否则…, or whoever has not complied: 逾期未整改的, 整改不到位的) and the
# future it sets the measure in (将, 会): a threat to those the notice addresses.
_CONDITIONAL_MEASURE_ZH = compile_scan(
    r"(?:(?:^|[，,；;。！？!?：:\n])\s*(?:若|如果|如若|倘若|假如|一旦|否则|如未|如不|若未|若不)[^。！？!?\n；;]{0,40}?"
    r"|(?:未|不到位|拒不|逾期|不按|不依|仍不|不达标)[^，,。；;！？!?：:\n]{0,16}?(?:的|者)\s*[，,]?\s*[^，,。；;！？!?\n]{0,8}?)"
    r"(?:将|将会|会)(?:视情|依法|依规|依法依规|坚决|严肃|一律|进一步)?[^，,。；;！？!?\n]{0,16}$"
    # 逾期未完成整改的，依法予以下架处置: what is done to those who do not comply, stated as a rule
    r"|(?:未|逾期|拒不|仍不)[^，,。；;！？!?：:\n]{0,16}?(?:的|者)\s*[，,]\s*(?:依法|依规|一律)*(?:予以|对其|将其)[^，,。；;！？!?\n]{0,8}$")
_PENDING_AFTER_ZH = re.compile(r"(?:金额)?\s*(?:恐|或将?|可能|最高可|最高将?|最多可?)(?:高)?达")
_PART_OF_PLATFORM = re.compile(
    r"(?:了)?(?:其|该平台|平台)?(?:相关|部分|违规|违法|涉事|涉及|有关)?[^，,。；;、\n“”「」『』\"@]{0,6}?"
    r"(?:功能|栏目|版块|板块|频道|账号|帐号|群组|直播间|店铺|话题|词条|榜单|服务|小组)"
    # (关闭微博账号“某某”: the account the quotes name is what is closed)
    r"(?!\s*[“「『\"])"
)
# 责令企业立即停止违规行为, 限期3个月内完成改善: the order, whom it is given to (a word for
# the party, not a name), the deadline, then what is to be done (put right, or the violation
# stopped).
_ORDERED_TO_RECTIFY = re.compile(
    r"(?:责令|勒令|要求|下令|限期)(?:其|该平台|平台|该公司|相关平台|企业|业者|涉事企业|平台企业|两家企业)?"
    r"[立即刻全面深入彻底认真切实尽快严格落抓紧限期限制时在内日个月天周年完成\d一二两三四五六七八九十半]{0,8}"
    r"(?:整改|改正|改善|停止(?=[^，,。；;\n]{0,8}?(?:违法|违规|违反|侵害|侵犯|侵权)))")
# The order is to put things right (bring the processing into line, correct, improve); an
# order only to stop the conduct is not counted as one, as the gold annotates it.
# What is to be done: put right (not "comply with the law", which only a plain order carries).
_PUT_RIGHT_EN = (r"(?:bring|align|correct|fix|remedy|rectify|improve|amend|modify|revise|change|alter"
                 r"|clean\s+up|revamp|overhaul|reform|step\s+up|strengthen|tighten"
                 r"|make\s+(?:the\s+)?(?:necessary\s+|immediate\s+|comprehensive\s+)?(?:changes|rectifications?|corrections)"
                 r"|take\s+(?:\w+\s+)?(?:corrective|remedial)|implement\s+(?:[\w-]+\s+){0,3}?(?:remed(?:y|ies)|measures|changes)"
                 # a remedy the order spells out for the users: tell them, ask them, run a campaign
                 r"|notify\s+(?:its\s+|their\s+|the\s+)?users|inform\s+(?:its\s+|their\s+|the\s+)?users"
                 r"|obtain\s+(?:[\w-]+\s+)?consent|launch\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?campaign)")
_ORDER_NEEDLES_EN = ("order", "requir", "direct", "instruct", "asked", "urge", "told")
_ORDERED_EN = compile_scan(
    r"\b(?:order(?:ed|s|ing)?|requir(?:ed|es|ing)|direct(?:ed|s|ing))\s+(?:[\w'’&-]+,?\s+){0,5}?"
    # the verb may be quoted from the order: "ordered the platforms to “rectify” and “clean up”"
    rf"(to\s+(?:\w+ly\s+)?[\"“‘']?(?:comply|conform|{_PUT_RIGHT_EN})\b)"
    # "instructed to take corrective measures", "urged CNKI to correct its wrongdoings": asked
    # to put a violation right (urged "to comply with the law" is advice, no order)
    r"|\b(?:instruct(?:ed|s|ing)?|asked|urg(?:ed|es|ing)|told)\s+(?:[\w'’&-]+,?\s+){0,5}?"
    rf"(to\s+(?:\w+ly\s+)?[\"“‘']?{_PUT_RIGHT_EN}\b)"
    # "a compliance order", "a corrective order": the order itself named
    r"|\b((?:compliance|corrective)\s+orders?)\b")
_DEADLINE_EN = re.compile(
    r"\b(?:given|gave|giving|gives|has|have|had)\s+(?:\w+\s+)?"
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|sixty|ninety)[\s-](?:days?|weeks?|months?)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(to\s+(?:\w+ly\s+)?{_PUT_RIGHT_EN})\b")
_AS_REQUIRED = re.compile(r"(?:按照|根据|依照|按)[^，,。；;\n]{0,6}$")
_STOP_UPDATING = re.compile(r"停止[^，,。；;：:\n、]{1,8}?更新")
# 要求上述8款浏览器在整改期间…: asked of parties counted back, 要求 is an order too.
_ORDERED_AROUND_NAMES = compile_scan(
    r"(?:责令|勒令|下令|命令|(?:要求|督促)(?=(?:上述|以上|前述|这)\s*(?:\d+|[两二三四五六七八九十]+)\s*(?:家|款|个)))"
    # 责令腾讯30天内解除独家版权: what the order undoes (an order only to stop the conduct, 责令美团
    # 停止违法行为, is not counted as one, as the development corpus annotates it)
    r"[^，,。；;：:\n]{1,24}?(整改|改正|删除|清理|清除|补救|纠正|解除)"
    # 要求其围绕落实主体责任、加强合规管理等方面进行全面整改: the order to it, however long what it lists
    r"|(?:责令|要求|督促)其[^。；;！？!?\n]{8,80}?((?<!自查)整改|改正)")
_ORDERED_TO_CLEAN_UP = re.compile(
    r"(?:责令|勒令|要求|督促)[^，,。；;：:\n]{1,24}?(关闭|关停|下架|封禁)"
    r"(?=[^，,。；;：:\n、“”「」『』\"]{0,14}?(?:账号|帐号|栏目|版块|板块|频道|功能|群组|直播间|店铺|话题|词条|榜单"
    r"|商品|内容|信息|广告|视频|链接))")
# An amount of money written in Chinese (50万元, 1.2亿欧元), as the fine verbs below take it.
_ZH_MONEY = r"[\d.,]+\s*(?:万|亿)?\s*(?:元|欧元|美元|英镑|港元|日元|韩元|卢布|澳元|加元)"
_BARE_FINE = compile_alternatives(
    r"(?<![处惩受责可高多拟])罚(?![款没金锾单则])"
    rf"(?=[^，,。；;：:\n]{{0,24}}?{_ZH_MONEY})")
_PENALTY_AMOUNT = re.compile(rf"(?:处罚|处以)(?=\s*(?:人民币|新台币|港币)?\s*{_ZH_MONEY})")
_APPS_IN_VIOLATION = re.compile(
    r"(?:(?:款|个|等)\s*(?:app|应用程序|移动应用|应用|小程序|sdk)(?:及sdk|\(sdk\)|（sdk）)?\s*|[，,]\s*)(存在)"
    # a question (存在哪些违法违规行为?) finds nothing
    r"(?![^。；;？?\n]{0,20}?(?:哪|什么|何种|是否|吗))"
    # not a relative clause (存在问题的平台须整改: the platforms that have problems, whoever they are)
    r"(?=[^。；;\n]{0,60}?(?:问题|违法|违规|违反|侵害用户权益|侵犯用户权益)(?![^，,。；;\n]{0,6}?的))")
# 下线“A”“B”等应用程序中部分功能: the names stand between the verb and the features (责令相关
# 网站下线有关功能 orders sites no name is given for).
_FEATURES_OFFLINE = re.compile(r"(下线)(?=[^，,。；;\n“”「」]{0,8}?[“「『\"][^，,。；;\n]{0,60}?功能)")
_FILING_CANCELLED = re.compile(r"(注销)[^，,。；;：:\n]{1,40}?备案")
# 通报流程, 通报案件, 通报(的)涉诈广告: the report, or the content reported.
_REPORT_NOUN = re.compile(r"(?:流程|案件|机制|系统|查询|窗口|专线|电话|平台|渠道)|的?[^，,。；;\n]{0,4}?(?:广告|内容|贴文|帖文|视频|链接)")
# 通报Meta旗下的Facebook平台，有涉及诈骗的广告: the addressee, then what it was told of.
_REPORTED_CONTENT = re.compile(r"[^，,。；;：:\n]{1,20}?[，,]\s*(?:有|称|指)")
# 通报 said by a body that reports content to a platform, not by the regulator that names it
# (台北市政府日前通报, 民众通报, 纸本通报).
# 通报说, 通报称, 通报指出: the notice as the speaker of what follows; the measures it reports
# are the words said, each with its own verb.
_TOLD_PROBLEMS = re.compile(r"了?[^，,。；;：:\n]{0,24}?(?:问题|情况)")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_REPORT_SAYS = re.compile(r"(?:说|称|指出|显示|表示)")
# 向保护局通报所采取的措施: the party reports to a body, nobody names it.
_REPORTED_TO = re.compile(r"向[^，,。；;\n]{1,14}$")
_REPORT_SENT = re.compile(r"(?:形式|纸本|电子|接获|接到|收到|民众|网友|用户|检举|主动|(?:市|县)?政府|市府|县府)(?:日前|近日|今天|昨天|已)?$")
# The failed duty runs to the verb; a space, 遭 or 被 starts what befell the platform
# (未申报 各遭罚款).
_UNREALISED_ZH = re.compile(r"(?:未(?![成经])|没有|拒不|无法|不能|难以)[^的，,。；;：:！!？?\s遭被]{0,28}$")
_CONTENT = r"(?:广告|内容|信息|视频|商品|帖文|贴文|文章|图片|链接|节目|频道|歌曲|词条)"
_CONTENT_AFTER = re.compile(r"(?:了)?[^，,。；;：:\n、]{0,8}?" + _CONTENT)
_CONTENT_BEFORE = re.compile(_CONTENT + r"(?:均|都|已|已经|被|全部|全数|立即|及时)*$")
_MET_EXECUTIVES_EN = re.compile(
    r"\b(met(?:\s+with)?)\s+(?=(?:[\w'’&.-]+\s+){0,5}?(?:executives|representatives|heads|bosses|managers|leaders)\b)")
_OR_ELSE_EN = re.compile(r"\bor\s+(?:else\s+)?(?:face|risk|be|get)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,2}?$")
_SELF_RECTIFICATION_EN = compile_alternatives(
    r"\b(?:has|have|had)\s+(?:also\s+|now\s+|already\s+)?(?:launched|started|begun|initiated|undertaken|carried\s+out"
    r"|conducted)\s+(?:a|an|its|their)?\s*(?:(?!order|requir|direct|instruct|told|asked|urg|to\b)[\w-]+,?\s+(?:and\s+)?){0,5}?$")
_SELF_ACTS = frozenset({"suspended", "closed", "removed"})
_THREATENED_EN = re.compile(r"\bthreat(?:en(?:ed|s|ing)?|s?)\b(?:\s+(?!and\b|but\b)[\w'’-]+){0,4}?\s+to\s+$")
_ORDERED_TO_DO_EN = re.compile(
    r"\b(?:order(?:ed|s)?|told|direct(?:ed|s)?|requir(?:ed|es)|instruct(?:ed|s)?|forc(?:ed|es)|compell(?:ed|s))\b"
    r"[^.;:\n]*?\bto\s+(?:\w+ly\s+)?$")
_OWN_BUSINESS = re.compile(r"[a-z]*(?:\s+down)?\s+(?:its|their)\s+(?!licen[cs]e|registration|permit)")
# not "as was reported", "as is required": a comment on the clause, no second subject
_AS_WERE = re.compile(r",\s+as\s+(?:were|was|did|are|is|had|have|has)\b(?!\s+(?:\w+ly\s+)?(?:\w+ed|the\s+case)\b)")
_CONDUCT_EN = compile_scan(r"\b(?:for|over)\s+(?:[a-z]+ly\s+)?(?:[a-z]+ing\s+(?:and|or)\s+)?$")
_GERUND = re.compile(r"[a-z]+ing\b")
_UNREALISED_EN = compile_scan(
    r"\b(?:should|would|could|might|may|can|cannot|fail(?:ed|ing|s)?\s+to|(?:failure|refusal|inability)\s+to|"
    r"refus(?:ed|ing|es)?\s+to|did\s+not|didn't|not|"
    r"never|without|avoid(?:ed|s|ing)?|escap(?:ed|es|ing)?|evad(?:ed|es|ing)|spared(?:\s+from)?)"
    r"(?:\s+(?:a|an|any|the))?"
    r"(?:\s+(?:have|be|been|being))*\s+$"
)
