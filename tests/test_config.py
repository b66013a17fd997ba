"""docctl.toml: defaults, and every kind of mistake reported with file and line."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from docctl.config.load import load_config
from docctl.config.model import Config
from docctl.core.errors import ConfigError
from docctl.core.model import Severity

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docctl.toml").write_text(text)
    return tmp_path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return str(info.value).replace(str(tmp_path / "docctl.toml"), "docctl.toml")


def test_empty_file_gives_documented_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert isinstance(config, Config)
    assert config.standards == ("iso9001:2015",)
    assert config.controlled == ("**/*.md", "**/*.docx")
    assert config.exclude == ("**/README.md",)
    assert config.revision_scheme == "letters"
    assert config.fail_on is Severity.MAJOR
    assert config.review_warning_days == 30
    assert sorted(config.types) == ["FRM", "POL", "QM", "SOP", "WI"]
    assert config.types["SOP"].approvers == ("Process Owner", "Quality Manager")
    assert config.people == {} and not config.signing.required


def test_type_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[types.CAL]\n"))
    cal = config.types["CAL"]
    assert (cal.title, cal.id_pattern, cal.approvers, cal.review_months, cal.allow_self_approval) == (
        "CAL",
        "CAL-{n:03}",
        ("Quality Manager",),
        24,
        False,
    )
    assert list(config.types) == ["CAL"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[docctl]\nstandrds = []\n", "docctl.toml:2: unknown key 'docctl.standrds'"),
        ('[docctl]\nfail_on = "critical"\n', "docctl.toml:2: 'docctl.fail_on' must be one of major, minor, ofi"),
        (
            '[docctl]\nrevision_scheme = "roman"\n',
            "docctl.toml:2: revision_scheme must be one of letters, numbers, major.minor, not 'roman'",
        ),
        (
            '[docctl]\nreview_warning_days = "30"\n',
            "docctl.toml:2: 'docctl.review_warning_days' must be a whole number of at least 0",
        ),
        ('[docctl]\ncontrolled = "**/*.md"\n', "docctl.toml:2: 'docctl.controlled' must be a list of strings"),
        ('\n\n[types.SOP]\napprovers = "QM"\n', "docctl.toml:4: 'types.SOP.approvers' must be a list of strings"),
        (
            '[types.SOP]\nid_pattern = "SOP-001"\n',
            "docctl.toml:2: 'types.SOP.id_pattern' must contain {n} or a zero-padded {n:03} once",
        ),
        (
            '[types.SOP]\nid_pattern = "SOP-{n:3}"\n',
            "docctl.toml:2: 'types.SOP.id_pattern' must contain {n} or a zero-padded {n:03} once",
        ),
        ("[types.SOP]\napprover = []\n", "docctl.toml:2: unknown key 'types.SOP.approver'"),
        (
            '[types.SOP]\nallow_self_approval = "no"\n',
            "docctl.toml:2: 'types.SOP.allow_self_approval' must be true or false",
        ),
        (
            '[people."jane@acme.example"]\nroles = ["QM"]\n',
            "docctl.toml:1: 'people.\"jane@acme.example\".name' is required",
        ),
        ('[people."jane"]\nname = "Jane"\n', "docctl.toml:1: people key 'jane' must be an email address"),
        ('[people."j@a.example"]\nname = "J"\nrole = ["QM"]\n', "docctl.toml:3: unknown key 'people.j@a.example.role'"),
        ('[severity]\nDC999 = "major"\n', "docctl.toml:2: unknown finding code 'DC999' in [severity]"),
        ('[ignore]\n"legacy/**" = ["DC10"]\n', "docctl.toml:2: unknown finding code 'DC10' in [ignore]"),
        ("[signing]\nrequired = 1\n", "docctl.toml:2: 'signing.required' must be true or false"),
        ("[colours]\n", "docctl.toml:1: unknown key 'colours'"),
        ("[docctl\n", "docctl.toml:1: invalid TOML: Expected ']' at the end of a table declaration"),
        ("a = 1\na = 2\n", "docctl.toml:2: invalid TOML: Cannot overwrite a value"),
    ],
)
def test_mistakes_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    assert error_of(tmp_path, text) == message


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "docctl.toml").write_bytes(b"[docctl]\n# caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).endswith("docctl.toml: not UTF-8 text")


def test_example_and_template_configs_follow_the_schema() -> None:
    schema = json.loads((ROOT / "schemas/config.schema.json").read_text())
    for path in [ROOT / "examples/acme-qms/docctl.toml", ROOT / "docctl/templates/docctl.toml"]:
        data = tomllib.loads(path.read_text().replace("{email}", "a@b.example").replace("{name}", "A"))
        jsonschema.validate(data, schema)
