"""The set-up commands: README and CI install the same way, from constraints.txt, with the pip that venv ships."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def readme_setup_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "README.md opens with a bash block of set-up commands"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_and_ci_install_from_the_constraints_file_without_upgrading_pip():
    first, second = readme_setup_commands()[:2]
    assert first.startswith("pip install -c constraints.txt -e . ")
    assert second == 'pip install -c constraints.txt -e ".[dev]" && python -m pytest -ra'
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert second.replace("pip install", "pip install -q") in ci
    assert "--upgrade pip" not in ci and "-U pip" not in ci


def test_constraints_pin_every_dependency_to_a_version_pyproject_allows():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = version
    extras = project["optional-dependencies"]
    reqs = [Requirement(r) for r in project["dependencies"] + extras["eval"] + extras["train"] + extras["dev"]]
    for req in reqs:
        if canonicalize_name(req.name) == "bantin":
            continue
        assert canonicalize_name(req.name) in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[canonicalize_name(req.name)], prereleases=True), (req, pins[canonicalize_name(req.name)])
    assert "bantin" not in pins


def test_inference_dependencies_have_no_torch_and_justext_gets_lxml_html_clean():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert not core & {"torch", "transformers", "datasets"}
    extras = project["optional-dependencies"]
    assert {"torch", "transformers", "datasets"} <= {canonicalize_name(Requirement(r).name) for r in extras["train"]}
    # jusText imports lxml.html.clean, a separate project since lxml 5.2; pip 23 ignores lxml's "html_clean" extra
    assert "lxml-html-clean" in {canonicalize_name(Requirement(r).name) for r in extras["eval"]}
    dev = [Requirement(r) for r in extras["dev"]]
    assert any(r.name == "bantin" and {"eval", "train"} <= r.extras for r in dev)
