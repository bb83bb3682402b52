from django.urls import path

from claimbridge.fraud import analysis_views, views

urlpatterns = [
    path("", views.clue_list, name="fraud-clues"),
    path("new/", views.clue_new, name="fraud-clue-new"),
    path("rings/", analysis_views.ring_list, name="fraud-rings"),
    path("rings/<int:number>/", analysis_views.ring_detail, name="fraud-ring"),
    path("scores/", analysis_views.score_list, name="fraud-scores"),
    path("scores/<str:number>/", analysis_views.case_score, name="fraud-case-score"),
    path("<str:number>/", views.clue_detail, name="fraud-clue"),
]
