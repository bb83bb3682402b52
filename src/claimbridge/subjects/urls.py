from django.urls import path

from claimbridge.subjects import views

urlpatterns = [
    path("", views.mine, name="subjects-mine"),
    path("copy.<str:kind>", views.copy, name="subjects-copy"),
]
staff_urlpatterns = [
    path("", views.queue, name="subjects-queue"),
    path("<str:number>/", views.held, name="subjects-held"),
]
