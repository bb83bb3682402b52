from django.urls import path

from claimbridge.cases import views

urlpatterns = [
    path("", views.inbox, name="case-inbox"),
    path("join/", views.join, name="case-join"),
    path("start/", views.start, name="case-start"),
    path("<str:number>/me/", views.me, name="case-me"),
    path("<str:number>/", views.case_detail, name="case"),
    path("<str:number>/action/", views.case_action, name="case-action"),
]
