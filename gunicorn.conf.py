"""gunicorn's settings for SocialCRM, read from the working directory (docker-compose,
scripts/fuzz, scripts/load, the production-server tests); flags on the command line win.

Request limits, so an oversized request is refused by gunicorn before Django sees it:
the request line (method, path and query) and each header line are bounded, and so is
the number of headers. The body is bounded by MAX_REQUEST_BYTES from its Content-Length
(core/limits.py); gunicorn has no body limit of its own.
"""

# Longer than any URL the app builds, search queries included (gunicorn's default, stated).
limit_request_line = 4094
# Browsers send about 20 headers; a proxy or two add a few more.
limit_request_fields = 50
# One header line: a session cookie, a token, a CSRF cookie fit many times over.
limit_request_field_size = 8190
