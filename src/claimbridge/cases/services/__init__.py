"""Every write to a case, by job, each in a transaction leaving a hash-chained event (B8, B9):

- `numbering` — case numbers; `record` — the event chain, state moves and the webhook outbox;
- `intake` — reporting a case; `parties` — a party's details and the cover the register decides;
- `join` — join codes and the other driver joining; `quick_claim` — facts, circumstances, confirmations, the
  agreement and the police; `evidence` — photos from a party's phone; `handoffs` — moving a claim to another unit;
- `claims` — each insurer's claim line; `webhooks` — delivering the outbox; `audit` — verifying the chain.
"""
