"""The case pages, by audience: `back_office` (insurers' staff and adjusters), `phone` (the drivers' phones),
`public` (checking a 协议书)."""
