from django.urls import path

from claimbridge.policies import views

urlpatterns = [
    path("", views.loads, name="policy-loads"),
    path("template.csv", views.template, name="policy-template"),
    path("loads/<int:load_id>/", views.load_detail, name="policy-load"),
    path("lookup/", views.lookup, name="policy-lookup"),
]
