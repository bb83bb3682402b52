from django.urls import path

from claimbridge.cases import views

urlpatterns = [
    path("", views.inbox, name="case-inbox"),
    path("join/", views.join, name="case-join"),
    path("start/", views.start, name="case-start"),
    path("new/", views.case_new, name="case-new"),
    path("agreement/verify/", views.agreement_verify, name="agreement-verify"),
    path("<str:number>/me/", views.me, name="case-me"),
    path("<str:number>/me/check/", views.me_check, name="case-me-check"),
    path("<str:number>/me/facts/", views.me_facts, name="case-me-facts"),
    path("<str:number>/me/circumstances/", views.me_circumstances, name="case-me-circumstances"),
    path("<str:number>/me/photos/", views.me_photo, name="case-me-photo"),
    path("<str:number>/me/confirm/", views.me_confirm, name="case-me-confirm"),
    path("<str:number>/me/disagree/", views.me_disagree, name="case-me-disagree"),
    path("<str:number>/me/police/", views.me_police, name="case-me-police"),
    path("<str:number>/me/underwriting-city/", views.me_underwriting_city, name="case-me-underwriting-city"),
    path("<str:number>/me/agreement.pdf", views.me_agreement, name="case-me-agreement"),
    path("<str:number>/agreement.pdf", views.agreement, name="case-agreement"),
    path("<str:number>/", views.case_detail, name="case"),
    path("<str:number>/action/", views.case_action, name="case-action"),
    path("<str:number>/claims/<str:label>/<str:action>/", views.claim_action, name="claim-action"),
    path("<str:number>/handoff/<str:label>/", views.party_handoff, name="party-handoff"),
]
