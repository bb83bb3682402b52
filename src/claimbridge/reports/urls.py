from django.urls import path

from claimbridge.reports import views

urlpatterns = [
    path("", views.figures_dashboard, name="figures-dashboard"),
    path("figures.<str:kind>", views.figures_export, name="figures-export"),
]
