from django.urls import path

from claimbridge.police import views

urlpatterns = [
    path("", views.loads, name="police-loads"),
    path("loads/<int:load_id>/", views.load_detail, name="police-load"),
    path("matches/", views.matches, name="police-matches"),
    path("signals/", views.signals, name="police-signals"),
]
