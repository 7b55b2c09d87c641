"""Money figures in roles: what each amount of a notice is, read from the words that govern it.

The sentences are written for these tests; company names are made up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from diffing.extract import extract
from diffing.figures import Figure
from diffing.roles import FINE_ROLES, ROLES


def _money(text: str, published: date | None = date(2024, 5, 6)) -> list[Figure]:
    return [f for f in extract(text, published=published).figures if f.currency is not None]


def _roles(text: str) -> list[tuple[Decimal | int, str | None, str | None]]:
    return [(figure.value, figure.role, figure.metric) for figure in _money(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # the base of a percentage fine, and the fine stated after it
    ("市场监管总局依法对星河公司处以其2022年中国境内销售额200亿元4%的罚款，计8亿元。",
     [(Decimal(20000000000), "sales_base", None), (Decimal(800000000), "fine", "fine_amount")]),
    ("The regulator fined Orbit 2.4 billion yuan, about 3 percent of its domestic sales revenue of 80 billion yuan.",
     [(Decimal(2400000000), "fine", "fine_amount"), (Decimal(80000000000), "sales_base", None)]),
    # deposits to be returned are no fine
    ("同时责令星河公司全额退还商户押金5.5亿元，并处罚款1亿元。",
     [(Decimal(550000000), "refund_or_deposit", None), (Decimal(100000000), "fine", "fine_amount")]),
    ("Orbit will also pay $12 million in customer refunds.",
     [(Decimal(12000000), "refund_or_deposit", None)]),
    # illegal gains confiscated, then the fine
    ("对该公司没收违法所得120万元，并处罚款300万元。",
     [(Decimal(1200000), "confiscated", None), (Decimal(3000000), "fine", "fine_amount")]),
    # an intention to fine, and the amount a final fine was reduced from
    ("The watchdog announced its intention to fine Skyline Air £40 million for the breach.",
     [(Decimal(40000000), "proposed", None)]),
    ("The £9m fine is far below the £30m penalty originally proposed by the watchdog.",
     [(Decimal(9000000), "fine", "fine_amount"), (Decimal(30000000), "proposed", None)]),
    # legal limits, per violation or "up to"
    ("The law allows fines of up to €20 million.", [(Decimal(20000000), "maximum", None)]),
    ("拒不改正的，处十万元以上一百万元以下罚款。",
     [(Decimal(100000), "maximum", None), (Decimal(1000000), "maximum", None)]),
    ("Each breach carries a penalty of $50,000 per violation.", [(Decimal(50000), "maximum", None)]),
    ("The maximum penalty under the old law was 200,000 yuan.", [(Decimal(200000), "maximum", None)]),
    ("依照该条例，罚款上限为30万元。", [(Decimal(300000), "maximum", None)]),
    ("按现行办法，这类违规处罚的上限仅是5万元。", [(Decimal(50000), "maximum", None)]),
    # the law's scale: the most, a range's upper end, the least, what the law allows
    ("一旦定罪，最高罚款50万港元及监禁两年。", [(Decimal(500000), "maximum", None)]),
    ("依照该法，违规者可处以20万元罚款。", [(Decimal(200000), "maximum", None)]),
    ("主管機關可開罰5萬至300萬元。", [(Decimal(3000000), "maximum", None)]),
    ("对经营者处以10万到80万元罚款。", [(Decimal(800000), "maximum", None)]),
    ("若屬法人違規，罰款將是50萬元起跳。", [(Decimal(500000), "maximum", None)]),
    # a company's revenue stated near a fine is its size, not a penalty
    ("星河公司去年的收入高达900亿元，监管部门对其罚款3亿元。",
     [(Decimal(90000000000), "sales_base", None), (Decimal(300000000), "fine", "fine_amount")]),
    # what a company faces is not yet imposed
    ("星河公司面临超3亿欧元罚款。", [(Decimal(300000000), "proposed", None)]),
    # a fine foreseen, rumoured or called for is not yet imposed
    ("消息称星河公司恐將因壟斷遭重罰80億元。", [(Decimal(8000000000), "proposed", None)]),
    ("传星河公司将会因垄断遭监管部门罚50亿元。", [(Decimal(5000000000), "proposed", None)]),
    ("星河集团估罚20亿元", [(Decimal(2000000000), "proposed", None)]),
    ("有评论认为，星河的罚款至少应在50亿元。", [(Decimal(5000000000), "proposed", None)]),
    # the base of a percentage fine, in brackets after its noun
    ("罚款金额为该公司2020年境内销售额(3,210.5亿元)的3%，计96.3亿元。",
     [(Decimal(321050000000), "sales_base", None), (Decimal(9630000000), "fine", "fine_amount")]),
    # an advance notification of a fine announces it; it is not yet imposed
    ("The authority issued an advance notification of a 40 million Norwegian krone (€3.8 million) fine to the app maker.",
     [(Decimal(40000000), "proposed", None)]),
    # a loss the offence caused or the sum a case involved is no penalty
    ("去年电信诈骗造成的财产损失高达50亿元，但监管机构仅对该公司罚款20万元。",
     [(Decimal(5000000000), "other", None), (Decimal(200000), "fine", "fine_amount")]),
    ("经查，涉案金额约300万元，市场监管局对其罚款10万元。",
     [(Decimal(3000000), "other", None), (Decimal(100000), "fine", "fine_amount")]),
    ("The scheme caused losses of $3 million; the regulator fined the bank $500,000.",
     [(Decimal(3000000), "other", None), (Decimal(500000), "fine", "fine_amount")]),
    # the amount put forward earlier, and the one it was lowered to
    ("罚款从监管机构去年提出的4000万英镑大幅降低至1500万英镑。",
     [(Decimal(15000000), "fine", "fine_amount"), (Decimal(40000000), "proposed", None)]),
    ("法院将罚款由原先的2000万元降低至800万元。",
     [(Decimal(8000000), "fine", "fine_amount"), (Decimal(20000000), "proposed", None)]),
    # a limit that was imposed is the fine
    ("对该平台予以顶格30万元罚款。", [(Decimal(300000), "fine", "fine_amount")]),
    ("The office fined Orbit £500,000, the maximum allowed under the old law.",
     [(Decimal(500000), "fine", "fine_amount")]),
    # a periodic penalty that only applies if an order is not followed
    ("The company must comply within three months or pay a penalty of €80,000 per day of delay.",
     [(Decimal(80000), "other", None)]),
    ("The authority also set a daily penalty of 20,000 euros until the site complies.",
     [(Decimal(20000), "other", None)]),
    # one instalment of a fine paid over time
    ("星河公司获准分24期缴纳罚款，今天缴纳第一期罚款2.5亿元。", [(Decimal(250000000), "other", None)]),
    ("Orbit paid the first instalment of £3 million on Monday.", [(Decimal(3000000), "other", None)]),
    # penalties sought in court, and a fine that could rise
    ("The agency filed a complaint seeking $60 million in civil penalties.", [(Decimal(60000000), "proposed", None)]),
    ("The total fine could rise to €3 billion.", [(Decimal(3000000000), "maximum", None)]),
    # a fine still to come, in the passive
    ("Skyline Air is to be fined £2 million by the data regulator.", [(Decimal(2000000), "proposed", None)]),
    ("Orbit is expected to be penalised €40 million next week.", [(Decimal(40000000), "proposed", None)]),
    ("The firm received a notice of the regulator's intent to issue the £700,000 penalty.",
     [(Decimal(700000), "proposed", None)]),
    # a fine the company only risks
    ("Skyline could face a £15m fine over the leak.", [(Decimal(15000000), "proposed", None)]),
    # a fine the regulator was weighing, then one it imposed
    ("In 2022 the watchdog said it was considering fining Skyline £27 million. It has now fined Skyline £9 million.",
     [(Decimal(27000000), "proposed", None), (Decimal(9000000), "fine", "fine_amount")]),
    # market statistics beside a fine
    ("某平台交易额超过500亿元，被处以罚款50万元。", [(Decimal(50000000000), "other", None), (Decimal(500000), "fine", "fine_amount")]),
])
def test_money_roles(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


def test_roles_are_from_the_documented_set() -> None:
    assert FINE_ROLES <= set(ROLES)
    text = "The regulator fined Orbit 2.4 billion yuan and ordered refunds of $3 million."
    assert {figure.role for figure in _money(text)} <= set(ROLES)


def test_a_restatement_in_another_currency_is_no_figure() -> None:
    figures = _money("Beijing fined Orbit 3.2 billion yuan (about 495 million U.S. dollars) on Friday.")
    assert [(f.value, f.currency, f.role) for f in figures] == [(Decimal(3200000000), "CNY", "fine")]


@pytest.mark.parametrize("text", [
    "Orbit was ordered to pay a penalty of four million yuan, the equal of about $620,000, on Friday.",
    "Orbit was fined 4 million yuan, the equivalent of $620,000.",
    "Orbit was fined 4 million yuan, about $620,000, on Tuesday.",
    "星河公司被罚款400万元人民币，折合约62万美元。",
    "Orbit was fined 4 million yuan, which is about $620,000.",
    # the restatement apart from its amount, the words saying what it is
    "Orbit was fined 4 million yuan over its pricing rules, equivalent to about $620,000.",
    "Orbit was fined 4 million yuan for unfair pricing, worth roughly $620,000.",
    "星河公司被罰款400萬元，以懲處其價格違法行為，折合約62萬美元。",
    "星河公司被罚款400万元，折合超过62万美元。",
    # a sentence of its own that only restates it, the amount in words or figures
    "Orbit was fined 4 million yuan. This amounts to roughly $620,000.",
    "Orbit was fined 4 million yuan. That is equivalent to about six hundred and twenty thousand US dollars.",
])
def test_an_equivalent_in_another_currency_is_no_figure(text: str) -> None:
    figures = _money(text)
    assert [(f.value, f.currency, f.role) for f in figures] == [(Decimal(4000000), "CNY", "fine")]


def test_the_fine_a_reduction_started_from_is_no_fine() -> None:
    text = "The regulator cut the penalty to £9m, down from a £40 million fine announced a year before."
    assert [figure.role for figure in _money(text)] == ["fine", "proposed"]


def test_the_amount_a_fine_was_reduced_to_is_the_fine() -> None:
    figures = _money("The penalty was reduced from £183 million to £20 million.")
    assert sorted((f.value, f.role) for f in figures) == [(Decimal(20000000), "fine"), (Decimal(183000000), "proposed")]


def test_down_from_compares_totals_unless_it_names_the_earlier_fine() -> None:
    assert [f.role for f in _money("Fines fell to $2m in 2023, down from a record $5m in 2022.")] == ["fine", "fine"]


def test_a_penalty_noun_after_the_amount_outweighs_a_refund_word_before_it() -> None:
    text = "Orbit must pay $20 million in consumer redress and a $5 million civil penalty."
    assert [f.role for f in _money(text)] == ["refund_or_deposit", "fine"]


def test_one_intention_governs_every_amount_it_lists() -> None:
    text = "Reports say the office is intending to fine Skyline Air £40m and Harbour Hotels Group £20m."
    assert [figure.role for figure in _money(text)] == ["proposed", "proposed"]


def test_a_headline_giving_only_the_converted_amount_is_the_same_figure() -> None:
    text = ("Orbit fined $495 million over exclusive deals\n"
            "Beijing fined Orbit 3.2 billion yuan (about $495 million) on Friday.")
    figures = _money(text)
    assert [(f.value, f.currency) for f in figures] == [(Decimal(3200000000), "CNY")]
    assert [text[start:end] for start, end in figures[0].other_spans] == ["$495 million", "$495 million"]


def test_a_total_and_its_parts_are_linked() -> None:
    text = ("Orbit will pay $90 million to settle the charges: a $60 million penalty to the agency "
            "and a $30 million penalty to the state.")
    figures = _money(text)
    total, first, second = figures
    assert (total.value, total.role, total.metric) == (Decimal(90000000), "total", "fine_amount")
    assert [(f.role, f.metric, f.part_of) for f in (first, second)] == [("part", "fine_amount", total.start)] * 2


def test_a_settlement_total_with_refunds_in_it_is_no_fine() -> None:
    text = ("Orbit agreed to an $800 million settlement. A $300 million civil penalty and $500 million "
            "in refunds to customers are part of the agreement.")
    figures = {f.value: f for f in _money(text)}
    assert (figures[Decimal(800000000)].role, figures[Decimal(800000000)].metric) == ("total", None)
    assert (figures[Decimal(300000000)].role, figures[Decimal(300000000)].metric) == ("fine", "fine_amount")
    assert figures[Decimal(500000000)].role == "refund_or_deposit"
    assert figures[Decimal(500000000)].part_of == figures[Decimal(800000000)].start


def test_one_fine_stated_twice_is_one_figure_with_two_spans() -> None:
    text = ("星河公司被罚2.5亿元\n"
            "市场监管总局依法对星河公司作出行政处罚决定，处以罚款2.5亿元。")
    figures = [f for f in extract(text).figures if f.metric == "fine_amount"]
    assert len(figures) == 1
    assert len(figures[0].other_spans) == 1
    start, end = figures[0].other_spans[0]
    assert "2.5亿元" in text[start:end]


def test_the_same_amount_for_each_of_several_companies_is_not_merged() -> None:
    text = ("Orbit was fined 500,000 yuan for an unreported merger. "
            "The regulator issued fines of 500,000 yuan each to Comet and Nova.")
    assert len([f for f in extract(text).figures if f.metric == "fine_amount"]) == 2


@pytest.mark.parametrize("text", [
    "2021年，市场监管总局依法对星河公司处以其2020年境内销售额200亿元4%的罚款，计8亿元。",
    "In 2023 the watchdog fined Orbit €1.2 billion for conduct dating back to 2018.",
    "2023年第二季度，星河公司因违规收集个人信息被处以罚款50万元。",
])
def test_a_single_decisions_fine_has_no_period(text: str) -> None:
    fines = [f for f in extract(text, published=date(2024, 1, 10)).figures if f.metric == "fine_amount"]
    assert fines and all(f.period is None for f in fines)


@pytest.mark.parametrize(("text", "period"), [
    ("2023年3月至10月，市有关部门对星河网累计罚款人民币600万元。", "2023-03..2023-10"),
    ("In 2022, the regulator imposed fines totalling 90 million yuan on platforms.", "2022"),
    ("The city office imposed 31 penalties on Orbit totalling 6.2 million yuan for the year to October.",
     "2023-01..2023-10"),
    ("2022年，该局查办虚假宣传案件57件，罚款310万元。", "2022"),
    # counts of cases written with 万 or 余, and amounts "in fines" are sums of many fines
    ("一季度，各地市场监管部门查办案件1.3万件，罚款2.6亿元。", "2023-Q1"),
    ("一季度，各地市場監管部門查辦案件3200餘件，罰款2.6億元。", "2023-Q1"),
    ("The office has issued £3 million in fines since April.", "2023-04..2023-11"),
])
def test_a_fine_total_over_a_stated_span_keeps_its_period(text: str, period: str) -> None:
    fines = [f for f in extract(text, published=date(2023, 11, 20)).figures if f.metric == "fine_amount"]
    assert [f.period for f in fines] == [period]


def test_roles_and_repeats_are_in_the_json() -> None:
    text = "Orbit fined $5 million\nThe agency fined Orbit $5 million and ordered refunds of $2 million."
    figures = extract(text).to_json()["figures"]
    assert [(f["value"], f["role"], f["metric"], len(f["other_spans"])) for f in figures] == [
        ("5000000", "fine", "fine_amount", 1), ("2000000", "refund_or_deposit", None, 0)]
    assert all("party" in f and "part_of" in f for f in figures)


def test_amounts_of_a_list_that_happen_to_add_up_are_no_total() -> None:
    text = ("江苏省网信办对甲平台罚款人民币20万元。浙江省网信办对乙平台罚款人民币30万元。"
            "广东省网信办对丙平台罚款人民币50万元。")
    assert [(f.role, f.part_of) for f in _money(text)] == [("fine", None)] * 3


@pytest.mark.parametrize(("text", "role"), [
    ("对利用虚拟货币实施诈骗的平台罚款80万元。", "fine"),
    ("没收违法收入35万元。", "confiscated"),
    ("The agency fined Orbit $4 million for ads intended to mislead buyers.", "fine"),
    ("Seeking to protect children, the agency fined Orbit $4 million.", "fine"),
    ("责令改正，并处五十万元。", "fine"),
    ("Subscribers pay $12.99 a month for the service.", "other"),
    ("The agency fined Orbit $4 million for refund delays.", "fine"),
    ("The agency fined Orbit $4 million over the proposed merger.", "fine"),
    ("The fine, originally reported by local media, was $4 million.", "fine"),
    ("The watchdog had initially proposed a $9 million penalty.", "proposed"),
    ("市场监管局拟对星河公司处以罚款60万元，并告知其陈述申辩权利。", "proposed"),
    ("The office said it is intending to fine Skyline Air £40m over the breach.", "proposed"),
    ("The commissioner intends on issuing a penalty notice in the sum of £7m.", "proposed"),
    ("The agency will send 20,000 payments averaging $85 each.", "other"),
    ("The FTC proposed a $20 million penalty against Orbit.", "proposed"),
    ("The watchdog said it plans to fine Orbit $20 million.", "proposed"),
    ("The watchdog is set to fine Orbit €20 million, sources said.", "proposed"),
    ("The regulator has issued a provisional fine of £12m against Orbit.", "proposed"),
    ("Orbit agreed to pay $20 million to compensate consumers.", "refund_or_deposit"),
    ("Orbit will return $20 million to customers under the order.", "refund_or_deposit"),
    ("Orbit put aside €400 million as a provision for the fine.", "other"),
    ("Orbit will pay $20 million in monetary relief to consumers.", "refund_or_deposit"),
    ("责令星河公司向消费者退赔80万元。", "refund_or_deposit"),
    ("Orbit was ordered to pay 50 million yuan in back taxes.", "other"),
    ("Watchdog to fine Skyline Air £40m over data breach", "proposed"),
    ("Skyline Air faces a record £40m fine over the breach.", "proposed"),
    ("The EU is set to hit Orbit with a €1bn fine.", "proposed"),
    ("Orbit was fined £20m and faces more claims.", "fine"),
    ("星河公司或被罚5000万元。", "proposed"),
    ("星河公司面临5000万元罚款。", "proposed"),
    ("Orbit was fined 50 million yuan for tax evasion.", "fine"),
])
def test_role_cues_read_the_words_that_govern_the_amount(text: str, role: str) -> None:
    assert [figure.role for figure in _money(text)] == [role]


def test_a_total_of_fines_and_confiscated_gains_is_no_fine_but_its_fine_is() -> None:
    text = "对该公司没收违法所得2.4亿元、罚款4.8亿元，罚没款合计7.2亿元。"
    assert [(f.value, f.role, f.metric, f.part_of is not None) for f in _money(text)] == [
        (Decimal(240000000), "confiscated", None, True),
        (Decimal(480000000), "fine", "fine_amount", True),
        (Decimal(720000000), "total", None, False),
    ]


def test_a_headline_rounding_the_converted_amount_is_the_same_fine() -> None:
    text = ("Orbit fined $1.2 billion over data practices\n"
            "The regulator fined Orbit 8.1 billion yuan ($1.19 billion) on Thursday.")
    assert [(f.value, f.currency, len(f.other_spans)) for f in _money(text)] == [(Decimal(8100000000), "CNY", 2)]


def test_equal_fines_on_two_parties_in_one_sentence_are_two_figures() -> None:
    text = "江苏省网信办对甲平台罚款人民币20万元，对乙平台罚款人民币20万元。"
    assert [(f.value, len(f.other_spans)) for f in _money(text)] == [(Decimal(200000), 0)] * 2


def test_repeats_merge_again_once_parties_are_known() -> None:
    from dataclasses import replace

    from diffing.figures import find_figures
    from diffing.repeats import merge_repeats
    from diffing.text import prepare

    text = ("Orbit was fined 500,000 yuan for an unreported deal.\n"
            "Comet was fined 500,000 yuan for another one.\n"
            "Regulators fined Orbit 500,000 yuan.")
    separate = find_figures(prepare(text), merge=False)
    assert len(separate) == 3 and all(not f.other_spans for f in separate)
    parties = ["orbit", "comet", "orbit"]
    with_parties = [replace(figure, party=party) for figure, party in zip(separate, parties, strict=True)]
    merged = merge_repeats(with_parties)
    assert [(f.party, len(f.other_spans)) for f in merged] == [("orbit", 1), ("comet", 0)]
    assert merge_repeats(merged) == merged


def test_a_headline_rounding_the_fine_is_the_same_fine() -> None:
    text = ("Orbit fined 3.44 billion yuan for exclusive deals\n"
            "The regulator fined Orbit 3.442 billion yuan on Friday.")
    assert [(f.value, len(f.other_spans)) for f in _money(text)] == [(Decimal(3442000000), 1)]


def test_close_fines_written_to_the_same_precision_are_two_fines() -> None:
    text = "Orbit was fined €520 million.\nComet was fined €500 million."
    assert len(_money(text)) == 2


@pytest.mark.parametrize("text", [
    "市场监管总局对星河、银月、晨光三起案件作出决定，对三家分别处以50万元罚款。",
    "The regulator fined three websites 50,000 yuan each.",
])
def test_the_parties_each_given_an_amount_are_no_count_of_sites_fined(text: str) -> None:
    figures = extract(text).figures
    assert [(f.metric, f.value) for f in figures if f.currency is None] == [(None, 3)]
    assert [f.metric for f in figures if f.currency is not None] == ["fine_amount"]


def test_a_count_of_sites_fined_without_amounts_is_kept() -> None:
    assert [(f.metric, f.value) for f in extract("对86家网站平台给予罚款处罚。").figures] == [("fined", 86)]


def test_a_chinese_conversion_naming_its_currency_first_is_no_figure() -> None:
    figures = _money("欧盟委员会对星河公司罚款12亿欧元，折合人民币约94亿元。")
    assert [(f.value, f.currency) for f in figures] == [(Decimal(1200000000), "EUR")]


@pytest.mark.parametrize(("text", "expected"), [
    # a decision not yet final: minded to, provisional, preliminary, proposed to issue
    ("The commissioner is minded to serve Harbour Hotels with a monetary penalty of £300,000.",
     [(Decimal(300000), "proposed", None)]),
    ("In a preliminary ruling, the authority said it would fine Skyline Air €7 million.",
     [(Decimal(7000000), "proposed", None)]),
    ("The office had provisionally decided to fine Orbit £12 million.", [(Decimal(12000000), "proposed", None)]),
    ("监管部门初步决定对星河公司罚款80万元。", [(Decimal(800000), "proposed", None)]),
    # after a contrast the proposal no longer governs the amount imposed
    ("The office proposed to issue a penalty of £80,000 but lowered the penalty to £40,000.",
     [(Decimal(80000), "proposed", None), (Decimal(40000), "fine", "fine_amount")]),
    ("The penalty had originally been set at £6 million, but the office later fined the company £2 million.",
     [(Decimal(6000000), "proposed", None), (Decimal(2000000), "fine", "fine_amount")]),
    # fines still to come
    ("The office has a further £900,000 in fines in the pipeline.", [(Decimal(900000), "proposed", None)]),
    # a penalty word between a refund or confiscation word and the amount governs it
    ("Orbit was ordered to pay $9 million in restitution and fined $1 million.",
     [(Decimal(9000000), "refund_or_deposit", None), (Decimal(1000000), "fine", "fine_amount")]),
    ("对星河公司没收违法所得20万元，并处违法所得二倍罚款40万元。",
     [(Decimal(200000), "confiscated", None), (Decimal(400000), "fine", "fine_amount")]),
    ("對星河公司沒收違法所得20萬元，並處違法所得二倍罰款40萬元。",
     [(Decimal(200000), "confiscated", None), (Decimal(400000), "fine", "fine_amount")]),
    # money to be handed back to consumers, and costs, are no fine
    ("The court ordered the sellers to pay $4 million, which will be used to provide refunds to buyers.",
     [(Decimal(4000000), "refund_or_deposit", None)]),
    ("Orbit will pay $6 million for consumer redress.", [(Decimal(6000000), "refund_or_deposit", None)]),
    # money handed back to customers is no fine, whichever words say so
    ("Orbit was ordered to pay back £2.5m to customers and fined £500,000.",
     [(Decimal(2500000), "refund_or_deposit", None), (Decimal(500000), "fine", "fine_amount")]),
    ("Orbit must return $4 million to affected consumers.", [(Decimal(4000000), "refund_or_deposit", None)]),
    # a fine escaped is no fine
    ("Orbit received immunity and avoided a fine of around €90 million.", [(Decimal(90000000), "proposed", None)]),
    ("星河公司因主动报告而免于约1亿元罚款。", [(Decimal(100000000), "proposed", None)]),
    # a legal limit given as a share of turnover and restated as an amount
    ("The firm could be fined up to 6% of its global turnover, or about $900 million.",
     [(Decimal(900000000), "maximum", None)]),
    ("根据规定，最高可处上一年度营业额5%的罚款，即约20亿元。", [(Decimal(2000000000), "maximum", None)]),
    ("依規定最高可處上一年度營業額5%的罰款，即約20億元。", [(Decimal(2000000000), "maximum", None)]),
    # the imposed share restated as an amount is the fine
    ("The company was fined 6% of its turnover, or €1.2 billion.", [(Decimal(1200000000), "fine", "fine_amount")]),
    # a difference between two fines is no fine
    ("The court confirmed the fine but cut it by about €4 million.", [(Decimal(4000000), "other", None)]),
    ("The judges ordered a reduction of the penalty by approximately €2.5 million.", [(Decimal(2500000), "other", None)]),
    ("经复议，罚款减少了200万元。", [(Decimal(2000000), "other", None)]),
    # what a company pays to settle charges is its penalty
    ("The app maker settled with the agency for $120,000.", [(Decimal(120000), "fine", "fine_amount")]),
    ("Orbit reached a $2 million settlement with the regulator over the breach.",
     [(Decimal(2000000), "fine", "fine_amount")]),
    ("The shop was ordered to pay a penalty of HK$80,000 and costs of HK$9,000.",
     [(Decimal(80000), "fine", "fine_amount"), (Decimal(9000), "other", None)]),
])
def test_money_roles_of_wording_not_tuned_on(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize("text", [
    # a headline's year and the body's narrower span state one total
    "Callers hit with £2m in fines this year\nThe office has issued £2m in fines since April, it said.",
    "今年以来罚款总额达300万元\n4月以来，该局累计罚款300万元。",
])
def test_one_total_stated_with_a_wider_and_a_narrower_period_is_one_figure(text: str) -> None:
    fines = [f for f in extract(text, published=date(2023, 11, 20)).figures if f.metric == "fine_amount"]
    assert [(f.period, len(f.other_spans)) for f in fines] == [("2023-04..2023-11", 1)]


@pytest.mark.parametrize(("text", "parties"), [
    ("星河、银河、天河各遭罚款50万元\n市场监管总局分别对星河公司、银河公司和天河公司处以50万元罚款。", 1),
    ("星河、銀河、天河各遭罰款50萬元\n市場監管總局分別對星河公司、銀河公司和天河公司處以50萬元罰款。", 1),
    # names known as parties: one fine per party, each stated again in the headline
    ("Three firms fined 500,000 yuan each\nThe regulator fined Orbit, Comet and Nova 500,000 yuan each on Monday.", 3),
])
def test_an_amount_for_each_of_several_parties_stated_again_is_one_figure(text: str, parties: int) -> None:
    fines = [f for f in extract(text, published=date(2023, 11, 20)).figures if f.metric == "fine_amount"]
    assert [(f.value, len(f.other_spans)) for f in fines] == [(Decimal(500000), 1)] * parties


def test_a_payment_split_into_a_penalty_and_refunds_is_no_fine() -> None:
    text = ("Orbit must pay $1.5 million, of which $300,000 is a civil penalty and $1.2 million "
            "goes to consumer refunds.")
    figures = {f.value: f for f in _money(text)}
    assert (figures[Decimal(1500000)].role, figures[Decimal(1500000)].metric) == ("total", None)
    assert figures[Decimal(300000)].metric == "fine_amount"
    assert figures[Decimal(1200000)].role == "refund_or_deposit"


@pytest.mark.parametrize(("text", "expected"), [
    # 元 after an amount that named its currency counts that currency (a range, a second party)
    ("業者逾期未改善者，按次處新臺幣3萬元以上30萬元以下罰鍰。", [("TWD", 30000), ("TWD", 300000)]),
    ("公平會對甲公司處新臺幣50萬元罰鍰，對乙公司處30萬元罰鍰。", [("TWD", 500000), ("TWD", 300000)]),
    ("对甲公司罚款港币5万元，对乙公司罚款3万元。", [("HKD", 50000), ("HKD", 30000)]),
    # not after 人民币, nor across a sentence in a notice that also names the yuan
    ("對甲公司處新臺幣50萬元罰鍰。另據報道，內地對乙公司罰款人民幣30萬元、對丙公司罰款20萬元。",
     [("TWD", 500000), ("CNY", 300000), ("CNY", 200000)]),
])
def test_yuan_after_a_named_currency_counts_it(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.currency, int(f.value)) for f in _money(text)] == expected


@pytest.mark.parametrize("text", [
    "金管會今年上半年共裁罰金融機構12家，罰鍰金額合計新臺幣3,450萬元。",
    "金管会今年上半年共裁罚金融机构12家，罚款金额合计3450万元。",
])
def test_a_total_after_the_office_and_its_period_keeps_the_period(text: str) -> None:
    assert [f.period for f in _money(text)] == ["2024-H1"]


@pytest.mark.parametrize(("text", "value"), [
    # wire-service scales
    ("The firm was fined 1.5 mln yuan on Monday.", Decimal(1500000)),
    ("Orbit was fined $2.5 bln over its app store rules.", Decimal(2500000000)),
])
def test_wire_service_scales(text: str, value: Decimal) -> None:
    assert [(f.value, f.metric) for f in _money(text)] == [(value, "fine_amount")]


@pytest.mark.parametrize(("text", "expected"), [
    # a notice placed in Taiwan by its words (the ministry or commission fining, 罰鍰, the
    # Republic's calendar, New Taiwan dollars named anywhere) counts 元 alone in New Taiwan dollars
    ("數位發展部今天表示，Meta未於時限內下架詐騙廣告，依法開罰250萬元。", [("TWD", 2500000)]),
    ("公平會最終決定，除命其停止違法行為，並處200萬元罰鍰。", [("TWD", 2000000)]),
    ("國家通訊傳播委員會民國106年5月31日決議每家系統台裁罰40萬元。", [("TWD", 400000)]),
    ("台湾数位发展部表示，已对Meta罚款250万元。", [("TWD", 2500000)]),
    ("台北地檢署起訴後，法院判處罰金20萬元。", [("TWD", 200000)]),
    ("該公司去年曾遭罰新台幣100萬元，今年再被罰300萬元。", [("TWD", 1000000), ("TWD", 3000000)]),
    # Hong Kong's own authorities and courts place a notice where 元 alone is the Hong Kong dollar
    ("一名男子涉嫌「起底」，裁判法院判處罰款5,000元。", [("HKD", 5000)]),
    ("私隱專員公署表示，該公司被罰款2萬元。", [("HKD", 20000)]),
    # a mainland notice, in either script, keeps the yuan
    ("國家網信辦對微博處以罰款250萬元。", [("CNY", 2500000)]),
    ("网信办对该平台罚款250万元。", [("CNY", 2500000)]),
    ("深圳市消委会约谈该公司后，市场监管局消保处对其罚款20万元。", [("CNY", 200000)]),
    ("该公司法务部表示，已缴纳罚款30万元。", [("CNY", 300000)]),
])
def test_where_the_notice_comes_from_decides_what_yuan_alone_counts(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.currency, int(f.value)) for f in _money(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # 万 right before the fine it is, without 元
    ("7月又因廣告出現系統性缺失，數發部處1,500萬罰鍰。", [("TWD", 15000000)]),
    ("市场监管局对该公司并处50万罚款。", [("CNY", 500000)]),
    ("對該公司處以20萬罰款。", [("CNY", 200000)]),
    # …and right after a fining verb, where the clause ends (headlines)
    ("foodpanda不當限制餐廳活動 公平會重罰200萬", [("TWD", 2000000)]),
    ("美团被罚50万，市场监管局称将持续监管。", [("CNY", 500000)]),
    # …with the fined party between the verb and the amount, and a space before 万
    ("星河購物違法蒐集個資 公平會開罰 150 萬", [("TWD", 1500000)]),
    ("公平會罰甲公司、乙公司共 90 萬", [("TWD", 900000)]),
    # (the fine's amount as a noun, 罚金额, is no object of the verb)
    ("该网站两次遭罚金额超2亿", []),
    # a count of fines is no money, nor are shares
    ("该局今年共开出罚单3次罚款。", []),
    ("对该公司罚款50万股。", []),
])
def test_wan_before_a_fine_is_money(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.currency, int(f.value)) for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a space between the digits and 万
    ("对该公司给予警告，并处 5 万元罚款的行政处罚。", [Decimal(50000)]),
    ("對直接負責的主管人員分別處以 1 萬元罰款。", [Decimal(10000)]),
    # 裁处 (Taiwan: to impose a penalty) governs the amount
    ("數發部依法裁處Meta每案50萬元。", [Decimal(500000)]),
    ("该局依法裁处该公司30万元。", [Decimal(300000)]),
])
def test_fines_with_spaced_wan_and_cai_chu(text: str, expected: list[Decimal]) -> None:
    assert [f.value for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the unit hyphenated onto the amount or its noun
    ("Brightline was fined £30,000, plus a £200 per-day penalty until it complies.",
     [(Decimal(30000), "fine", "fine_amount"), (Decimal(200), "other", None)]),
    ("The authority added a €5,000-a-day penalty for as long as the breach continues.",
     [(Decimal(5000), "other", None)]),
    # 每日/按日 with a penalty verb between it and the amount
    ("逾期不改正的，按日连续处罚，每日处以1万元罚款。", [(Decimal(10000), "other", None)]),
    ("逾期未改正者，每日處罰新臺幣5,000元。", [(Decimal(5000), "other", None)]),
    # no unit: the fine stays a fine
    ("Brightline was fined £30,000 on the day of the hearing.", [(Decimal(30000), "fine", "fine_amount")]),
])
def test_a_penalty_per_day_is_no_fine(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a change of a fine stated with "by": the difference, however long the fine's description
    ("The General Court reduced Norvex’s fine for abusing its dominant position in the tablet market by more than €80 million.",
     [(Decimal(80000000), "other", None)]),
    ("On appeal the tribunal cut the penalty imposed on Quill Media by £1.2 million.",
     [(Decimal(1200000), "other", None)]),
    ("法院将对星河公司的罚款下调了3000万元。", [(Decimal(30000000), "other", None)]),
    # "to" gives the new fine, which is a fine
    ("The tribunal reduced Quill Media's fine to £2 million.", [(Decimal(2000000), "fine", "fine_amount")]),
])
def test_the_change_of_a_fine_is_no_fine(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the maximum is what the sentence is about: its level, raised or stated
    ("The maximum fine the regulator can impose for a data breach rose from £500,000 under the old act to €20 million.",
     [(Decimal(500000), "maximum", None), (Decimal(20000000), "maximum", None)]),
    ("Under the amended law, the maximum penalty available to the commission is $10 million.",
     [(Decimal(10000000), "maximum", None)]),
    ("新法将罚款上限由50万元提高至5000万元。", [(Decimal(500000), "maximum", None), (Decimal(50000000), "maximum", None)]),
    ("修法後，最高罰款金額從新臺幣100萬元提高到1000萬元。",
     [(Decimal(1000000), "maximum", None), (Decimal(10000000), "maximum", None)]),
    ("The maximum fine that can be imposed rose to €20 million.", [(Decimal(20000000), "maximum", None)]),
    # a maximum imposed on a company is its fine
    ("监管部门对星河公司处以最高罚款50万元。", [(Decimal(500000), "fine", "fine_amount")]),
    ("对星河公司给予最高罚款额为50万元的处罚。", [(Decimal(500000), "fine", "fine_amount")]),
    ("The regulator issued the maximum fine to Quill Media, which was £500,000.", [(Decimal(500000), "fine", "fine_amount")]),
    ("Quill Media has been hit with the maximum fine, which was £500,000.", [(Decimal(500000), "fine", "fine_amount")]),
    # the maximum's clause ends before the fine
    ("The maximum fine is €20 million, and Quill Media was fined €5 million.",
     [(Decimal(20000000), "maximum", None), (Decimal(5000000), "fine", "fine_amount")]),
])
def test_the_level_of_a_maximum_is_no_fine(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("这些案件平均罚没金额超过2亿元。", [(Decimal(200000000), "other", None)]),
    ("去年該局平均每宗罰款金額約為30萬元。", [(Decimal(300000), "other", None)]),
    ("The average fine issued last year was £240,000.", [(Decimal(240000), "other", None)]),
    # an average in another clause governs nothing
    ("平均处罚幅度为销售额的5%，对星河公司罚款2亿元。", [(Decimal(200000000), "fine", "fine_amount")]),
])
def test_an_average_is_no_fine(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize(("text", "fines"), [
    # a sentence opened by the currency it restates in: one fine, the restatement a span of it
    ("The commission fined Quill Media €405 million on Monday. In US currency, the penalty is about $402 million.",
     [(Decimal(405000000), "EUR")]),
    ("The regulator imposed a fine of €1.2 billion. In dollar terms, that is $1.3 billion.",
     [(Decimal(1200000000), "EUR")]),
    ("监管机构对星河公司罚款4.05亿欧元。按当日汇率换算成美元，罚款约为4.02亿美元。", [(Decimal(405000000), "EUR")]),
    # a place, not a currency: two fines
    ("The commission fined Quill Media €405 million. In the US, the FTC fined it $5 million.",
     [(Decimal(405000000), "EUR"), (Decimal(5000000), "USD")]),
])
def test_a_sentence_restating_in_another_currency_is_no_second_fine(text: str, fines: list[tuple[Decimal, str]]) -> None:
    assert [(f.value, f.currency) for f in _money(text) if f.metric == "fine_amount"] == fines


def _fines(text: str) -> list[tuple[Decimal | int, str | None, str | None, int]]:
    return [(f.value, f.role, f.party, len(f.other_spans)) for f in _money(text) if f.metric == "fine_amount"]


@pytest.mark.parametrize(("text", "expected"), [
    # a part of a total stated again later, without its sum, for the same party: one fact
    (("The regulator fined Facebook and Instagram a combined €390 million. Facebook was fined €210 million for its "
      "advertising practices, while Instagram was penalised €180 million. Last week the regulator confirmed that "
      "Facebook would be fined €210 million for the breaches."),
     [(Decimal(390000000), "total", "instagram", 0), (Decimal(210000000), "part", "facebook", 1),
      (Decimal(180000000), "part", "instagram", 0)]),
    ("监管部门对淘宝和天猫合计罚款3亿元，其中淘宝被罚2亿元，天猫被罚1亿元。此前，监管部门已宣布淘宝被罚款2亿元。",
     [(Decimal(300000000), "total", "tmall", 0), (Decimal(200000000), "part", "taobao", 1),
      (Decimal(100000000), "part", "tmall", 0)]),
    ("監管機構對淘寶和天貓合計罰款3億元，其中淘寶被罰2億元，天貓被罰1億元。據悉，淘寶因違規被罰款2億元。",
     [(Decimal(300000000), "total", "tmall", 0), (Decimal(200000000), "part", "taobao", 1),
      (Decimal(100000000), "part", "tmall", 0)]),
    # another company's fine equal to a part is a fact of its own
    (("The regulator fined Google a total of €150 million: €90 million for Google LLC and €60 million for Google "
      "Ireland. It also fined the company Facebook Ireland €60 million."),
     [(Decimal(150000000), "total", "google", 0), (Decimal(90000000), "part", "google", 0),
      (Decimal(60000000), "part", "google", 0), (Decimal(60000000), "fine", "meta", 0)]),
])
def test_a_part_stated_again_for_its_party_is_one_fact(
        text: str, expected: list[tuple[Decimal, str, str | None, int]]) -> None:
    assert _fines(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # dots group thousands and a comma marks the decimals
    ("The Commission has fined the Orbit group €77.068.000,00 for blocking access to its pipelines.",
     [(Decimal(77068000), "fine", "fine_amount")]),
    ("The authority imposed a fine of EUR 1.250.000 on Quill Media.", [(Decimal(1250000), "fine", "fine_amount")]),
    ("Quill Media must pay a fine of 1.234.567,89 euros.", [(Decimal("1234567.89"), "fine", "fine_amount")]),
    # one dot group and no decimal comma stays a decimal point
    ("Quill Media was fined €1.5 million.", [(Decimal(1500000), "fine", "fine_amount")]),
])
def test_continental_notation(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


def test_a_rounded_headline_repeats_the_continental_amount_whatever_the_party_case() -> None:
    text = ("The EU Commission fines the Orbit Group € 77 million for blocking access to gas. "
            "The European Commission has fined the Orbit group €77.068.000,00 for blocking competitors.")
    assert [(f.value, len(f.other_spans)) for f in _money(text)] == [(Decimal(77068000), 1)]


@pytest.mark.parametrize(("text", "expected"), [
    # the sign lost in the body: the one currency the notice names
    (("Regulator hands out £160,000 in fines. Today it said a 100,000 penalty was handed to Rivertown Council, "
      "while Quill Media was hit with a 60,000 fine."),
     [(Decimal(160000), "GBP"), (Decimal(100000), "GBP"), (Decimal(60000), "GBP")]),
    (("Watchdog fines Brightpage €2 million. The authority said Brightpage had been given a 2 million penalty "
      "and a further 500,000 fine for late filing."),
     [(Decimal(2000000), "EUR"), (Decimal(500000), "EUR")]),
    # two currencies named: no guess
    ("The council paid £5,000 in costs. It also faces a 50,000 fine, while Quill got a $3,000 fine.",
     [(Decimal(3000), "USD")]),
    # no currency anywhere: no money
    ("Quill Media was hit with a 60,000 fine.", []),
])
def test_a_fine_whose_sign_was_lost_is_in_the_notices_currency(text: str, expected: list[tuple[Decimal, str]]) -> None:
    assert [(f.value, f.currency) for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the most a law allows, with a modal and a verb of receiving or facing
    ("违规企业最高可能受到1000万元或上年度营业额5%的罚款。", [(Decimal(10000000), "maximum", None)]),
    ("平台最高将面临3亿元罚单。", [(Decimal(300000000), "maximum", None)]),
    ("違規平台最多可被處以500萬元罰款。", [(Decimal(5000000), "maximum", None)]),
    ("The penalty carries an upper limit of 300,000 rubles.", [(Decimal(300000), "maximum", None)]),
    ("Such breaches have a statutory ceiling of £17.5 million.", [(Decimal(17500000), "maximum", None)]),
    # …while the maximum imposed stays the fine
    ("监管部门对星河公司处以最高罚款50万元。", [(Decimal(500000), "fine", "fine_amount")]),
    # a periodic penalty with a modal before the amount
    ("每日罚金恐高达800万欧元。", [(Decimal(8000000), "other", None)]),
    ("若逾期不改，每日罚款可达2万元。", [(Decimal(20000), "other", None)]),
    # an amount only possible
    ("Analysts said the penalty could reach €300 million.", [(Decimal(300000000), "proposed", None)]),
    ("The fine might be as high as $40 million, a lawyer wrote.", [(Decimal(40000000), "proposed", None)]),
    ("星河公司或被处以至少2亿元的罚款。", [(Decimal(200000000), "proposed", None)]),
    ("星河公司可能会被罚5000万元。", [(Decimal(50000000), "proposed", None)]),
    # an intention in Chinese, and an amount clause that only says how much it is about
    ("监管机构打算对星河航空发出罚款通知，总额为1.2亿英镑。", [(Decimal(120000000), "proposed", None)]),
    ("该局计划对星河公司处以罚款，金额为300万元。", [(Decimal(3000000), "proposed", None)]),
    ("监管机构已对星河航空发出罚款决定，总额为1.2亿英镑。", [(Decimal(120000000), "fine", "fine_amount")]),
    # a nominal penalty suspended, and what is paid instead
    ("The order imposes a $3 million civil penalty, to be suspended once Orbit pays $400,000.",
     [(Decimal(3000000), "other", None), (Decimal(400000), "fine", "fine_amount")]),
    ("The court handed Orbit a suspended fine of €250,000.", [(Decimal(250000), "other", None)]),
    # refunds with the party refunded and "another" between the verb and the amount
    ("Orbit must also refund its subscribers a further $8 million.", [(Decimal(8000000), "refund_or_deposit", None)]),
])
def test_possible_maximum_suspended_and_refunded_amounts_are_no_fines(
        text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize("text", [
    ("Orbit agreed to pay $90 million to settle the charges.\nThe charges concern its ads.\nThey ran for years.\n"
     "Under the order, Orbit pays $60 million in civil penalties and refunds customers another $30 million."),
    ("Orbit will pay €90 million under the settlement. It concerns subscriptions. It was announced today. "
     "The deal covers a €60 million fine, and Orbit will also refund users a further €30 million."),
])
def test_a_lead_amount_broken_down_far_later_in_one_sentence_is_a_total(text: str) -> None:
    money = _money(text)
    assert [(f.value, f.role, f.metric) for f in money] == [
        (money[0].value, "total", None), (money[1].value, "fine", "fine_amount"),
        (money[2].value, "refund_or_deposit", None)]
    assert money[1].part_of == money[0].start


@pytest.mark.parametrize(("text", "expected"), [
    # conversions in parentheses at today's rate, or naming the currency before the amount
    ("监管机构对星河公司罚款2.5亿欧元(折合人民币约19亿元)。", [(Decimal(250000000), "fine", "fine_amount")]),
    ("星河公司被处以 2.5 亿欧元(当前约 19.4 亿元人民币)的罚款。", [(Decimal(250000000), "fine", "fine_amount")]),
    ("星河公司被罚2.5亿欧元（按当前汇率计算约19亿元人民币）。", [(Decimal(250000000), "fine", "fine_amount")]),
    # several conversions in one parenthesis, and a headline giving only one of them
    ("星河公司被罚 2.7 亿美元\n监管机构对星河公司处以 2.5 亿欧元(约 19 亿元人民币, 2.7 亿美元)的处罚。",
     [(Decimal(250000000), "fine", "fine_amount")]),
    # a conversion after a comma is an aside; the fine's noun after it governs the amount
    ("该机构决定向星河公司开出5000万欧元，约合人民币4亿元的罚单。", [(Decimal(50000000), "fine", "fine_amount")]),
    # a penalty for each day of delay, stated before the amount
    ("若星河公司逾期未整改，每逾期一日将被处以高达5万欧元的罚款。", [(Decimal(50000), "other", None)]),
    ("For every day it fails to comply, Orbit will be fined up to €20,000.", [(Decimal(20000), "other", None)]),
])
def test_conversions_and_periodic_penalties_are_no_second_fine(
        text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert [(v, r, m) for v, r, m in _roles(text) if r != "other" or m is None] == expected


def test_a_fine_in_wan_without_yuan_before_any_word() -> None:
    money = _money("星河电视台违规停播，主管机关重罚120万再查字幕问题")
    assert [(f.value, f.role) for f in money] == [(Decimal(1200000), "fine")]


@pytest.mark.parametrize(("text", "expected"), [
    # the amount a penalty was changed from
    ("The office cut the penalty from £40 million to £12 million.",
     [(Decimal(12000000), "fine", "fine_amount"), (Decimal(40000000), "proposed", None)]),
    ("经听证，罚款由800万元减至500万元。",
     [(Decimal(8000000), "proposed", None), (Decimal(5000000), "fine", "fine_amount")]),
    # a proposal with a gerund, and what a limit could mean for one company
    ("The agency proposed fining Orbit $6 million, pending comment.", [(Decimal(6000000), "proposed", None)]),
    ("Firms face fines of up to 4% of turnover, which for Orbit could mean $700 million.",
     [(Decimal(700000000), "proposed", None)]),
    # a penalty per violation is the law's
    ("每违法一次处以2万元罚款。", [(Decimal(20000), "maximum", None)]),
])
def test_changed_possible_and_per_violation_amounts_are_no_fines(
        text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert sorted(_roles(text)) == sorted(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("Regulators talked to 900 websites, issued warnings to or fined 300, and shut 2,000 illegal sites.",
     [("websites_summoned", 900), ("warned_or_fined", 300), ("websites_closed", 2000)]),
    ("Regulators disposed of 700 mini programs that broke the rules.", [("mini_programs_closed", 700)]),
    ("对700个违规小程序进行下线处理。", [("mini_programs_closed", 700)]),
])
def test_more_news_wording_of_rare_counts(text: str, expected: list[tuple[str, int]]) -> None:
    counts = [(f.metric, f.value) for f in extract(text, published=date(2024, 2, 1)).figures if f.currency is None]
    assert counts == expected


def test_a_plan_as_a_noun_is_no_intention() -> None:
    assert _roles("根据年度执法计划对星河公司罚款50万元。") == [(Decimal(500000), "fine", "fine_amount")]
    assert _roles("监管机构计划对星河公司罚款50万元。") == [(Decimal(500000), "proposed", None)]


def test_a_paper_named_daily_is_no_periodic_penalty() -> None:
    assert _roles("据每日经济新闻报道，监管部门对星河公司罚款50万元。") == [(Decimal(500000), "fine", "fine_amount")]


@pytest.mark.parametrize(("text", "expected"), [
    # fines still owed are a debt, not a fine imposed
    ("Online shops still owe the safety regulator more than £2m in fines, the paper found.",
     [(Decimal(2000000), "other", None)]),
    ("Around £700,000 worth of penalties remain unpaid.", [(Decimal(700000), "other", None)]),
    ("星河公司至今欠缴罚款30万元。", [(Decimal(300000), "other", None)]),
    # an amount the final decision replaced
    ("The board imposed a final surcharge of 9.5 billion won on Orbit, down from the provisional 40 billion won.",
     [(Decimal(9500000000), "fine", "fine_amount"), (Decimal(40000000000), "proposed", None)]),
    ("Originally, the board fined Orbit 40 billion won, but the fine was cut to 9.5 billion won.",
     [(Decimal(40000000000), "proposed", None), (Decimal(9500000000), "fine", "fine_amount")]),
    # a year-on-year change of a total is no fine
    ("保险局今年共裁罚12件，金额小减 25 万元。", [(Decimal(250000), "other", None)]),
])
def test_owed_replaced_and_changed_amounts_are_no_fines(
        text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert sorted(_roles(text)) == sorted(expected)


def test_a_combined_fine_in_the_headline_is_the_total_stated_again() -> None:
    text = ("Watchdog fines Orbit and Comet record 90 bln won\n\n"
            "The commission imposed a combined fine of 90 billion won on Orbit and Comet. "
            "It approved fines of 60 billion won for Orbit and 30 billion won for Comet.")
    money = [(f.value, f.role) for f in _money(text) if f.metric == "fine_amount"]
    assert sorted(money) == [(30000000000, "part"), (60000000000, "part"), (90000000000, "total")]


def test_a_fine_in_a_notice_about_one_platform_is_that_platforms() -> None:
    text = ("The regulator has looked into Google's advertising business since 2019.\n\n"
            "The third penalty, of €40 million, was announced on Monday.")
    assert [f.party for f in _money(text)] == ["google"]


@pytest.mark.parametrize(("text", "expected"), [
    # the subject of 遭罚/被罚, after a connective or a list's lead; the object of 对…处以
    ("银行局表示，主因是星河银行因内控缺失遭罚 300 万元，其次为月光人寿因理赔违规遭罚 120 万元。",
     [(3000000, "星河银行"), (1200000, "月光人寿")]),
    ("網警部門依法對該網吧處以罰款五千元。", [(5000, "该网吧")]),
    # 准备金 (reserves) is no intention to fine
    ("今年的大案包括星河保险因准备金提存不足被罚款60万元。", [(600000, "星河保险")]),
])
def test_the_party_a_chinese_clause_fines_without_a_known_name(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(f.value, f.party) for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # an operating system is no business: its owner named in the notice is the one fined
    (("The competition authority said Google had abused its position in the Android market "
      "and imposed a penalty of €90 million on the search company."), ["google"]),
    # a product written as the company's is the company's
    ("監管機關表示，Meta所營Facebook平台未依規定下架詐騙廣告，依法裁處新台幣300萬元罰鍰。", ["meta"]),
    ("The regulator said Meta's Instagram failed to remove the ads, and fined it €2 million.", ["meta"]),
    # a subsidiary named as such stays its own party
    ("The FTC said Google and its subsidiary YouTube must pay $20 million.", ["youtube"]),
])
def test_a_product_fined_where_its_owner_is_named_is_the_owners(text: str, expected: list[str]) -> None:
    assert [f.party for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # each case of a list headed by its party's name on a line of its own
    (("一、典型案例\n\n星河家居(中国)有限公司\n\n发布虚假广告案\n\n当事人在公交站牌上宣传床垫可“治疗失眠”。"
      "市场监管部门责令当事人停止发布，处罚款12万元。\n\n月光餐饮有限公司\n\n发布虚假广告案\n\n"
      "当事人在外卖平台宣称使用“野生河鲜”。市场监管部门依法对当事人处罚款3万元。"),
     [(120000, "星河家居(中国)"), (30000, "月光餐饮")]),
])
def test_a_fine_on_the_case_party_is_the_company_heading_the_case(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(f.value, f.party) for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # each case of a list defines its own 当事人
    (("一、某市监管局查处星河贸易有限公司虚假宣传案\n经查，星河贸易有限公司（以下简称当事人）在直播中夸大宣传。"
      "监管局对当事人作出行政处罚，罚款30万元。\n"
      "二、某区监管局查处月光网络科技有限公司案\n经查，月光网络科技有限公司(以下简称“当事人”)未尽审核义务。"
      "监管局责令当事人改正，并处罚款8万元。"),
     [(300000, "星河贸易"), (80000, "月光网络科技")]),
    # a party the registry and the company patterns do not know, in a paragraph of its own
    (("经查，老周商行(以下简称当事人)通过某直播平台推广商品，使用夸大的宣传用语。\n\n"
      "市场监管局对当事人作出行政处罚，并处罚款56万元。"), [(560000, "老周商行")]),
])
def test_a_fine_on_the_case_party_is_the_party_the_write_up_defined(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(f.value, f.party) for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a list of cases, each paying its own fine, before the one platform named later: a case
    # named after its site is that site's (the sentenced person runs it)
    (("其中，某地查处“星光影视”侵权案，判处王某某有期徒刑2年并处罚金50万元；某地查处“月亮漫画”案，"
      "判处李某有期徒刑1年6个月并处罚金8万元。\n\n版权局还约谈了快手等12家平台。"),
     [(500000, "星光影视"), (80000, "月亮漫画")]),
    # a case not named after a site: the sentenced person
    (("其中，某地侦破一起侵权案，判处王某某有期徒刑2年并处罚金50万元；另一地侦破一起盗版案，"
      "判处李某有期徒刑1年6个月并处罚金8万元。\n\n版权局还约谈了快手等12家平台。"),
     [(500000, "王某某"), (80000, "李某")]),
    # a criminal fine after a prison term and its commas: the one the court sentenced, named as
    # the object of 判处 or as the subject convicted of a crime, for every fine of the sentence
    ("区法院判处被告人孙某有期徒刑二年、缓刑三年，并处罚金6万元。", [(60000, "孙某")]),
    (("法院宣判：周某因非法经营罪判处有期徒刑四年，并处罚金40万元，与前罪有期徒刑一年、罚金3万元，"
      "决定执行有期徒刑四年八个月，并处罚金43万元。"), [(400000, "周某"), (30000, "周某"), (430000, "周某")]),
    ("经审理，吴某某犯侵犯著作权罪，被判处有期徒刑一年，并处罚金九万元。", [(90000, "吴某某")]),
    # a common noun or an adverb before 被罚 names no one
    ("一家公司因泄露员工资料被罚款6000元；另有个案已被罚款3000元。", [(6000, None), (3000, None)]),
    ("星光书店已被罚款2万元。", [(20000, "星光书店")]),
    # a clause that only refers back leaves the notice's one platform the party
    ("市场监管总局依法对美团立案调查。\n\n经查，对该公司处以罚款3万元。", [(30000, "meituan")]),
])
def test_a_fine_in_a_list_of_cases_is_its_own_items(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(f.value, f.party) for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the company the text says runs a platform stands for the platform, also in later sentences
    (("Regulators fined Douban's operating entity Starlight Network Technology Co., Ltd. 300,000 yuan on Monday. "
      "The company was also fined 20,000 yuan in May."), ["douban", "douban"]),
    ("Starlight Network Technology Co., Ltd., the operator of Douban, was fined 200,000 yuan.", ["douban"]),
    ("监管部门对豆瓣的运营主体北京星光网络科技有限公司处以罚款20万元。", ["douban"]),
    # a company named alone is its own party
    ("Regulators fined Starlight Network Technology Co., Ltd. 300,000 yuan on Monday.", ["Starlight Network Technology"]),
])
def test_a_platforms_operator_fined_is_the_platform(text: str, expected: list[str]) -> None:
    assert [f.party for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a list of names right before an amount each of them pays: one fine per name, in order
    ("The market regulator fined Google, Meta's Instagram and Amazon 300,000 yuan (about US$46,000) each over pricing.",
     ["google", "instagram", "amazon"]),
    ("监管部门依法分别对腾讯投资、百度和美团处以50万元罚款。", ["tencent", "baidu", "meituan"]),
    ("监管部门表示，快手及抖音各被罚款30万元。", ["kuaishou", "douyin"]),
    # a headline's 各遭 restated in the body with the list
    ("三家平台各遭罚款50万元\n\n监管部门分别对腾讯、百度和美团处以50万元罚款。", ["tencent", "baidu", "meituan"]),
    # one name only: its own fine
    ("监管部门表示，快手被罚款30万元。", ["kuaishou"]),
])
def test_an_amount_each_of_a_list_pays_is_a_fine_per_party(text: str, expected: list[str]) -> None:
    assert [f.party for f in _money(text) if f.metric == "fine_amount"] == expected


@pytest.mark.parametrize("text", [
    "The privacy commission slapped a combined fine of 50 billion won on Google and Meta.",
    "Google and Meta were together fined 50 billion won by the privacy commission.",
    # the sum of what several named parties were fined
    "Regulators said Google and Meta ignored the orders, and the amount of fines they must pay now exceeds 90 million rubles.",
    "今年以来，腾讯、百度两家公司的罚款总额达到300万元。",
])
def test_a_combined_fine_on_two_parties_is_no_one_partys(text: str) -> None:
    assert [f.party for f in _money(text) if f.metric == "fine_amount"] == [None]


def test_the_sum_of_one_partys_fines_is_that_partys() -> None:
    text = "Regulators said Google ignored the orders, and the amount of fines it must pay now exceeds 90 million rubles."
    assert [f.party for f in _money(text) if f.metric == "fine_amount"] == ["google"]


@pytest.mark.parametrize(("text", "expected"), [
    ("若以全年罚锾预算 3 亿元来看，目前仅达五成。", [(Decimal(300000000), "other", None)]),
    ("The regulator set a budget of £4m for fines this year and fined Orbit £1m.",
     [(Decimal(4000000), "other", None), (Decimal(1000000), "fine", "fine_amount")]),
])
def test_a_budget_for_fine_revenue_is_no_fine(text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert sorted(_roles(text)) == sorted(expected)


@pytest.mark.parametrize(("text", "expected"), [
    # a conversion in brackets stands between the amount and its per-day words
    ("The authority set a fine of R$ 20,000 (about $4,000) per day of non-compliance.",
     [(Decimal(20000), "other", None)]),
    ("Orbit must pay £200 (approximately $260) every day until it answers.",
     [(Decimal(200), "other", None)]),
    # what fines can reach is the law's maximum, with or without "to"
    ("Fines under the act can reach £12 million (about $15 million) or a share of revenue.",
     [(Decimal(12000000), "maximum", None)]),
    # a penalty recommended by a rapporteur or prosecutors is a proposal
    ("The rapporteur had recommended a penalty of 90 million euros for Orbit.",
     [(Decimal(90000000), "proposed", None)]),
    # …and a plain fine with its conversion stays a fine
    ("The regulator fined Orbit €3 million ($3.3 million) on Monday.",
     [(Decimal(3000000), "fine", "fine_amount")]),
])
def test_the_words_after_a_bracketed_conversion_and_possible_penalties(
        text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert [item for item in _roles(text) if item[0] in {e[0] for e in expected}] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the ends of a range the law sets are no fine imposed…
    ("Each breach is liable to a penalty of between NT$30,000 and NT$90,000.",
     [(Decimal(30000), "maximum", None), (Decimal(90000), "maximum", None)]),
    ("A platform that ignores the order faces a fine of 600,000-2,000,000 rubles ($8,000-$27,000).",
     [(Decimal(2000000), "maximum", None)]),
    # …while fines imposed in a range are fines
    ("The tribunal imposed fines ranging between HK$150,000 and HK$600,000 on the four firms.",
     [(Decimal(150000), "fine", "fine_amount"), (Decimal(600000), "fine", "fine_amount")]),
    # what a percentage is taken of is a base
    ("The fine equals 4% of Orbit's $300 million in sales last year.",
     [(Decimal(300000000), "sales_base", None)]),
])
def test_the_ends_of_a_range_and_the_base_of_a_percentage(
        text: str, expected: list[tuple[Decimal, str, str | None]]) -> None:
    assert [item for item in _roles(text) if item[0] in {e[0] for e in expected}] == expected


@pytest.mark.parametrize(("text", "value", "code"), [
    # a fine in the regulator's own currency in brackets after its US-dollar conversion
    ("The fine of $150.2 million (176 billion won) was imposed by the commission on Orbit.",
     Decimal(176000000000), "KRW"),
    ("The regulator slapped Orbit Data with a $9.8 million (68.5 million yuan) fine for abusing its position.",
     Decimal(68500000), "CNY"),
    # …or joined to it by a bare "or"
    ("Regulators ordered Orbit Data to pay $2.3 million or 16.1 million yuan over the leak.",
     Decimal(16100000), "CNY"),
    # a conversion said to be approximate is the one written second
    ("The commission fined Orbit $4 million, or about 3.7 million euros.",
     Decimal(4000000), "USD"),
])
def test_a_conversion_written_before_the_fine_it_restates(text: str, value: Decimal, code: str) -> None:
    fines = [figure for figure in _money(text) if figure.metric == "fine_amount"]
    assert [(figure.value, figure.unit) for figure in fines] == [(value, code)]


def test_an_infringement_notice_for_an_amount_is_a_fine() -> None:
    text = "The commissioner gave Orbit an infringement notice for $82,500 over the missed deadline."
    assert _roles(text) == [(Decimal(82500), "fine", "fine_amount")]


@pytest.mark.parametrize(("text", "expected"), [
    # a scale written in Chinese numerals is the law's, like one in digits
    ("按新规，每则违规贴文可罚三十万到八百万元。", [(Decimal(8000000), "maximum", None)]),
    # the least the law allows per item is no fine imposed
    ("條例施行後，每件違規商品可開罰至少二十萬元。", [(Decimal(200000), "maximum", None)]),
    ("按规定每条违规信息可罚至少5万元。", [(Decimal(50000), "maximum", None)]),
])
def test_legal_scales_and_per_item_minimums_are_no_fines(
        text: str, expected: list[tuple[Decimal, str | None, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # 拟 heads a 、-list of penalties: every item of it is proposed
    ("市场监管局拟没收星河公司违法所得、罚款共计420万元。", [(Decimal(4200000), "proposed", None)]),
    ("该局拟责令停业、罚款80万元。", [(Decimal(800000), "proposed", None)]),
    # …and without 拟 the same list is imposed
    ("市场监管局没收星河公司违法所得、罚款共计420万元。", [(Decimal(4200000), "fine", "fine_amount")]),
])
def test_a_proposal_governs_every_penalty_it_lists(
        text: str, expected: list[tuple[Decimal, str | None, str | None]]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize("text", [
    # a threshold that fines are measured against
    "The data protection office has now passed the 1 million euro barrier five times this year.",
    "Only two penalties went above the $10m threshold in the decade.",
    "今年罚款金额首次突破1000万元大关。",
    # a class of fines above an amount, counted or compared
    "截至目前，该局尚无罚锾超过200万元的金额。",
    "全年罚款高于50万元的案件共7起。",
])
def test_a_threshold_fines_are_measured_against_is_no_fine(text: str) -> None:
    assert [figure for figure in _money(text) if figure.metric == "fine_amount"] == []


def test_a_fine_stated_as_more_than_an_amount_stays_a_fine() -> None:
    assert _roles("市场监管局对星河公司罚款超过50万元。") == [(Decimal(500000), "fine", "fine_amount")]


def test_fines_a_notice_says_are_still_to_be_finalised_are_proposals() -> None:
    text = ("The regulator decided to impose a fine of 47.5 billion won on Google and 20.5 billion won on Apple. "
            "The commission plans to finalize the fine after listening to the opinions of the companies.")
    found = extract(text, language="en")
    assert [(figure.value, figure.role) for figure in found.figures] == [
        (47_500_000_000, "proposed"), (20_500_000_000, "proposed")]
    assert {mention.name: mention.actions for mention in found.platforms} == {
        "Google": ("fine_proposed",), "Apple": ("fine_proposed",)}


@pytest.mark.parametrize("text", [
    "The regulator said it seeks to slap 68 billion won in combined fines on Google.",
    "晴空音乐或遭罚款逾100亿元人民币。",
])
def test_a_fine_sought_or_feared_is_a_proposal(text: str) -> None:
    assert [figure.role for figure in extract(text).figures] == ["proposed"]


@pytest.mark.parametrize("text", ["有两名网民被罚款数千元。", "涉事商户被罰款數萬元。"])
def test_some_thousands_is_no_amount(text: str) -> None:
    assert extract(text).figures == []
