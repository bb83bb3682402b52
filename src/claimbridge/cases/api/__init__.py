"""/api/v1/cases/… by audience: `back_office` (insurers' systems and staff) and `phone` (the drivers' phones)."""

from claimbridge.cases.api.back_office import router
from claimbridge.cases.api.phone import join_router, party_router, phone_router

__all__ = ["join_router", "party_router", "phone_router", "router"]
