"""The register of personal data (PIPL art. 17, 51; B8), built from the apps' own declarations so it cannot drift.

Each app declares its fields in `<app>/personal_data.py` (`DECLARATIONS`, see `privacy/declarations.py`); this
module collects them through the app registry, checks them against the models (`register_problems`: every
`EncryptedTextField` declared, every declared field real, every key known) and writes `docs/privacy-register.md`:

    python -m claimbridge.privacy.register            # writes docs/privacy-register.md (from the project's root)
    python -m claimbridge.privacy.register -          # prints it

A test fails when a problem is found or the committed document differs from the generated one.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimbridge.privacy.declarations import AUDIENCES, BASES, RETENTION_WORDS, SHOWN_WORDS, Declaration, problems

DOCUMENT = Path("docs") / "privacy-register.md"


def declarations() -> tuple[Declaration, ...]:
    """Every installed app's `personal_data.DECLARATIONS`, in the order of INSTALLED_APPS."""
    from django.apps import apps

    found: list[Declaration] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.personal_data"
        if importlib.util.find_spec(name) is None:
            continue
        found.extend(importlib.import_module(name).DECLARATIONS)
    return tuple(found)


def encrypted_fields(models: Iterable[type] | None = None) -> set[tuple[str, str]]:
    """(model label, field name) of every EncryptedTextField of the models (all installed ones by default)."""
    from django.apps import apps

    from claimbridge.core.fields import EncryptedTextField

    return {(model._meta.label, field.name)  # type: ignore[attr-defined]
            for model in (apps.get_models() if models is None else models)
            for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)}  # type: ignore[attr-defined]  # fmt: skip


def register_problems(declared: Iterable[Declaration] | None = None, models: Iterable[type] | None = None) -> list[str]:
    """What keeps the register from being true: undeclared encrypted fields, declarations of fields that do not
    exist, a field declared twice, unknown keys. Empty when the register is complete."""
    from django.apps import apps

    declared = tuple(declarations() if declared is None else declared)
    models = tuple(apps.get_models() if models is None else models)
    by_label = {model._meta.label: model for model in models}  # type: ignore[attr-defined]
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    for declaration in declared:
        key = (declaration.model, declaration.field)
        if key in seen:
            found.append(f"{declaration.model}.{declaration.field}: declared twice")
        seen.add(key)
        model = by_label.get(declaration.model)
        names = {field.name for field in model._meta.concrete_fields} if model else set()  # type: ignore[attr-defined]
        if model is None:
            found.append(f"{declaration.model}.{declaration.field}: no such model")
        elif declaration.field not in names:
            found.append(f"{declaration.model}.{declaration.field}: no such field")
        found.extend(problems(declaration))
    for model_label, field in sorted(encrypted_fields(models) - seen):
        found.append(f"{model_label}.{field}: encrypted but not declared (add it to its app's personal_data.py)")
    return found


def _seen_words(declaration: Declaration, language: str) -> str:
    if not declaration.seen_by:
        return "系统内部使用，页面不显示" if language == "zh" else "used by the system only, shown to nobody"
    parts = []
    for seen in declaration.seen_by:
        who, shown = getattr(AUDIENCES[seen.who], language), getattr(SHOWN_WORDS[seen.shown], language)
        note = f"；{seen.note.zh}" if language == "zh" and seen.note else f"; {seen.note.en}" if seen.note else ""
        parts.append(f"{who}（{shown}{note}）" if language == "zh" else f"{who} ({shown}{note})")
    return "、".join(parts) if language == "zh" else "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def register_rows(language: str, declared: Iterable[Declaration] | None = None) -> list[dict[str, str]]:
    """The register as rows of words in one language ("zh" or "en"), for the document and the /privacy/ page."""
    rows = []
    for declaration in declarations() if declared is None else declared:
        purpose = getattr(declaration.purpose, language)
        if declaration.note is not None:
            purpose += ("。" if language == "zh" else ". ") + getattr(declaration.note, language)
        rows.append({
            "model": declaration.model, "field": declaration.field, "kind": getattr(declaration.kind, language),
            "purpose": purpose, "basis": getattr(BASES[declaration.basis], language),
            "seen_by": _seen_words(declaration, language), "retention": declaration.retention,
            "retention_words": getattr(RETENTION_WORDS[declaration.retention], language),
        })  # fmt: skip
    return rows


def grouped_rows(language: str, declared: Iterable[Declaration] | None = None, *,
                 internal: bool = True) -> list[dict[str, Any]]:  # fmt: skip
    """The register's rows with the same purpose, basis, audience and retention as one entry listing its kinds, in
    the order first met (the three sign-in tables' IP address, username and device are one entry, not nine rows);
    `kinds` in order, without repeats, and `models` the records they are in. `internal=False` leaves out what only
    the system reads (blind indexes and the like: shown to nobody)."""
    declared = tuple(declarations() if declared is None else declared)
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for declaration, row in zip(declared, register_rows(language, declared), strict=True):
        if not internal and not declaration.seen_by:
            continue
        key = (row["purpose"], row["basis"], row["seen_by"], row["retention"])
        group = groups.setdefault(key, {**row, "kinds": [], "models": [], "internal": not declaration.seen_by})
        if row["kind"] not in group["kinds"]:
            group["kinds"].append(row["kind"])
        if row["model"] not in group["models"]:
            group["models"].append(row["model"])
    return list(groups.values())


def register_document() -> str:
    """docs/privacy-register.md: Chinese first, then English; one row per declared field."""
    declared = declarations()
    lines = [
        "# 个人信息处理登记 · Register of personal data",
        "",
        "由各应用的 `personal_data.py` 声明生成（`python -m claimbridge.privacy.register`）；本文件过期或有加密字段未声明时测试失败。",
        "Generated from each app's `personal_data.py` declarations (`python -m claimbridge.privacy.register`);",
        "a test fails when this file is out of date or an encrypted field has no declaration.",
        "",
        "## 中文",
        "",
        "| 模型 | 字段 | 信息种类 | 处理目的 | 法律依据 | 可查看者 | 保存期限 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in register_rows("zh", declared):
        lines.append(f"| `{row['model']}` | `{row['field']}` | {_cell(row['kind'])} | {_cell(row['purpose'])} | "
                     f"{_cell(row['basis'])} | {_cell(row['seen_by'])} | `{row['retention']}` |")  # fmt: skip
    lines += ["", "## English", "",
              "| model | field | kind of data | purpose | legal basis | seen by | retention |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in register_rows("en", declared):
        lines.append(f"| `{row['model']}` | `{row['field']}` | {_cell(row['kind'])} | {_cell(row['purpose'])} | "
                     f"{_cell(row['basis'])} | {_cell(row['seen_by'])} | `{row['retention']}` |")  # fmt: skip
    lines += ["", "## 保存期限类别 · Retention categories", "", "| key | 中文 | English |", "|---|---|---|"]
    for key in sorted({declaration.retention for declaration in declared}):
        words = RETENTION_WORDS[key]
        lines.append(f"| `{key}` | {_cell(words.zh)} | {_cell(words.en)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:  # pragma: no cover - writes the document
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    found = register_problems()
    if found:
        print("\n".join(found), file=sys.stderr)
        return 1
    document = register_document()
    if argv[:1] == ["-"]:
        print(document, end="")
    else:
        target = Path(argv[0]) if argv else DOCUMENT
        target.write_text(document, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
