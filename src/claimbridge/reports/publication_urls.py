"""The progress report's pages: `/progress/…` for anyone, `/publications/…` for the associations (R19, B10)."""

from django.urls import path

from claimbridge.reports import publication_views as views

public_urlpatterns = [
    path("", views.progress, name="progress"),
    path("<int:number>/", views.progress_report, name="progress-report"),
    path("<int:number>/<int:version>/", views.progress_version, name="progress-version"),
    path("<int:number>/<int:version>/report.<str:kind>", views.progress_download, name="progress-download"),
]

staff_urlpatterns = [
    path("", views.publication_list, name="publications"),
    path("<int:number>/", views.publication_detail, name="publication"),
    path("<int:number>/<int:version>/", views.publication_preview, name="publication-preview"),
    path("<int:number>/<int:version>/report.<str:kind>", views.publication_download, name="publication-download"),
]
