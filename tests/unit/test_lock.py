"""The lock files pin every dependency pyproject.toml asks for, within its range: after
editing the dependencies, `make lock`."""

import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEPENDENCIES = PROJECT["project"]["dependencies"]
TEST_EXTRA = PROJECT["project"]["optional-dependencies"]["test"]
BUILD = PROJECT["build-system"]["requires"]


def pins(lock: str) -> dict[str, str]:
    """name -> version of each `name==version` line of a pip-compile output."""
    found = {}
    for line in (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, _, version = line.split(" ")[0].partition("==")
            found[canonicalize_name(name)] = version
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("run.txt", DEPENDENCIES + BUILD), ("test.txt", DEPENDENCIES + TEST_EXTRA + BUILD)],
)
def test_every_dependency_is_pinned_within_its_range(lock: str, requirements: list[str]):
    pinned = pins(lock)
    for requirement in map(Requirement, requirements):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is not in requirements/{lock}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pinned[name]}, outside {requirement}: run `make lock`")


def test_what_serving_installs_is_what_the_tests_ran():
    run, test = pins("run.txt"), pins("test.txt")
    assert {name: test.get(name) for name in run} == run
