from django.urls import path

from claimbridge.rulebook import views

urlpatterns = [
    path("", views.circumstances, name="rules"),
    path("liability/", views.liability, name="rules-liability"),
    path("settlement/", views.settlement, name="rules-settlement"),
    path("quick-claim/", views.eligibility, name="rules-eligibility"),
]
