from django.urls import path

from claimbridge.credentials import views

urlpatterns = [
    path("", views.adjuster_list, name="adjusters"),
    path("new/", views.adjuster_new, name="adjuster-new"),
    path("verify/", views.verify, name="credential-verify"),
    path("stops/", views.stops, name="service-stops"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>.<str:kind>", views.report_export, name="report-export"),
    path("rate/<str:token>/", views.rate, name="stop-rate"),
    path("<int:pk>/", views.adjuster_detail, name="adjuster"),
    path("<int:pk>/edit/", views.adjuster_edit, name="adjuster-edit"),
    path("<int:pk>/review/", views.adjuster_review, name="adjuster-review"),
    path("<int:pk>/change/", views.adjuster_change, name="adjuster-change"),
    path("<int:pk>/card/<str:number>.pdf", views.credential_card, name="credential-card"),
]
