"""The personal one-click objection link ``/o/{token}/`` (RULES 1, 2, 15; RFC 8058).

No login: the unguessable token is the capability, so the view takes no CSRF token
either (a mail client's one-click POST carries neither cookie nor token). GET only
shows the button, since mail scanners open links; POST objects at once. The pages
are in the person's language and say nothing about them or about anyone else.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consent import notice, optout, services


def page_language(request, preferred: str = "") -> str:
    """``?lang=`` when it names a language we write in; else ``preferred``; else French."""
    asked = request.GET.get("lang", "")
    if asked in notice.LANGUAGES:
        return asked
    return preferred if preferred in notice.LANGUAGES else notice.DEFAULT_LANGUAGE


def render_in(request, template: str, language: str, context=None, status: int = 200):
    """``template`` rendered in ``language``, with links to the same page in the others."""
    with translation.override(language):
        response = render(
            request,
            template,
            {
                "page_language": language,
                "other_languages": [code for code in notice.LANGUAGES if code != language],
                "company_name": settings.COMPANY_NAME,
                "notice_path": notice.NOTICE_PATH,
                **(context or {}),
            },
            status=status,
        )
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def objection(request, token):
    link = optout.link_for(token)
    if link is None:
        return render_in(
            request, "consent/objection_invalid.html", page_language(request), status=404
        )
    preferred = link.prospect.language if link.prospect is not None else ""
    language = page_language(request, preferred)
    if request.method == "POST":
        services.objection_link_use(link=link)
        return render_in(request, "consent/objection_done.html", language)
    return render_in(request, "consent/objection.html", language)
