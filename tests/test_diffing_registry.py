"""The platform registry's data (``diffing/data/platforms.toml``) as ``diffing.registry`` reads it."""

from __future__ import annotations

import pytest

from diffing.extract import extract
from diffing.registry import builtin_registry


@pytest.mark.parametrize(("text", "platform_id"), [
    ("The regulator fined CAIXABANK, S.A. for its privacy notices.", "caixabank"),
    ("The authority fined H&M over the monitoring of staff.", "hm"),
    ("Google was said to have kept games off One Store.", "one_store"),
    ("The ride-hailing app KakaoT was at the centre of the case.", "kakao_t"),
    ("The ministry banned PUBG Mobile and other games.", "pubg"),
    ("Apps such as Helo were blocked.", "helo"),
    ("Tencent Music Entertainment Group was told to give up exclusive rights.", "tencent_music"),
    ("监管部门责令腾讯音乐解除独家版权。", "tencent_music"),
    ("The forum Kiwi Farms joined the lawsuit.", "kiwi_farms"),
    ("The regulator opened an investigation into Grok.", "grok"),
    ("Users reported problems with Rostelecom after the slowdown.", "rostelecom"),
    ("The apps of Meduza and Radio Free Europe were removed.", "meduza"),
    ("The apps of Meduza and Radio Free Europe were removed.", "radio_free_europe"),
    ("The Amnezia VPN app was removed from the store.", "amnezia_vpn"),
    ("The regulator fined Shenzhen Hive Box for an unreported deal.", "fengchao"),
    ("Officials met Yidianzixun and Sohu.", "yidian"),
    ("The apps were taken off the Playstore.", "google_play"),
])
def test_registry_knows_platforms_regulators_act_on(text: str, platform_id: str) -> None:
    assert platform_id in {mention.id for mention in extract(text, language=None if "监管" in text else "en").platforms}


@pytest.mark.parametrize("text", [
    "Please store one item per shelf; one store is enough.",
    "The team will grok the new rules soon.",
    "He said helo to the staff.",
])
def test_cased_names_written_as_ordinary_words_are_not_names(text: str) -> None:
    assert not extract(text, language="en").platforms


def test_every_new_parent_is_an_id_or_a_company_name() -> None:
    registry = builtin_registry()
    for platform_id in ("caixabank", "hm", "one_store", "kakao_t", "pubg", "helo", "tencent_music", "kiwi_farms",
                        "grok", "rostelecom", "meduza", "radio_free_europe", "amnezia_vpn"):
        assert registry.platforms[platform_id].parent


def test_douyin_s_operator_by_its_english_name_is_douyin() -> None:
    text = "Regulators fined Beijing Microlive Vision Technology, which runs the short video app."
    assert "douyin" in {mention.id for mention in extract(text, language="en").platforms}


@pytest.mark.parametrize("text", [
    "因在搜尋結果不當顯示品牌名稱，使消費者誤認「青禾市集」的賣場有販售該品牌商品，公平會開罰50萬元。",
    "消费者误以为“青禾市集”网店有售正品，市场监管局对其罚款。",
])
def test_a_quoted_name_said_to_be_a_shop_is_a_website(text: str) -> None:
    mentions = extract(text, language="zh-Hant" if "會" in text else None).platforms
    assert [(mention.name, mention.kind) for mention in mentions if mention.id is None][:1] == [("青禾市集", "website")]
