"""Names the registry does not know, in English text (``diffing.english_names``)."""

from __future__ import annotations

import pytest

from diffing.extract import extract


def _names(text: str) -> list[str]:
    return [mention.name for mention in extract(text, language="en").platforms if mention.id is None]


@pytest.mark.parametrize(("text", "expected"), [
    # the other side of a deal
    ("The regulator fined Northwind 500,000 yuan over its acquisition of Harbour Lane Media.",
     ["Harbour Lane Media"]),
    ("Fines followed Northwind's deal with Bluefield Retail (Holdings) Co Ltd, which it had not notified.",
     ["Bluefield Retail (Holdings) Co Ltd"]),
    ("Northwind was penalised for its 2019 investment in tutoring app Quillpad.", ["Quillpad"]),
    ("The penalty concerns a controlling stake in Crestview Holdings.\n\nOther news", ["Crestview Holdings"]),
    # the owner of an account or an app
    ("The bureau closed an account called Lakeside Daily (Lakeside News) for spreading rumours.",
     ["Lakeside Daily"]),
    ("A court ordered the platform to restore the video account of Orchard TV.", ["Orchard TV"]),
    ("The apps of Harbour Radio were removed from the store.", ["Harbour Radio"]),
])
def test_names_grammar_marks_as_an_object(text: str, expected: list[str]) -> None:
    assert [name for name in _names(text) if name in expected] == expected


@pytest.mark.parametrize("text", [
    "The websites of the Kremlin were slow on Tuesday.",
    "The firm signed a deal with the SDK vendor last year.",
    "The regulator welcomed the acquisition of new powers.",
])
def test_no_name_where_the_object_is_a_body_or_a_thing(text: str) -> None:
    assert _names(text) == []


def test_an_initial_s_full_stop_is_part_of_the_name() -> None:
    assert "T.K. Freight Co" in _names("Its backers include logistics giant T.K. Freight Co. The fine was paid.")


@pytest.mark.parametrize(("text", "unexpected"), [
    ("The authority fined Google Reklamcılık ve Pazarlama Ltd Şti and Google LLC.", "Pazarlama Ltd"),
    ("The court fined Meta Plataformas y Servicios SA over ads.", "Servicios SA"),
])
def test_a_registered_name_goes_on_over_foreign_joiners(text: str, unexpected: str) -> None:
    assert unexpected not in _names(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Brightway demanded data from four rival platforms: Otto, Pell, Nimbus Cabs, and Quay Taxi.",
     ["Otto", "Pell", "Nimbus Cabs", "Quay Taxi"]),
    ("Brightway pressed competing taxi operators (Otto, Pell, Nimbus Cabs, Quay Taxi) for data.",
     ["Otto", "Pell", "Nimbus Cabs", "Quay Taxi"]),
])
def test_a_list_a_plural_noun_opens_names_all_its_members(text: str, expected: list[str]) -> None:
    assert [name for name in _names(text) if name in expected] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The apps of the Courier, Novaya Wave, Lenta Nine, and other independent media were removed.",
     ["Courier", "Novaya Wave", "Lenta Nine"]),
    ("Regulators blocked Pellucid and other VPN services last spring.", ["Pellucid"]),
    # a kind of three words ("internet data centre operators")
    ("Acme Cloud, Bright Data and other internet data centre operators were ordered to rectify.",
     ["Acme Cloud", "Bright Data"]),
])
def test_a_list_closed_by_its_kind_names_its_members(text: str, expected: list[str]) -> None:
    assert [name for name in _names(text) if name in expected] == expected


def test_no_member_that_is_a_place_or_a_body() -> None:
    assert _names("China, the Ministry of Justice and other agencies met.") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("The regulator blocked Lantern Shield, Harbor Chat and Quillnet on Monday.",
     ["Lantern Shield", "Harbor Chat", "Quillnet"]),
    ("The ministry banned Ferrow and 117 other mobile applications.", ["Ferrow"]),
    ("Authorities restricted access to Pinewire after the ruling.", ["Pinewire"]),
])
def test_services_blocked_banned_or_throttled_are_names(text: str, expected: list[str]) -> None:
    assert [name for name in _names(text) if name in expected] == expected


@pytest.mark.parametrize("text", [
    "The websites were blocked Sunday after the order.",
    "The ministry banned Chinese apps last year.",
])
def test_no_blocked_name_that_is_a_day_or_a_people(text: str) -> None:
    assert _names(text) == []


def test_a_registered_name_a_registry_name_begins_is_that_platforms_mention() -> None:
    mentions = extract("The regulator fined Alibaba Investment for buying Intime Retail (Group) Co Ltd.",
                       language="en").platforms
    assert ("intime", "Intime Retail (Group) Co Ltd") in {(mention.id, mention.name) for mention in mentions}


@pytest.mark.parametrize(("text", "expected"), [
    # a full stop ends the name where a sentence ends inside a run of capitals
    ("The watchdog fined Northwind over its purchase of Quillpad. Despite warnings, it integrated the app.",
     ["Northwind", "Quillpad"]),
    ("The court fined Bluefield Retail. Northwind was not named in the ruling.", ["Bluefield Retail"]),
    # an initial and a legal form keep their stop
    ("The regulator fined S.F. Harbour Co. Ltd over late filings.", ["S.F. Harbour Co. Ltd"]),
])
def test_a_name_ends_where_its_sentence_ends(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


def test_a_possessive_before_a_noun_is_not_the_party_governed() -> None:
    names = _names("Northwind Ltd settled with Lakeland's privacy regulator for $5 million.")
    assert not any(name.startswith("Lakeland") for name in names)


@pytest.mark.parametrize(("text", "expected"), [
    ("Quillpad, Harbour Radio and Lakeside Daily are among 120 apps on the list.",
     ["Quillpad", "Harbour Radio", "Lakeside Daily"]),
    ("Northwind and Bluefield were among the platforms fined last year.", ["Northwind", "Bluefield"]),
])
def test_a_list_said_to_be_among_a_counted_kind(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # where the apps come from, said of a kind
    ("The ministry blocked 120 foreign apps, including Chinese ones, for fraud.", []),
    # a full stop and a space end the name with the sentence
    ("The ministry blocked lending apps run from abroad, including Chinese. They were a threat.", []),
    ("The ministry blocked 12 apps, including Lumo and Quillpad. They were a threat.", ["Lumo", "Quillpad"]),
])
def test_an_app_list_item_is_no_nationality_and_stops_at_the_sentence(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


def test_the_source_a_sentence_cites_is_no_party() -> None:
    text = "According to Harbour Wire, Northwind was also penalized for breaching the data law."
    assert _names(text) == ["Northwind"]
