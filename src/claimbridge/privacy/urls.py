from django.urls import path

from claimbridge.privacy import views

urlpatterns = [
    path("", views.privacy_page, name="privacy"),
]
