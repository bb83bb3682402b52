from django.urls import path

from claimbridge.evidence import views

urlpatterns = [
    path("", views.file_list, name="evidence-files"),
    path("reuse/", views.reuse_signals, name="evidence-reuse"),
    path("reuse/<int:match_id>/picture/", views.reuse_picture, name="evidence-reuse-picture"),
    path("items/<int:item_id>/original/", views.original, name="evidence-original"),
    path("items/<int:item_id>/thumbnail/", views.derived, {"which": "thumbnail"}, name="evidence-thumbnail"),
    path("items/<int:item_id>/preview/", views.derived, {"which": "preview"}, name="evidence-preview"),
    path("<str:reference>/", views.file_detail, name="evidence-file"),
    path("<str:reference>/upload/", views.upload, name="evidence-upload"),
]
