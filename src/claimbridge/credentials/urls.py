from django.urls import path

from claimbridge.credentials import views

urlpatterns = [path("verify/", views.verify, name="credential-verify")]
