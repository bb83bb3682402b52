from django.urls import path

from claimbridge.field import views

urlpatterns = [
    path("", views.field_form, name="field"),
    path("offline/", views.offline, name="field-offline"),
    path("session.json", views.session_state, name="field-session"),
]
