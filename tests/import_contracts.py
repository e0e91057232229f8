"""A contract type import-linter lacks: no direct import of one external *submodule*.

import-linter (``lint-imports``, run by ``make lint``) sees external packages only
at their root (``PySide6``, not ``PySide6.QtWidgets``), so its own ``forbidden``
contract cannot say "only the window's packages import Qt's widgets" while
others may use QtCore. This contract reads the import lines grimp recorded for
the root package and refuses those that name the forbidden submodule.
Configured in pyproject.toml (``[tool.importlinter]``).
"""

from __future__ import annotations

import re
from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class ForbiddenSubmoduleContract(Contract):
    """``source_modules`` (with descendants, minus ``allowed_modules``) must not import
    ``forbidden_submodule`` (e.g. ``PySide6.QtWidgets``) directly."""

    type_name = "forbidden_submodule"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_modules = fields.ListField(subfield=fields.ModuleField(), required=False)
    forbidden_submodule = fields.StringField()

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        submodule: str = self.forbidden_submodule  # type: ignore[assignment]
        root, _, leaf = submodule.rpartition(".")
        named = re.compile(
            rf"\b{re.escape(submodule)}\b|\bfrom\s+{re.escape(root)}\s+import\b.*\b{re.escape(leaf)}\b"
        )
        allowed = [m.name for m in (self.allowed_modules or [])]  # type: ignore[attr-defined]
        broken: list[dict[str, Any]] = []
        for source in self.source_modules:  # type: ignore[attr-defined]
            for importer in sorted({source.name, *graph.find_descendants(source.name)}):
                if any(importer == a or importer.startswith(a + ".") for a in allowed):
                    continue
                for detail in graph.get_import_details(importer=importer, imported=root):
                    if named.search(detail["line_contents"]):
                        broken.append({"importer": importer, **detail})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            output.print_error(
                f"{item['importer']}:{item['line_number']}: {item['line_contents']}"
                f" (imports {self.forbidden_submodule})"
            )
            output.new_line()
