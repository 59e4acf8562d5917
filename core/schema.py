"""OpenAPI post-processing: the error answers every operation can give, documented once.

DRF answers 400 (validation), 401 (no or bad token — also on open endpoints when
a bad token is sent), 403 (role, CSRF), 404 (out of scope, unknown id, page past
the end), 429 (throttled) and 503 (database or cache unreachable, ``lib.api``) from its
own machinery, so views never declare them; other systems and the API fuzzing
test read them from the schema.
"""

ERROR = {
    "type": "object",
    "description": "An error with a stable code.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field name → messages; `detail` and `code` for errors not tied to a field.",
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input: each message names its field.",
    "401": "Missing, invalid or deactivated token.",
    "403": "The caller's role may not do this (or CSRF failed on a session).",
    "404": "No such record within the caller's scope.",
    "429": "Too many requests: try again later.",
    "503": "The database or the cache cannot be reached for now: nothing was stored; "
    "retry after Retry-After.",
}
WRITES = {"post", "put", "patch"}


def _response(status: str, schema_name: str) -> dict:
    return {
        "description": DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
        },
    }


def _admit_drf_error_body(status: str, response: dict) -> None:
    """A view's own error body, or DRF's generic one for the same status."""
    generic = {
        "$ref": "#/components/schemas/" + ("ValidationError" if status == "400" else "Error")
    }
    media = response.setdefault("content", {}).setdefault("application/json", {})
    declared = media.get("schema")
    if declared is None:
        media["schema"] = generic
    elif declared != generic and "anyOf" not in declared:
        media["schema"] = {"anyOf": [declared, generic]}


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            takes_input = method in WRITES or any(p.get("in") == "query" for p in parameters)
            # A write names records (a prospect, an employee) the caller may not see: 404.
            finds_something = (
                "{" in path or method in WRITES or any(p.get("name") == "page" for p in parameters)
            )
            open_to_anonymous = {} in operation.get("security", [])
            wanted = [("401", "Error"), ("403", "Error"), ("503", "Error")]
            if takes_input:
                wanted.append(("400", "ValidationError"))
            if finds_something:
                wanted.append(("404", "Error"))
            if open_to_anonymous:
                wanted.append(("429", "Error"))
            for status, schema_name in wanted:
                responses.setdefault(status, _response(status, schema_name))
            for status, response in responses.items():
                if status in DESCRIPTIONS:
                    _admit_drf_error_body(status, response)
            for parameter in parameters:
                # DRF reads `?name=` in a query string as "not given", like the filters do.
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
