"""What the import contracts in pyproject.toml cannot say: a layer that may import only the standard library and a
named few packages (a forbidden contract names what is known to be bad, not what is allowed), and gmpy2 as optional."""

import ast
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = frozenset(sys.stdlib_module_names)
# Beside the standard library, all that each may import (its own package included, where named).
ALLOWED = {
    "voting": frozenset({"voting", "gmpy2"}),
    "governance.log.merkle": frozenset(),
    "governance.log.notes": frozenset({"cryptography"}),
}
OPTIONAL = frozenset({"gmpy2"})


def outside_imports(graph: grimp.ImportGraph, module: str, allowed: frozenset[str]) -> set[str]:
    """The top-level packages that ``module`` and its submodules import beyond the standard library and ``allowed``."""
    found = set()
    for source in {module} | graph.find_descendants(module):
        found |= {name.split(".")[0] for name in graph.find_modules_directly_imported_by(source)}
    return {name for name in found if name not in STDLIB | allowed}


def unguarded_optional_imports(source: str) -> list[str]:
    """Optional packages imported anywhere but directly in a ``try`` whose handler catches ImportError."""
    tree = ast.parse(source)
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(isinstance(handler.type, ast.Name) and handler.type.id in (
                "ImportError", "ModuleNotFoundError") for handler in node.handlers):
            guarded |= {id(inner) for inner in node.body if isinstance(inner, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [name for name in names if name.split(".")[0] in OPTIONAL and id(node) not in guarded]
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("governance", "voting", include_external_packages=True, cache_dir=None)


@pytest.mark.parametrize("module", ALLOWED)
def test_module_imports_only_the_standard_library_and_what_it_is_allowed(graph, module):
    imported = outside_imports(graph, module, ALLOWED[module])

    assert not imported, f"{module} imports {sorted(imported)}"


def test_the_governance_package_itself_imports_nothing(graph):
    assert graph.find_modules_directly_imported_by("governance") == set()


@pytest.mark.parametrize("path", sorted(ROOT.glob("voting/**/*.py")), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_voting_imports_gmpy2_only_as_an_option(path):
    assert unguarded_optional_imports(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_third_party_import_and_ignores_stdlib_and_its_own_package(tmp_path, monkeypatch):
    package = tmp_path / "fakelayer"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("import json\nfrom fakelayer import inner\n")
    (package / "inner" / "__init__.py").write_text("")
    (package / "inner" / "deep.py").write_text("import numpy.linalg\nimport gmpy2\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    fake = grimp.build_graph("fakelayer", include_external_packages=True, cache_dir=None)

    assert outside_imports(fake, "fakelayer", frozenset({"fakelayer", "gmpy2"})) == {"numpy"}
    assert outside_imports(fake, "fakelayer", frozenset()) == {"fakelayer", "gmpy2", "numpy"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("try:\n    import gmpy2\nexcept ImportError:\n    gmpy2 = None\n", []),
        ("try:\n    from gmpy2 import mpz\nexcept ModuleNotFoundError:\n    mpz = int\n", []),
        ("try:\n    import gmpy2\nexcept ImportError:\n    pass\nimport gmpy2\n", ["gmpy2"]),
        ("try:\n    import gmpy2\nexcept ValueError:\n    gmpy2 = None\n", ["gmpy2"]),
        ("def f():\n    from gmpy2 import mpz\n    return mpz\n", ["gmpy2"]),
        ("import json\n", []),
    ],
)
def test_the_check_finds_gmpy2_imported_without_a_fallback(source, expected):
    assert unguarded_optional_imports(source) == expected
