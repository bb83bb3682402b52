from django.urls import path

from claimbridge.accesslog import views

urlpatterns = [
    path("", views.access_list, name="access-log"),
]
case_urlpatterns = [
    path("<str:number>/access/", views.case_access, name="case-access"),
]
