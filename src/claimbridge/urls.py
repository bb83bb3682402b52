from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from claimbridge.accesslog.urls import case_urlpatterns as accesslog_case_urls
from claimbridge.api import api
from claimbridge.cases.views import my_cases
from claimbridge.core.health import readyz
from claimbridge.core.metrics import metrics
from claimbridge.field import views as field_views
from claimbridge.reports.publication_urls import public_urlpatterns, staff_urlpatterns
from claimbridge.subjects.urls import staff_urlpatterns as subject_staff_urlpatterns
from claimbridge.web.views import healthz

admin.site.site_header = _("ClaimBridge")
admin.site.site_title = _("ClaimBridge")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),  # each dependency checked (issue 19)
    path("metrics", metrics, name="metrics"),  # Prometheus; METRICS_TOKEN (issue 19)
    path("manifest.webmanifest", field_views.manifest, name="web-manifest"),  # the installable app (B7)
    path("sw.js", field_views.service_worker, name="service-worker"),  # at the root: it may answer for every page
    path("field/", include("claimbridge.field.urls")),  # the adjuster's form that works with no signal
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("claimbridge.accounts.urls")),
    path("rules/", include("claimbridge.rulebook.urls")),
    path("evidence/", include("claimbridge.evidence.urls")),
    path("policies/", include("claimbridge.policies.urls")),
    path("cases/", include(accesslog_case_urls)),  # who looked at a case's personal data (issue 20)
    path("cases/", include("claimbridge.cases.urls")),
    path("access-log/", include("claimbridge.accesslog.urls")),
    path("me/", my_cases.my_cases, name="my-cases"),  # 我的案件: a driver's cases, by their proved mobile
    path("me/<str:number>/", my_cases.my_case, name="my-case"),
    path("credentials/", include("claimbridge.credentials.urls")),
    path("fraud/", include("claimbridge.fraud.urls")),
    path("police/", include("claimbridge.police.urls")),
    path("consult/", include("claimbridge.consultations.urls")),  # questions and the public FAQ (R13)
    path("my-data/", include("claimbridge.subjects.urls")),  # a person's own data and requests (PIPL 44–47)
    path("data-requests/", include(subject_staff_urlpatterns)),  # the holders' desk for those requests
    path("reports/exports/", include("claimbridge.reports.export_urls")),
    path("reports/", include("claimbridge.reports.urls")),
    path("guide/", include("claimbridge.guidance.urls")),  # the public guide (R18)
    path("privacy/", include("claimbridge.privacy.urls")),  # the personal-information notice and register (issue 20)
    path("progress/", include(public_urlpatterns)),  # the published progress reports, for anyone (R19)
    path("publications/", include(staff_urlpatterns)),  # the associations draft and publish them
    path("retention/", include("claimbridge.retention.urls")),  # the retention schedule and sweeps (decision 0028)
    path("", include("claimbridge.web.urls")),
]

if settings.BENCH_ENDPOINTS:
    from claimbridge.core.bench_views import bare_insert

    urlpatterns.insert(0, path("bench/bare-insert", bare_insert))

handler400 = "claimbridge.web.views.bad_request"
handler403 = "claimbridge.web.views.permission_denied"
handler404 = "claimbridge.web.views.page_not_found"
handler500 = "claimbridge.web.views.server_error_page"
