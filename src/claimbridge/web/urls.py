from django.urls import path

from claimbridge.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("organisation/", views.organisation, name="organisation"),
    path("staff/", views.staff, name="staff"),
]
