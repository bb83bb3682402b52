from django.urls import path

from claimbridge.cases.views import back_office, phone, public

urlpatterns = [
    path("", back_office.inbox, name="case-inbox"),
    path("join/", phone.join_page, name="case-join"),
    path("start/", phone.start, name="case-start"),
    path("new/", back_office.case_new, name="case-new"),
    path("agreement/verify/", public.agreement_verify, name="agreement-verify"),
    path("<str:number>/me/", phone.me, name="case-me"),
    path("<str:number>/me/check/", phone.me_check, name="case-me-check"),
    path("<str:number>/me/live/", phone.me_live, name="case-me-live"),
    path("<str:number>/me/photos/<int:item_id>/thumbnail/", phone.me_photo_thumbnail, name="case-me-photo-thumbnail"),
    path("<str:number>/me/facts/", phone.me_facts, name="case-me-facts"),
    path("<str:number>/me/circumstances/", phone.me_circumstances, name="case-me-circumstances"),
    path("<str:number>/me/photos/", phone.me_photo, name="case-me-photo"),
    path("<str:number>/me/confirm/", phone.me_confirm, name="case-me-confirm"),
    path("<str:number>/me/disagree/", phone.me_disagree, name="case-me-disagree"),
    path("<str:number>/me/police/", phone.me_police, name="case-me-police"),
    path("<str:number>/me/underwriting-city/", phone.me_underwriting_city, name="case-me-underwriting-city"),
    path("<str:number>/me/join-code/", phone.me_join_code, name="case-me-join-code"),
    path("<str:number>/me/agreement.pdf", phone.me_agreement, name="case-me-agreement"),
    path("<str:number>/agreement.pdf", back_office.agreement, name="case-agreement"),
    path("<str:number>/", back_office.case_detail, name="case"),
    path("<str:number>/action/", back_office.case_action, name="case-action"),
    path("<str:number>/claims/<str:label>/<str:action>/", back_office.claim_action, name="claim-action"),
    path("<str:number>/handoff/<str:label>/", back_office.party_handoff, name="party-handoff"),
    path("<str:number>/parties/<str:label>/reveal/", back_office.party_reveal, name="party-reveal"),
]
