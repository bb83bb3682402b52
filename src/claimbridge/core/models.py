"""Models shared by every app (kept in the modules that use them; imported here so Django registers them)."""

from claimbridge.core.idempotency import IdempotentRequest
from claimbridge.core.phone_verification import PhoneChallenge
from claimbridge.core.throttle import AttemptCounter

__all__ = ["AttemptCounter", "IdempotentRequest", "PhoneChallenge"]
