from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.cases.services.audit import audit_checkpoint, audit_verify
from claimbridge.consultations.selectors import consultation_chains_verify
from claimbridge.core.crypto import audit_checkpoint_key
from claimbridge.credentials.audit import register_verify
from claimbridge.fraud.selectors import clue_chains_verify
from claimbridge.reports.publication import publication_verify
from claimbridge.subjects.selectors import subject_request_chains_verify

# The other records kept as keyed chains, each verified by its own app (decision 0012).
CHAINS = (register_verify, publication_verify, clue_chains_verify, consultation_chains_verify,
          subject_request_chains_verify)  # fmt: skip


class Command(BaseCommand):
    help = (
        "audit verify: check every case's keyed event chain and that its rows are what the chain vouches for, and "
        "every register entry's, progress report's, fraud clue's, consultation's and data request's event chain; any "
        "edit, reordering or deletion fails (with --checkpoint FILE, also any chain cut or rewritten since that "
        "checkpoint). audit checkpoint: write a signed list of every chain's head, to keep off the database server. "
        "audit public-key: the PEM that checks checkpoints (decision 0012)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "public-key"])
        parser.add_argument("--checkpoint", help="verify: a checkpoint file written by `audit checkpoint`")
        parser.add_argument("--public-key", help="verify: the PEM file of the key that signed the checkpoint")
        parser.add_argument("--output", help="checkpoint: the file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "public-key":
            self.stdout.write(self._public_pem())
            return
        if options["action"] == "checkpoint":
            self._checkpoint(options["output"])
            return
        checkpoint, public_key = None, None
        if options["checkpoint"]:
            try:
                checkpoint = json.loads(Path(options["checkpoint"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read the checkpoint: {error}") from error
        if options["public_key"]:
            loaded = serialization.load_pem_public_key(Path(options["public_key"]).read_bytes())
            if not isinstance(loaded, Ed25519PublicKey):
                raise CommandError("the public key is not an Ed25519 key")
            public_key = loaded
        problems = audit_verify(checkpoint=checkpoint, public_key=public_key)
        problems += [problem for verify in CHAINS for problem in verify()]
        if problems:
            raise CommandError("the audit record is broken:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("every case's audit chain verifies, and its rows match their seal; "
                                             "every other record's chain verifies"))  # fmt: skip

    def _checkpoint(self, output: str | None) -> None:
        problems = audit_verify()
        if problems:
            raise CommandError("not signing a record that does not verify:\n" + "\n".join(problems))
        text = json.dumps(audit_checkpoint(), ensure_ascii=False, indent=0) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"checkpoint written to {output}: keep it off the database server"))
        else:
            self.stdout.write(text, ending="")

    def _public_pem(self) -> str:
        public = audit_checkpoint_key().public_key()
        return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
