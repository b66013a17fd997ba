"""docctl.toml: defaults, and every kind of mistake reported with file and line."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from docctl.adapters.paths import is_controlled, matches
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


_ANCHOR = "docctl.toml:{line}: 'docctl.{key}' glob '{glob}' "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[docctl]\ncontrolled = ["sops/[a-"]\n',
            _ANCHOR.format(line=2, key="controlled", glob="sops/[a-") + "has a '[' that is never closed with ']'",
        ),
        (
            '[docctl]\ncontrolled = ["/etc/*"]\n',
            _ANCHOR.format(line=2, key="controlled", glob="/etc/*")
            + "is absolute: globs are paths relative to the folder of docctl.toml",
        ),
        (
            '[docctl]\ncontrolled = ["**/*.md", "../**/*.md"]\n',
            _ANCHOR.format(line=2, key="controlled", glob="../**/*.md")
            + "leaves the folder of docctl.toml ('..'): only files below it can be controlled",
        ),
        (  # the line of the glob itself in an array written over several lines
            '[docctl]\nexclude = [\n  "README.md",\n  "sops/**/../x.md",\n]\n',
            _ANCHOR.format(line=4, key="exclude", glob="sops/**/../x.md")
            + "leaves the folder of docctl.toml ('..'): only files below it can be controlled",
        ),
        (
            "[docctl]\nexclude = ['C:/qms/*.md']\n",
            _ANCHOR.format(line=2, key="exclude", glob="C:/qms/*.md")
            + "is absolute: globs are paths relative to the folder of docctl.toml",
        ),
        (
            '[docctl]\ncontrolled = ["drafts/"]\n',
            _ANCHOR.format(line=2, key="controlled", glob="drafts/")
            + "ends with '/': globs match files, not folders (write 'drafts/**')",
        ),
        (
            '[docctl]\ncontrolled = ["./sops/*.md"]\n',
            _ANCHOR.format(line=2, key="controlled", glob="./sops/*.md")
            + "has an empty or '.' folder: write the path from the root without './' or '//'",
        ),
        ('[docctl]\nexclude = [""]\n', _ANCHOR.format(line=2, key="exclude", glob="") + "is empty"),
        (
            '[docctl]\nexclude = ["a\\\\"]\n',
            _ANCHOR.format(line=2, key="exclude", glob="a\\") + "ends with a lone backslash",
        ),
        (
            '[ignore]\n"/legacy/**" = ["DC104"]\n',
            "docctl.toml:2: [ignore] glob '/legacy/**' is absolute: globs are paths relative to the folder of docctl.toml",
        ),
        (
            "[types.SOP]\ntitle = 'SOP'\napprovers = []\n",
            "docctl.toml:3: 'types.SOP.approvers' must name at least one role, and no empty one: "
            "a document of the type could otherwise become effective without a signature",
        ),
        (
            "[types.SOP]\napprovers = ['Quality Manager', ' ']\n",
            "docctl.toml:2: 'types.SOP.approvers' must name at least one role, and no empty one: "
            "a document of the type could otherwise become effective without a signature",
        ),
    ],
)
def test_globs_that_match_nothing_and_empty_approvers_are_errors(tmp_path: Path, text: str, message: str) -> None:
    """An edit of docctl.toml must not drop documents from control silently (issue 13)."""
    assert error_of(tmp_path, text) == message


def test_glob_lines_are_kept_for_findings(tmp_path: Path) -> None:
    text = '[docctl]\n# comment\ncontrolled = [\n  "sops/**",\n  "wis/*.md",\n]\nexclude = ["sops/old/**"]\n'
    config = load_config(write(tmp_path, text))
    assert [config.line_of(k) for k in ("docctl.controlled", "docctl.controlled[0]", "docctl.controlled[1]")] == [
        3,
        4,
        5,
    ]
    assert (config.line_of("docctl.exclude"), config.line_of("docctl.exclude[0]")) == (7, 7)
    assert load_config(write(tmp_path, "")).locations == {}  # defaults are written nowhere


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


# Globs, as docs/configuration.md describes them ------------------------------------------------------------------

GLOBS = [
    # `*`, `?` and sets stay within one folder
    ("sops/*.md", "sops/a.md", True),
    ("sops/*.md", "sops/old/a.md", False),
    ("sops/SOP-00?.md", "sops/SOP-001.md", True),
    ("sops/SOP-00?.md", "sops/SOP-0011.md", False),
    ("sops/?.md", "sops//.md", False),
    ("sops/[abc].md", "sops/b.md", True),
    ("sops/[a-c].md", "sops/c.md", True),
    ("sops/[a-c].md", "sops/d.md", False),
    ("sops/[!a].md", "sops/a.md", False),
    ("sops/[!a].md", "sops/b.md", True),
    # `**/` is any number of folders, including none
    ("**/*.md", "a.md", True),
    ("**/*.md", "x/y/a.md", True),
    ("**/*.md", "x/y/a.docx", False),
    ("sops/**/*.md", "sops/a.md", True),
    ("sops/**/*.md", "sops/x/y/a.md", True),
    ("sops/**/*.md", "forms/a.md", False),
    # `**` elsewhere is anything, including `/`
    ("legacy/**", "legacy/a.md", True),
    ("legacy/**", "legacy/x/y/a.md", True),
    ("legacy/**", "legacy.md", False),
    ("legacy/**", "old/legacy/a.md", False),
    ("sops/**.md", "sops/a.md", True),
    ("sops/**.md", "sops/x/y/a.md", True),
    ("sops/**.md", "forms/a.md", False),
    ("**", "x/y/a.md", True),
    # no `/` at all: the file name at any depth, as in .gitignore
    ("README.md", "README.md", True),
    ("README.md", "sops/README.md", True),
    ("README.md", "sops/README.md.bak", False),
    ("*.md", "x/y/a.md", True),
    # a `/` anchors the pattern at the root
    ("sops/README.md", "sops/README.md", True),
    ("sops/README.md", "x/sops/README.md", False),
    # unlike .gitignore, patterns match files, not folders
    ("drafts", "drafts/a.md", False),
    ("drafts", "x/drafts", True),
    ("drafts/", "drafts/a.md", False),
    ("*.md", "notes.md/a.txt", False),
    ("sops/*.md", "sops/a.md/b.txt", False),
    # a leading `/` is not understood
    ("/sops/*.md", "sops/a.md", False),
    # `!` and `#` are plain characters (in .gitignore a negation and a comment)
    ("!a.md", "x/!a.md", True),
    ("#a.md", "#a.md", True),
]


@pytest.mark.parametrize(("glob", "path", "expected"), GLOBS)
def test_glob_semantics(glob: str, path: str, expected: bool) -> None:
    assert matches(path, [glob]) is expected


def test_controlled_by_the_default_globs() -> None:
    controlled, exclude = ("**/*.md", "**/*.docx"), ("**/README.md",)
    assert is_controlled("sops/SOP-001.md", controlled, exclude)
    assert is_controlled("SOP-001.docx", controlled, exclude)
    assert not is_controlled("README.md", controlled, exclude)
    assert not is_controlled("sops/README.md", controlled, exclude)
    assert not is_controlled("sops/notes.txt", controlled, exclude)
    assert not is_controlled(".github/SOP-001.md", controlled, exclude)  # a hidden folder
    assert not is_controlled("sops/~$SOP-001.docx", controlled, exclude)  # Word's lock file
    assert not is_controlled("sops/.SOP-001.md.swp", controlled, exclude)
