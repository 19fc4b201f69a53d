"""The face of every package is what its ``__all__`` says: every public name, nothing else."""

from __future__ import annotations

import importlib
import pkgutil
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP = ("adapters", "contracts", "routing", "hub")


def _packages() -> list[str]:
    names = []
    for top in TOP:
        names.append(top)
        module = importlib.import_module(top)
        names += [
            info.name
            for info in pkgutil.walk_packages(module.__path__, prefix=f"{top}.")
            if info.ispkg
        ]
    return sorted(names)


PACKAGES = _packages()


def test_every_folder_with_code_is_a_package_that_is_walked():
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in TOP
        for p in (ROOT / top).rglob("*.py")
        if "wsdl" not in p.parts and "__pycache__" not in p.parts
    }
    assert folders <= set(PACKAGES)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_every_public_name_and_each_exists(name):
    package = importlib.import_module(name)
    exported = set(package.__all__)
    public = {
        attribute
        for attribute, value in vars(package).items()
        if not attribute.startswith("_")
        and not isinstance(value, types.ModuleType)
        and attribute != "annotations"  # from __future__ import annotations
    }
    assert public <= exported, f"{name} has public names not in __all__: {public - exported}"
    for attribute in exported:  # lazily loaded ones included (PEP 562)
        assert getattr(package, attribute) is not None
    assert len(package.__all__) == len(exported), f"{name} lists a name twice"


def test_outside_adapters_and_tests_only_the_registry_names_an_adapter():
    import ast

    offenders = []
    for top in ("hub", "routing", "contracts", "benchmarks", "deploy"):
        for path in (ROOT / top).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                offenders += [
                    f"{path.relative_to(ROOT)}: {name}"
                    for name in names
                    if name.startswith("adapters.") and name != "adapters.registry"
                ]
    assert offenders == []
