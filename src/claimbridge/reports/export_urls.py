from django.urls import path

from claimbridge.reports import row_export_views as views

urlpatterns = [
    path("", views.exports_page, name="report-exports"),
    path("<int:job_id>/", views.export_status, name="report-export"),
    path("<int:job_id>/download", views.export_download, name="report-export-download"),
]
