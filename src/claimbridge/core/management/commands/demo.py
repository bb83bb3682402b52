from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from claimbridge.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo: organisations, users, policies, adjusters with credentials, cases in every state, "
        "stops and this month's reports (idempotent: a second run creates nothing twice), and print how to use it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the site will be served (printed)")

    def handle(self, *args: Any, **options: Any) -> None:
        from claimbridge.cases.demo import load_demo_cases, load_demo_reports, load_demo_stops
        from claimbridge.credentials.demo import load_demo_pending, load_demo_register
        from claimbridge.fraud.demo import RATIOS_FROM, load_demo_analysis, load_demo_clues, load_demo_fraud
        from claimbridge.policies.demo import load_demo_policies

        url = options["url"].rstrip("/")
        out = self.stdout.write
        logins = load_demo()
        fraud = load_demo_fraud()
        joint = next(index for index, login in enumerate(logins) if login.username == "antifraud")
        logins[joint + 1 : joint + 1] = fraud.logins  # each city's committee after the joint one
        vehicles = load_demo_policies()
        issued = load_demo_register()
        pending = load_demo_pending()
        cases = load_demo_cases()
        load_demo_stops()
        reports = load_demo_reports()
        clues = load_demo_clues()
        ring_count, scored = load_demo_analysis()
        from claimbridge.reports.rollups import rebuild

        rebuild()  # the figures of the demo world at once (afterwards each change refreshes them, issue 17)
        from claimbridge.reports.demo import load_demo_progress

        progress = load_demo_progress()
        from claimbridge.consultations.demo import load_demo_consultations, load_demo_specialists

        logins += load_demo_specialists()
        consultations = load_demo_consultations()

        out(self.style.SUCCESS(f"Demo data ready at {url}/ . Every demo login uses the password: {DEMO_PASSWORD}"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            out(f"  {login.username.ljust(width)}  {login.role:<18}  {login.description}")
        ratios = ", ".join(f"{name} {(ratio * 100).normalize():f} %" for name, ratio in fraud.ratios)
        out(f"Reward ratios for confirmed fraud clues, from {RATIOS_FROM:%Y-%m-%d}: {ratios} (admin: reward ratios)")
        out("Demo vehicles in the policy register (try them in 快处易赔):")
        for plate, note in vehicles:
            out(f"  {plate}  {note}")
        if issued:
            out(f"Demo adjusters' credentials issued now: {', '.join(issued)}")
        if pending:
            out(
                f"Submissions waiting for the association's review: {len(pending)} at {url}/credentials/ (ln_assoc, ts_assoc)"
            )
        if progress is not None:
            out(
                f"The integration's figures at {url}/reports/ (maiji_hq, ln_assoc, regulator); this quarter's progress "
                f"report {progress}, published, at {url}/progress/ (drafts at {url}/publications/, ln_assoc and ts_assoc)"
            )
        out(f"Demo cases (open them as tianlong_unit1 or maiji_hq at {url}/cases/):")
        for case in cases:
            phones = f"  drivers' phones {', '.join(case.phones)}" if case.phones else ""
            out(f"  {case.number}  {case.state:<12}  {case.note}{phones}")
        out(f"Demo fraud clues at {url}/fraud/ (each with who may open it):")
        for clue in clues:
            out(f"  {clue.number}  {clue.state:<12}  {clue.note}")
        out(
            f"Fraud rings and scores: {ring_count} ring(s) at {url}/fraud/rings/ (antifraud, antifraud_ln, antifraud_ts); "
            f"{scored} cases scored at {url}/fraud/scores/ (insurers' staff: their own cases)"
        )
        out(f"Demo consultations (R13) at {url}/consult/inbox/ and the public FAQ at {url}/consult/faq/:")
        for consultation in consultations:
            out(f"  {consultation.number}  {consultation.state:<10}  {consultation.note}")
        out(
            f"Stops and this month's reports: {len(reports)} reports at {url}/credentials/reports/ (ln_assoc, ts_assoc)"
        )
        out("")
        if settings.SMS_BACKEND.endswith("LogSmsBackend"):
            out(self.style.WARNING(
                "Text messages are not sent in development: each one-time code is printed in the terminal running "
                "the server, as a warning line 'SMS to 137****1001: … 123456 …'. Type that code on the phone page."
            ))  # fmt: skip
        else:
            out(f"Text messages go through {settings.SMS_BACKEND}.")
