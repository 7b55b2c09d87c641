"""The HTTP API (web.api): answers, errors, limits, the token, the bind check, and a
schema-driven run (schemathesis) that must find no server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from config import load_config
from storage.db import open_archive, session_factory
from storage.series import figure_series
from tests.query_fixtures import XSS_TEXT, XSS_TITLE, build_query_archive, build_random_archive
from web.app import create_app
from web.settings import UnsafeBindError, WebSettings, check_bind, is_loopback, web_settings

TOKEN = "a-test-token-of-enough-length"


@pytest.fixture(scope="module", name="app")
def app_fixture(archive: tuple[str, dict[str, int]]) -> FastAPI:
    return create_app(archive[0], None, settings=WebSettings())


@pytest.fixture(scope="module", name="client")
def client_fixture(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture(name="ids")
def ids_fixture(archive: tuple[str, dict[str, int]]) -> dict[str, int]:
    return archive[1]


def test_search_with_filters_and_snippets(client: TestClient, ids: dict[str, int]) -> None:
    answer = client.get("/api/notices", params={"q": "約談", "source": "cac-test"})
    assert answer.status_code == 200
    body = answer.json()
    assert {notice["id"] for notice in body["notices"]} == {
        ids["summons_2023"],
        ids["quark"],
        ids["douyin_hant"],
    }
    for notice in body["notices"]:
        marks = notice["snippet"]["marks"]
        assert marks and all(m["end"] > m["start"] for m in marks)
    answer = client.get("/api/notices", params={"platform": "quark", "has_figures": "false"})
    assert [notice["id"] for notice in answer.json()["notices"]] in ([ids["quark"]], [])


def test_page_size_is_capped(client: TestClient) -> None:
    assert client.get("/api/notices", params={"limit": 100}).status_code == 200
    assert client.get("/api/notices", params={"limit": 101}).status_code == 422
    assert client.get("/api/notices", params={"limit": 0}).status_code == 422


@pytest.mark.parametrize("query", ['"open', "OR", "-", "x" * 10_000])
def test_malformed_queries_are_400_with_a_message(client: TestClient, query: str) -> None:
    answer = client.get("/api/notices", params={"q": query})
    assert answer.status_code == 400
    assert answer.json()["detail"]


def test_notice_versions_and_diff(client: TestClient, ids: dict[str, int]) -> None:
    notice_id = ids["summons_2023"]
    notice = client.get(f"/api/notices/{notice_id}").json()
    assert notice["version"]["number"] == 2 and notice["versions"] == 2
    assert "261款" in notice["text"]
    figure = next(f for f in notice["figures"] if f["metric"] == "websites_summoned")
    assert notice["text"][figure["start"] : figure["end"]] == figure["text"]
    assert figure["value"] == "10646"
    first = client.get(f"/api/notices/{notice_id}", params={"version": 1}).json()
    assert "259款" in first["text"]
    versions = client.get(f"/api/notices/{notice_id}/versions").json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    diff = client.get(f"/api/notices/{notice_id}/diff").json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert "-" in diff["unified"] and "261款" in diff["unified"]
    edited = [change for change in diff["figures"] if change["kind"] == "edited"]
    assert [(c["old_value"], c["new_value"]) for c in edited] == [("259", "261")]


@pytest.mark.parametrize(
    "path",
    [
        "/api/notices/999999",
        "/api/notices/999999/versions",
        "/api/notices/999999/diff",
        "/api/notices/1?version=9",
        "/api/notices/1/diff?from=1&to=9",
        "/api/platforms/no-such-platform",
    ],
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.json()["detail"]


def test_figures_platforms_events_sources(client: TestClient, ids: dict[str, int]) -> None:
    series = client.get("/api/figures", params={"metric": "websites_summoned"}).json()
    assert [(p["period"], p["value"]) for p in series["series"]] == [("2023", "10646")]
    assert series["series"][0]["notices"][0]["notice_id"] == ids["summons_2023"]
    assert "websites_summoned" in {m["metric"] for m in series["metrics"]}
    platforms = client.get("/api/platforms").json()
    assert {"quark", "douyin"} <= {p["id"] for p in platforms if p["notices"]}
    quark = client.get("/api/platforms/quark").json()
    assert [entry["notice_id"] for entry in quark["timeline"]] == [ids["quark"]]
    assert "summoned" in quark["timeline"][0]["actions"]
    events = client.get("/api/events", params={"kind": "notice_edited"}).json()
    assert [event["notice_id"] for event in events] == [ids["summons_2023"]]
    assert client.get("/api/events", params={"kind": "no_such_kind"}).status_code == 422
    sources = client.get("/api/sources").json()
    assert {source["id"] for source in sources} == {"cac-test", "ftc-test"}
    assert all(source["next_run"] is None for source in sources)


def test_archived_markup_comes_back_as_the_same_text(client: TestClient, ids: dict[str, int]) -> None:
    answer = client.get(f"/api/notices/{ids['xss']}")
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["title"] == XSS_TITLE
    assert answer.json()["text"] == XSS_TEXT
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/api/notices",
        "/api/notices/{notice_id}",
        "/api/notices/{notice_id}/versions",
        "/api/notices/{notice_id}/diff",
        "/api/figures",
        "/api/platforms",
        "/api/platforms/{platform_id}",
        "/api/events",
        "/api/sources",
        "/api/sources/{source_id}/crawl",
    } <= paths


# --- changes need the token ------------------------------------------------------------------


def test_changes_are_refused_without_a_configured_token(client: TestClient) -> None:
    answer = client.post("/api/sources/cac-test/crawl", headers={"Authorization": "Bearer x"})
    assert answer.status_code == 403
    assert "no API token" in answer.json()["detail"]


def test_changes_need_the_right_token(archive: tuple[str, dict[str, int]]) -> None:
    # With no configuration there is no source to crawl: a request that passes the token
    # check answers 404, one that fails it 401. A crawl that starts (202) is in test_browser.py.
    app = create_app(archive[0], None, settings=WebSettings(token=TOKEN))
    with TestClient(app) as client:
        url = "/api/sources/cac-test/crawl"
        assert client.post(url).status_code == 401
        wrong = client.post(url, headers={"Authorization": f"Bearer {TOKEN}x"})
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"] == "Bearer"
        assert client.post(url, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        assert client.post(url, headers={"Authorization": "Bearer"}).status_code == 401
        right = client.post(url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 404
        assert "no configured source" in right.json()["detail"]
        # Reading stays open on loopback.
        assert client.get("/api/sources").status_code == 200


def test_binding_beyond_loopback_needs_a_token() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert is_loopback(host)
        check_bind(host, None)
    for host in ("0.0.0.0", "::", "192.0.2.10", "example.org"):
        assert not is_loopback(host)
        with pytest.raises(UnsafeBindError, match="no API token"):
            check_bind(host, None)
        check_bind(host, TOKEN)


def test_web_settings_from_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from config import ConfigError

    monkeypatch.delenv("REGWATCH_API_TOKEN", raising=False)
    path = tmp_path / "regwatch.toml"
    path.write_text('[web]\nhost = "0.0.0.0"\nport = 9090\ntoken_env = "MY_TOKEN"\n')
    settings = web_settings(load_config(path))
    assert (settings.host, settings.port, settings.token) == ("0.0.0.0", 9090, None)
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    settings = web_settings(load_config(path))
    assert settings.token == TOKEN
    assert TOKEN not in repr(settings)
    monkeypatch.setenv("MY_TOKEN", "short")
    with pytest.raises(ConfigError, match="at least 16"):
        web_settings(load_config(path))
    path.write_text("[web]\nlisten = 1\n")
    with pytest.raises(ConfigError, match="unknown key 'listen'"):
        web_settings(load_config(path))
    assert web_settings(None) == WebSettings()


def test_the_web_command_refuses_a_public_address_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click
    from click.testing import CliRunner

    from cli.common import EXIT_USAGE
    from cli.queries import COMMANDS

    monkeypatch.delenv("REGWATCH_API_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    group = click.Group(commands=COMMANDS)
    result = CliRunner().invoke(
        group, ["web", "--host", "0.0.0.0", "--port", "0"],
        obj={"database_url": f"sqlite:///{tmp_path / 'a.db'}", "config": None},
    )
    assert result.exit_code == EXIT_USAGE
    assert "refusing to listen on 0.0.0.0" in result.output


# --- the same search on PostgreSQL -----------------------------------------------------------


def test_the_api_searches_postgresql_too(archive_engine: Engine, archive_url: str) -> None:
    with session_factory(archive_engine)() as session:
        ids = build_query_archive(session)
    with TestClient(create_app(archive_url, None, settings=WebSettings())) as client:
        answer = client.get("/api/notices", params={"q": "约谈 抖音"}).json()
        assert [notice["id"] for notice in answer["notices"]] == [ids["douyin_hant"]]
        assert client.get("/api/notices", params={"q": "夸克浏览器"}).json()["total"] == 1
        english = client.get("/api/notices", params={"q": "broker", "language": "en"}).json()
        assert [notice["id"] for notice in english["notices"]] == [ids["ftc_fine"]]
        assert client.get("/api/notices", params={"q": "\x00約談"}).status_code == 200


# --- schema-driven -------------------------------------------------------------------------


def test_no_request_the_schema_allows_gets_a_server_error(app: FastAPI) -> None:
    from hypothesis import given
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call()
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        call()


@pytest.fixture(scope="module", name="random_archive")
def random_archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('api-random') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_random_archive(session, 3, notices=120)
    engine.dispose()
    return url


def test_figures_list_each_points_newest_notices(random_archive: str) -> None:
    engine = open_archive(random_archive)
    with session_factory(engine)() as session:
        every = {(p.period, p.scope, p.unit): [n.notice_id for n in p.notices]
                 for p in figure_series(session, "websites_summoned")}
    engine.dispose()
    assert max(len(ids) for ids in every.values()) > 2
    with TestClient(create_app(random_archive, None, settings=WebSettings())) as client:
        for limit in (0, 2, 1000):
            answer = client.get("/api/figures", params={"metric": "websites_summoned",
                                                        "notices_limit": limit})
            assert answer.status_code == 200
            points = answer.json()["series"]
            assert len(points) == len(every)
            for point in points:
                ids = every[(point["period"], point["scope"], point["unit"])]
                assert [n["notice_id"] for n in point["notices"]] == ids[:limit]
                assert point["notices_more"] == (len(ids) > limit)
        default = client.get("/api/figures", params={"metric": "websites_summoned"}).json()
        assert all(len(point["notices"]) == min(20, len(every[(
            point["period"], point["scope"], point["unit"])])) for point in default["series"])
        period = next(key[0] for key, ids in every.items() if len(ids) > 2)
        one = client.get("/api/figures", params={"metric": "websites_summoned",
                                                 "period": period, "notices_limit": 1}).json()
        assert one["period"] == period
        assert {(p["period"], p["scope"], p["unit"]) for p in one["series"]} == {
            key for key in every if key[0] == period}
        for params in ({"notices_limit": -1}, {"notices_limit": 1001}, {"period": "2023-Q5"},
                       {"period": "23"}):
            answer = client.get("/api/figures", params={"metric": "websites_summoned",
                                                        **params})
            assert answer.status_code == 422, params


def test_openapi_describes_the_bounded_notices_of_a_point(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/figures"]["get"]["parameters"]}
    assert {"notices_limit", "period"} <= parameters
    point = schema["components"]["schemas"]["SeriesPointOut"]
    assert {"notices", "notices_more"} <= set(point["required"])
    assert "notices_limit" in point["properties"]["notices_more"]["description"]
