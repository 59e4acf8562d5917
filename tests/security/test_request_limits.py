"""Oversized and hostile bodies are refused cheaply, never with a 5xx.

The attacks: announce a 200 MB upload and make the server read it all before refusing;
send ``[[[[…]]]]`` thousands deep so the JSON parser overflows the stack (a 500 before
this); send broken JSON or bytes that are not UTF-8.
"""

import pytest

from core.parsers import MAX_JSON_DEPTH
from imports.api import MAX_UPLOAD_BYTES

PROSPECTS = "/api/prospects/"
TWO_HUNDRED_MB = 200 * 1024 * 1024


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_json(client, body: str | bytes, **extra):
    return client.generic("POST", PROSPECTS, body, content_type="application/json", **extra)


def test_the_limit_leaves_room_for_the_largest_linkedin_import(settings):
    assert MAX_UPLOAD_BYTES < settings.MAX_REQUEST_BYTES <= MAX_UPLOAD_BYTES + 2 * 1024 * 1024


@pytest.mark.parametrize("path", ["/api/imports/linkedin/", PROSPECTS, "/api/auth/token/"])
def test_a_body_announced_larger_than_the_limit_is_refused_from_its_headers(client, path):
    # The test client sends 1 byte but announces 200 MB: the answer comes from the header.
    response = client.generic(
        "POST", path, b"x", content_type="application/json", CONTENT_LENGTH=str(TWO_HUNDRED_MB)
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_page_gets_the_refusal_as_text(client):
    response = client.generic("POST", "/login/", b"x", CONTENT_LENGTH=str(TWO_HUNDRED_MB))

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("length", ["lots", "-5", "1e9"])
def test_a_content_length_that_is_not_a_number_is_a_400(client, length):
    response = client.generic("POST", PROSPECTS, b"{}", CONTENT_LENGTH=length)

    assert response.status_code == 400
    assert response.json()["code"] == "bad_length"


def test_a_body_at_the_limit_reaches_the_view(api_as, rep, settings):
    settings.MAX_REQUEST_BYTES = 2048
    body = '{"full_name": "' + "x" * 2000 + '"}'
    assert len(body) <= 2048

    response = post_json(api_as(rep), body)

    assert response.status_code == 400  # the serializer's answer, not the limit's
    assert "full_name" in response.json() or "kind" in response.json()


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deeply_nested_json_is_a_400_parse_error(api_as, rep, depth):
    for body in (nested(depth), '{"a":' * depth + "1" + "}" * depth):
        response = post_json(api_as(rep), body)

        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"


def test_nesting_up_to_the_limit_is_parsed(api_as, rep):
    response = post_json(api_as(rep), '{"full_name": ' + nested(MAX_JSON_DEPTH - 1) + "}")

    assert response.status_code == 400
    assert response.json().get("code") != "parse_error"
    assert "full_name" in response.json()


def test_brackets_inside_strings_do_not_count_as_nesting(api_as, rep):
    notes = '[{\\"' * 100  # an escaped quote must not end the string early
    response = post_json(api_as(rep), '{"notes": "' + notes + '"}')

    assert response.status_code == 400
    assert response.json().get("code") != "parse_error"


@pytest.mark.parametrize(
    "body",
    [b"{bad", b'{"full_name": "x"', b"\xff\xfe{}", b'{"a": NaN}', b"[1,]"],
    ids=["unquoted", "unterminated", "not utf-8", "NaN", "trailing comma"],
)
def test_malformed_json_is_a_400_parse_error(api_as, rep, body):
    response = post_json(api_as(rep), body)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_json_body_larger_than_the_memory_limit_is_a_413(api_as, rep, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"notes": "' + "x" * 2000 + '"}'

    response = post_json(api_as(rep), body)

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
