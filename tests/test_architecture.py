"""Layer rules, read from the source with ast: what voting/ and governance/ (and the log's pure modules) may import."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = frozenset(sys.stdlib_module_names)
WEB = frozenset({"fastapi", "starlette", "jinja2", "app"})
OFFLINE = frozenset({"cryptography"})
OPTIONAL_IN_VOTING = frozenset({"gmpy2"})


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            source = ".".join(part for part in (base, node.module) if part)
            found.append(source)
            found.extend(f"{source}.{alias.name}" for alias in node.names if is_local_module(f"{source}.{alias.name}"))
    return found


def guarded_imports(path: Path) -> list[str]:
    """Modules imported directly in the body of a ``try`` catching ImportError: optional, the code runs without them."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        catches = isinstance(node, ast.Try) and any(
            isinstance(handler.type, ast.Name) and handler.type.id in ("ImportError", "ModuleNotFoundError")
            for handler in node.handlers
        )
        if catches:
            found += [alias.name for inner in node.body if isinstance(inner, ast.Import) for alias in inner.names]
    return found


def is_local_module(name: str) -> bool:
    """Whether ``name`` is a module file or package of this repository (``from package import module``)."""
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def top(name: str) -> str:
    return name.split(".")[0]


def offline_violations(path: Path, seen: frozenset[Path] = frozenset()) -> list[str]:
    """Imports that the offline verifier cannot afford: only stdlib, cryptography, voting and pure governance.log modules."""
    problems = []
    for name in imports(path):
        if top(name) in STDLIB | OFFLINE or top(name) == "voting" or name in ("governance", "governance.log"):
            continue
        target = ROOT / Path(*name.split(".")).with_suffix(".py")
        if name.startswith("governance.log.") and target.is_file():
            if target not in seen:
                problems += [f"{name} -> {p}" for p in offline_violations(target, seen | {path})]
                problems += [f"{name} -> {p}" for p in offline_violations(ROOT / "governance" / "log" / "__init__.py", seen | {path})]
            continue
        problems.append(name)
    return problems


def violations(path: Path) -> list[str]:
    """Every import of ``path`` that its layer forbids, with the reason."""
    relative = path.relative_to(ROOT).as_posix()
    found = imports(path)
    if relative.startswith("voting/"):
        for name in guarded_imports(path):
            if name in OPTIONAL_IN_VOTING and name in found:
                found.remove(name)
        return [f"{n} (voting/ may import only the standard library, voting, and gmpy2 under try/except ImportError)"
                for n in found if top(n) not in STDLIB | {"voting"}]
    problems = [f"{n} (governance/ must not import the web layer)" for n in found if top(n) in WEB]
    if relative == "governance/__init__.py":
        problems += [f"{n} (governance/__init__.py must import nothing)" for n in found]
    elif relative == "governance/log/merkle.py":
        problems += [f"{n} (merkle.py may import only the standard library)" for n in found if top(n) not in STDLIB]
    elif relative == "governance/log/notes.py":
        problems += [f"{n} (notes.py may import only the standard library and cryptography)" for n in found if top(n) not in STDLIB | OFFLINE]
    elif relative == "governance/log/verify.py":
        problems += [f"{n} (the offline verifier may import only stdlib, cryptography, voting, pure governance.log modules)" for n in offline_violations(path)]
    return problems


SOURCES = sorted([*ROOT.glob("voting/**/*.py"), *ROOT.glob("governance/**/*.py")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_module_imports_only_what_its_layer_allows(path):
    problems = violations(path)

    assert not problems, f"{path.relative_to(ROOT).as_posix()} imports: " + "; ".join(problems)


def test_the_layers_exist():
    assert (ROOT / "voting" / "__init__.py").is_file()
    assert (ROOT / "governance" / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        ("voting/bad.py", "import numpy\nfrom voting.exact import format_exact\n", ["numpy"]),
        ("voting/bad.py", "from . import exact\nimport json\n", []),
        ("voting/bad.py", "try:\n    import gmpy2\nexcept ImportError:\n    gmpy2 = None\n", []),
        ("voting/bad.py", "try:\n    import gmpy2\nexcept ImportError:\n    pass\nimport gmpy2\n", ["gmpy2"]),
        ("voting/bad.py", "try:\n    import numpy\nexcept ImportError:\n    numpy = None\n", ["numpy"]),
        ("voting/bad.py", "import gmpy2\n", ["gmpy2"]),
        ("governance/bad.py", "from fastapi import Depends\nimport sqlmodel\n", ["fastapi"]),
        ("governance/bad.py", "from app.settings import get_settings\n", ["app.settings"]),
        ("governance/__init__.py", "import json\n", ["json"]),
        ("governance/log/merkle.py", "import hashlib\nfrom voting import exact\n", ["voting"]),
        ("governance/log/notes.py", "from cryptography.hazmat.primitives import hashes\nimport sqlmodel\n", ["sqlmodel"]),
        ("governance/log/verify.py", "import cryptography\nimport voting.majority\nimport sqlalchemy\n", ["sqlalchemy"]),
    ],
)
def test_the_checker_catches_forbidden_imports(tmp_path, monkeypatch, relative, source, expected):
    fake = tmp_path / relative
    fake.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "governance" / "log").mkdir(parents=True, exist_ok=True)
    (tmp_path / "governance" / "log" / "__init__.py").write_text("")
    fake.write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    found = [problem.split(" ")[0] for problem in violations(fake)]

    assert found == expected


def test_the_verifier_check_follows_governance_log_imports(tmp_path, monkeypatch):
    log = tmp_path / "governance" / "log"
    log.mkdir(parents=True)
    (log / "__init__.py").write_text("")
    (log / "merkle.py").write_text("import hashlib\n")
    (log / "store.py").write_text("import sqlmodel\n")
    (log / "notes.py").write_text("import psycopg\n")
    (log / "verify.py").write_text(
        "from governance.log import merkle\nfrom .merkle import x\nfrom governance.log.store import append\nfrom . import notes\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    found = offline_violations(log / "verify.py")

    assert found == ["governance.log.store -> sqlmodel", "governance.log.notes -> psycopg"]
