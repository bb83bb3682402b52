from django.urls import path

from claimbridge.retention import views

urlpatterns = [path("", views.retention_overview, name="retention")]
