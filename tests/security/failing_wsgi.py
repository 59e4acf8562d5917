"""The production WSGI application plus two views that fail, for the production-server tests.

A real bug is what shows a 500; these stand for one (``/api/test-failure/`` and
``/test-failure/``), so the tests can check what an attacker sees when the app breaks.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")

import django  # noqa: E402 - the settings module must be named first

django.setup()

from django.urls import path  # noqa: E402

from socialcrm import urls  # noqa: E402
from socialcrm.wsgi import application  # noqa: E402, F401 - what gunicorn serves


class DeliberateFailure(Exception):
    pass


def fail(request):
    raise DeliberateFailure("SECRET-IN-THE-TRACEBACK")


urls.urlpatterns[:0] = [path("api/test-failure/", fail), path("test-failure/", fail)]
