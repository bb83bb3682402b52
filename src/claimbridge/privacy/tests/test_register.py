"""The register of personal data is built from the code's own declarations and cannot drift from the models (issue
20 item 1; B8, R17, R19: what is shared, with whom, on what ground)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from claimbridge.core.fields import EncryptedTextField
from claimbridge.privacy.declarations import AUDIENCES, Declaration, Seen, Text
from claimbridge.privacy.register import declarations, encrypted_fields, register_document, register_problems

ROOT = Path(__file__).resolve().parents[4]


def test_issue_20_every_encrypted_field_is_declared_and_every_declaration_is_real():
    """B8: the register lists every EncryptedTextField of every installed model; nothing declared is made up."""
    assert register_problems() == []
    declared = {(d.model, d.field) for d in declarations()}
    assert encrypted_fields() <= declared
    assert ("cases.CaseParty", "driver_phone") in declared
    assert ("cases.WebhookEndpoint", "secret") in declared
    # not only the encrypted ones: plates, positions, photos, portraits, blind indexes, agreements, consents
    for other in [("cases.CaseParty", "plate"), ("cases.Case", "latitude"), ("evidence.StoredObject", "storage_name"),
                  ("credentials.Adjuster", "photo_name"), ("cases.CaseParty", "phone_index"),
                  ("cases.Case", "agreement_name"), ("police.PoliceVehicle", "plate"), ("privacy.ConsentRecord", "phone_index")]:  # fmt: skip
        assert other in declared


def test_issue_20_a_removed_declaration_fails_the_register():
    """Taking one declaration away (as a new field added without one would) names the field to declare."""
    without = [d for d in declarations() if (d.model, d.field) != ("cases.CaseParty", "driver_licence")]
    assert register_problems(without) == [
        "cases.CaseParty.driver_licence: encrypted but not declared (add it to its app's personal_data.py)"
    ]


@isolate_apps("claimbridge.privacy")
def test_issue_20_a_new_encrypted_field_without_a_declaration_fails():
    class Complaint(models.Model):  # noqa: DJ008 - a throwaway model
        body = EncryptedTextField()

        class Meta:
            app_label = "privacy"

    found = register_problems(declarations(), [*apps.get_models(), Complaint])
    assert found == ["privacy.Complaint.body: encrypted but not declared (add it to its app's personal_data.py)"]


def test_issue_20_a_declaration_of_a_field_that_does_not_exist_or_with_unknown_keys_fails():
    real = declarations()[0]
    ghost = replace(real, field="no_such_field")
    assert register_problems([*declarations(), ghost]) == [f"{real.model}.no_such_field: no such field"]
    nowhere = Declaration("cases.Nowhere", "x", Text("x", "x"), Text("x", "x"), "consent", (), "account")
    assert register_problems([*declarations(), nowhere]) == ["cases.Nowhere.x: no such model"]
    odd = replace(real, basis="because", retention="forever", seen_by=(Seen("everyone"),))
    found = register_problems([odd if d is real else d for d in declarations()])
    assert any("unknown basis" in line for line in found)
    assert any("unknown retention" in line for line in found)
    assert any("unknown audience" in line for line in found)
    assert register_problems([*declarations(), real]) == [f"{real.model}.{real.field}: declared twice"]


def test_issue_20_audiences_are_the_platforms_roles():
    from claimbridge.accounts.models import Role

    assert set(AUDIENCES) == set(Role.values) | {"subject", "public"}


def test_issue_20_the_committed_register_is_current():
    """docs/privacy-register.md is generated, Chinese first then English, one row per declared field."""
    document = (ROOT / "docs" / "privacy-register.md").read_text(encoding="utf-8")
    assert document == register_document(), "run: python -m claimbridge.privacy.register"
    assert document.index("## 中文") < document.index("## English")
    assert document.count("| `cases.CaseParty` | `driver_phone` |") == 2  # one row in each language
    assert "为订立、履行个人作为一方当事人的合同所必需" in document
    assert "取得个人的同意" not in document.split("## 中文")[0]
