from django.urls import path

from claimbridge.credentials import views

urlpatterns = [
    path("", views.adjuster_list, name="adjusters"),
    path("new/", views.adjuster_new, name="adjuster-new"),
    path("verify/", views.verify, name="credential-verify"),
    path("verify/photo/<str:signed>/", views.verify_photo, name="credential-verify-photo"),
    path("card/", views.work_card, name="work-card"),
    path("card/photo.jpg", views.work_card_photo, name="work-card-photo"),
    path("photo/pending/<str:token>/", views.pending_photo, name="adjuster-pending-photo"),
    path("stops/", views.stops, name="service-stops"),
    path("reports/", views.reports, name="reports"),
    path("my-feedback/", views.my_feedback, name="my-feedback"),
    path("reports/<int:pk>.<str:kind>", views.report_export, name="report-export"),
    path("rate/<str:token>/", views.rate, name="stop-rate"),
    path("<int:pk>/", views.adjuster_detail, name="adjuster"),
    path("<int:pk>/photo.jpg", views.adjuster_photo, name="adjuster-photo"),
    path("<int:pk>/edit/", views.adjuster_edit, name="adjuster-edit"),
    path("<int:pk>/review/", views.adjuster_review, name="adjuster-review"),
    path("<int:pk>/change/", views.adjuster_change, name="adjuster-change"),
    path("<int:pk>/card/<str:number>.pdf", views.credential_card, name="credential-card"),
]
