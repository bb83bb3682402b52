from django.urls import path

from claimbridge.guidance import views

urlpatterns = [
    path("", views.guide, name="guide"),
    path("circumstances/", views.circumstances, name="guide-circumstances"),
    path("photos/", views.photos, name="guide-photos"),
    path("service-points/", views.service_points, name="guide-service-points"),
    path("leaflet.pdf", views.leaflet, name="guide-leaflet"),
]
