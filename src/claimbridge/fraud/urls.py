from django.urls import path

from claimbridge.fraud import views

urlpatterns = [
    path("", views.clue_list, name="fraud-clues"),
    path("new/", views.clue_new, name="fraud-clue-new"),
    path("<str:number>/", views.clue_detail, name="fraud-clue"),
]
