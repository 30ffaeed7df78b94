"""Top-level URLs: each app owns its own prefix."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

from accounts.urls import care_urlpatterns
from burnout_site.health import health
from emotions.urls import portal_urlpatterns


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # static() here, not at import: with the manifest storage it reads the hashed name, known after collectstatic.
    return HttpResponseRedirect(static("img/favicon.ico"))


urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page links; the file itself is a (hashed, cached) static file.
    path("favicon.ico", favicon, name="favicon"),
    path("health/", health, name="health"),  # for load balancers and monitors: docs/OPERATIONS.md
    path("admin/", admin.site.urls),
    path("api/", include("burnout_site.api_urls")),  # REST API, schema and docs: docs/api.md
    path("accounts/", include("accounts.urls")),
    path("care/", include((care_urlpatterns, "care"))),
    path("portal/", include((portal_urlpatterns, "portal"))),
    path("telegram/", include("telegram_bridge.urls")),  # bot webhook: docs/telegram.md
    path("", include("emotions.urls")),
]

# An uncaught busy-database error (a lock or statement timeout) is a 503 with Retry-After; anything else, the 500.
handler500 = "burnout_site.database_busy.server_error"
