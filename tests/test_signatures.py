"""Attestation (DC205), signing (DC206, SSH keys made with ssh-keygen) and the forgery cases of
issue 3: each forgery is caught with the right code."""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from helpers import PEOPLE, GitRepo, git_config, sop
from lifecycle_helpers import Office, codes, state

import docctl
from docctl.core.errors import LifecycleError

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")


@pytest.fixture
def office(repo: GitRepo) -> Office:
    repo.commit("set up", who="jane", date="2026-01-01T09:00:00+00:00")
    return Office(repo)


def make_key(folder: Path, who: str) -> tuple[Path, str]:
    key = folder / f"id_{who}"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(key)], check=True)
    return key, (folder / f"id_{who}.pub").read_text().strip()


def signing_with(key: Path | None) -> AbstractContextManager[None]:
    """Sign commits made inside with ``key`` (SSH); no signing with None."""
    pairs = [("gpg.format", "ssh"), ("commit.gpgsign", "true" if key else "false")]
    if key is not None:
        pairs.append(("user.signingkey", str(key)))
    return git_config(pairs)


@pytest.fixture
def signed_office(repo: GitRepo, tmp_path: Path) -> tuple[Office, dict[str, Path]]:
    keys: dict[str, Path] = {}
    lines = []
    for who in ("jane", "tom", "sam"):
        key, public = make_key(tmp_path, who)
        keys[who] = key
        lines.append(f"{PEOPLE[who][1]} {public}")
    repo.write("keys/allowed_signers", "\n".join(lines) + "\n")
    config = (
        repo.path / "docctl.toml"
    ).read_text() + '\n[signing]\nrequired = true\nallowed_signers = "keys/allowed_signers"\n'
    repo.write("docctl.toml", config)
    repo.commit("set up signing", who="jane", date="2026-01-01T09:00:00+00:00")
    office = Office(repo)
    repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    return office, keys


def test_approvals_signed_by_their_approvers_pass(signed_office: tuple[Office, dict[str, Path]]) -> None:
    office, keys = signed_office
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with signing_with(keys["jane"]), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    assert codes(office.qms) == []


def test_unsigned_approval_is_dc206(signed_office: tuple[Office, dict[str, Path]]) -> None:
    office, keys = signed_office
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with signing_with(None), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    [finding] = office.qms.check().findings
    assert (finding.code, finding.line) == ("DC206", 16)
    assert re.fullmatch(
        r"the approval by Jane Smith \(Quality Manager\) was added in commit [0-9a-f]{12}, which has no signature",
        finding.message,
    )


def test_signature_with_another_persons_key_is_dc206(signed_office: tuple[Office, dict[str, Path]]) -> None:
    office, keys = signed_office
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with signing_with(keys["tom"]), office.acting("jane") as qms:  # Jane's approval, Tom's key
        qms.approve("SOP-001", role="Quality Manager")
    [finding] = office.qms.check().findings
    assert finding.code == "DC206"
    assert finding.message.endswith("which is signed by tom.baker@acme.example, not by the approver")


def test_key_not_in_allowed_signers_is_dc206(signed_office: tuple[Office, dict[str, Path]], tmp_path: Path) -> None:
    office, keys = signed_office
    stranger, _ = make_key(tmp_path, "stranger")
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with signing_with(stranger), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    [finding] = office.qms.check().findings
    assert finding.code == "DC206" and finding.message.endswith(
        "which is signed by an unknown key, not by the approver"
    )


def test_key_added_in_the_same_change_is_not_trusted(
    signed_office: tuple[Office, dict[str, Path]], tmp_path: Path
) -> None:
    office, keys = signed_office
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    # Sam adds his own key under Jane's email and signs "Jane's" approval with it, in one commit
    forged_key, public = make_key(tmp_path, "forged")
    signers = office.repo.path / "keys/allowed_signers"
    signers.write_text(signers.read_text() + f"jane.smith@acme.example {public}\n")
    office.repo.git("add", "keys/allowed_signers")
    with signing_with(forged_key), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager", commit=False)
    with signing_with(forged_key):
        office.repo.git(
            "commit",
            "-q",
            "-m",
            "approve",
            env={"GIT_AUTHOR_NAME": "Jane Smith", "GIT_AUTHOR_EMAIL": "jane.smith@acme.example"},
        )
    [finding] = office.qms.check().findings
    assert finding.code == "DC206" and finding.message.endswith(
        "which is signed by an unknown key, not by the approver"
    )


# refusals: a step refuses exactly on the major findings check reports and the step carries forward ----


def refused_as_check_says(office: Office, who: str, step: str, code: str, **options: str) -> str:
    """Run ``step`` as ``who``: refused with the finding ``check`` reports (code and message), and
    files, status, index, HEAD and tags as they were. Returns the refusal's message."""
    [reported] = [f for f in office.qms.check().findings if f.code == code]
    before = state(office.repo)
    with office.acting(who) as qms, pytest.raises(LifecycleError) as refusal:
        getattr(qms, step)("SOP-001", **options)
    assert refusal.value.exit_code == 1
    assert f": {reported.code} {reported.message}" in str(refusal.value)
    assert state(office.repo) == before
    return str(refusal.value)


def approved_with_jane_committed_by(office: Office, committer: str) -> None:
    """SOP-001 approved: Tom's approval by Tom, Jane's approval committed by ``committer``."""
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager", commit=False)
    office.commit_as(committer, "approval")


def test_release_is_refused_on_an_unattested_approval(office: Office, run_cli: object) -> None:
    approved_with_jane_committed_by(office, "sam")
    message = refused_as_check_says(office, "jane", "release", "DC205")
    assert re.fullmatch(
        r"SOP-001 cannot be released: DC205 the approval by Jane Smith \(Quality Manager\) was added in commit "
        r"[0-9a-f]{12} authored by sam.okafor@acme.example, not by the approver; each approver signs with "
        r"docctl approve under their own git identity: revise it and approve it again",
        message,
    )
    before = state(office.repo)
    with office.acting("jane"):
        code, out, err = run_cli("release", "SOP-001", cwd=office.repo.path)  # type: ignore[operator]
    assert (code, out, err) == (1, "", f"docctl: error: {message}\n")
    assert state(office.repo) == before


def test_approval_is_refused_over_an_unattested_one(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner", commit=False)
    office.commit_as("sam", "Tom's approval, committed by Sam")
    message = refused_as_check_says(office, "jane", "approve", "DC205", role="Quality Manager")
    assert message.startswith("SOP-001 cannot be signed: DC205 the approval by Tom Baker (Process Owner)")


def test_release_goes_ahead_where_check_would_not_report_it_as_major(office: Office) -> None:
    """The refusal follows check exactly: the configuration grades DC205 minor, so release goes ahead."""
    config = office.repo.path / "docctl.toml"
    config.write_text(config.read_text() + '\n[severity]\nDC205 = "minor"\n')
    office.commit_as("jane", "DC205 graded minor")
    office.qms = docctl.open(office.repo.path, clock=office.clock)  # with the new configuration
    approved_with_jane_committed_by(office, "sam")
    assert [(f.code, f.severity.value) for f in office.qms.check().findings] == [("DC205", "minor")]
    with office.acting("jane") as qms:
        assert qms.release("SOP-001").status == "effective"


def test_release_is_refused_on_an_unsigned_approval(signed_office: tuple[Office, dict[str, Path]]) -> None:
    office, keys = signed_office
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with signing_with(None), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    with signing_with(keys["jane"]):
        message = refused_as_check_says(office, "jane", "release", "DC206")
    assert re.fullmatch(
        r"SOP-001 cannot be released: DC206 the approval by Jane Smith \(Quality Manager\) was added in commit "
        r"[0-9a-f]{12}, which has no signature; each approver signs in a commit they sign with their key: "
        r"revise it and approve it again",
        message,
    )


def test_release_is_refused_on_content_changed_after_approval(office: Office) -> None:
    approved_with_jane_committed_by(office, "jane")
    path = office.repo.path / "sops/SOP-001.md"
    path.write_text(path.read_text() + "\nA sentence added after approval.\n")
    office.commit_as("sam", "an edit after approval")
    message = refused_as_check_says(office, "jane", "release", "DC202")
    assert message.startswith("SOP-001 cannot be released: DC202 content changed after approval by Tom Baker")


# forgeries ------------------------------------------------------------------------------------


def approval_lines(name: str, email: str, role: str, fingerprint: str, date: str = "2026-01-06T10:00:00+00:00") -> str:
    return (
        f"approvals:\n  - name: {name}\n    by: {email}\n    role: {role}\n    meaning: approved\n"
        f"    date: {date}\n    fingerprint: {fingerprint}\n"
    )


def test_forgery_approval_typed_in_by_someone_else(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop(status="review"))
    office.commit_as("sam", "draft")
    fp = office.qms.document("SOP-001").fingerprint
    path = office.repo.path / "sops/SOP-001.md"
    forged = approval_lines("Tom Baker", "tom.baker@acme.example", "Process Owner", fp)
    forged += approval_lines("Jane Smith", "jane.smith@acme.example", "Quality Manager", fp).replace("approvals:\n", "")
    path.write_text(
        path.read_text().replace("---\n\n#", forged + "---\n\n#").replace("status: review", "status: approved")
    )
    office.commit_as("sam", "approvals (typed in by Sam)")
    assert [c for c, _, _ in codes(office.qms)] == ["DC205", "DC205"]


def test_forgery_approval_copied_from_another_document(office: Office) -> None:
    office.released_sop("SOP-002", title="Records")
    other = (office.repo.path / "sops/SOP-002.md").read_text()
    block = other[other.index("approvals:") : other.index("---", other.index("approvals:"))]
    office.repo.write("sops/SOP-001.md", sop(status="approved").replace("---\n\n#", block + "---\n\n#"))
    office.commit_as("sam", "copied approvals")
    found = [c for c, _, _ in codes(office.qms)]
    assert "DC202" in found and found.count("DC205") == 2


def test_forgery_approval_copied_from_an_earlier_revision(office: Office) -> None:
    office.released_sop()
    with office.acting("sam") as qms:
        qms.revise("SOP-001", change="Add electronic distribution")
    before = office.qms.at("SOP-001/A").document("SOP-001")
    path = office.repo.path / "sops/SOP-001.md"
    text = office.repo.git("show", "SOP-001/A:sops/SOP-001.md")
    block = text[text.index("approvals:") : text.index("---", text.index("approvals:"))]
    path.write_text(
        path.read_text().replace("status: draft", "status: approved").replace("---\n\n#", block + "---\n\n#")
    )
    office.commit_as("sam", "reuse A's approvals for B")
    assert before.revision == "A"
    # the fingerprint binds the revision (DC202); the status also jumped from draft to approved (DC304)
    assert [c for c, _, _ in codes(office.qms)] == ["DC202", "DC304"]


def test_forgery_approver_removed_from_people(office: Office) -> None:
    office.released_sop()
    config = (
        (office.repo.path / "docctl.toml")
        .read_text()
        .replace('[people."tom.baker@acme.example"]\nname = "Tom Baker"\nroles = ["Process Owner"]\n', "")
    )
    office.repo.write("docctl.toml", config)
    found = [(f.code, f.message) for f in docctl.open(office.repo.path, clock=office.clock).check().findings]
    assert found == [
        ("DC201", "effective without a valid approval by Process Owner"),
        ("DC204", "tom.baker@acme.example is not in [people] of docctl.toml, so cannot sign as Process Owner"),
    ]


def test_forgery_approval_dated_in_the_future(office: Office) -> None:
    office.released_sop()
    path = office.repo.path / "sops/SOP-001.md"
    text = path.read_text()
    path.write_text(re.sub(r"date: 2026-01-\d\dT", "date: 2027-01-01T", text, count=1))
    assert [c for c, _, _ in codes(office.qms)] == ["DC207"]


def test_forgery_content_edited_after_approval_and_fingerprint_edited(office: Office) -> None:
    office.repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    with office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    path = office.repo.path / "sops/SOP-001.md"
    old = office.qms.document("SOP-001").fingerprint
    path.write_text(path.read_text().replace("Control documents.", "Control no documents."))
    new = office.qms.document("SOP-001").fingerprint
    path.write_text(path.read_text().replace(old, new))
    assert [c for c, _, _ in codes(office.qms)] == []  # not committed yet: nothing to attest
    office.commit_as("sam", "tweak")
    assert [c for c, _, _ in codes(office.qms)] == ["DC205", "DC205"]


def test_show_prints_the_signature_manifest(signed_office: tuple[Office, dict[str, Path]], run_cli: object) -> None:
    office, keys = signed_office
    with signing_with(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with signing_with(None), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    manifest = {r.approval.role: r for r in office.qms.manifest(office.qms.document("SOP-001"))}
    tom, jane = manifest["Process Owner"], manifest["Quality Manager"]
    assert (tom.valid, tom.attested, tom.signature, tom.signer) == (True, True, "G", "tom.baker@acme.example")
    assert (jane.valid, jane.attested, jane.signature) == (True, True, "N")
    code, out, _ = run_cli("show", "SOP-001", cwd=office.repo.path)  # type: ignore[operator]
    assert code == 0
    assert re.search(r"    commit [0-9a-f]{12} by the approver; good signature by tom\.baker@acme\.example\n", out)
    assert re.search(r"    commit [0-9a-f]{12} by the approver; not signed\n", out)


# GPG -------------------------------------------------------------------------------------------


@pytest.fixture
def gpg_office(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Office, dict[str, str]]:
    """Signing required, GPG keys for Jane and Tom in a throwaway keyring."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    keys = {}
    for who in ("jane", "tom"):
        name, email = PEOPLE[who]
        subprocess.run(
            [
                "gpg",
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
                "--quick-gen-key",
                f"{name} <{email}>",
                "ed25519",
                "sign",
                "never",
            ],
            check=True,
            capture_output=True,
        )
        listing = subprocess.run(
            ["gpg", "--list-secret-keys", "--with-colons", email], check=True, capture_output=True, text=True
        ).stdout
        keys[who] = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))
    config = (repo.path / "docctl.toml").read_text() + "\n[signing]\nrequired = true\n"
    repo.write("docctl.toml", config)
    repo.commit("set up signing", who="jane", date="2026-01-01T09:00:00+00:00")
    office = Office(repo)
    repo.write("sops/SOP-001.md", sop())
    office.commit_as("sam", "draft")
    with office.acting("sam") as qms:
        qms.submit("SOP-001")
    return office, keys


def gpg_signing(key: str) -> AbstractContextManager[None]:
    """Sign commits made inside with the GPG key ``key``."""
    return git_config([("gpg.format", "openpgp"), ("commit.gpgsign", "true"), ("user.signingkey", key)])


def test_gpg_signed_approvals_pass(gpg_office: tuple[Office, dict[str, str]]) -> None:
    office, keys = gpg_office
    with gpg_signing(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with gpg_signing(keys["jane"]), office.acting("jane") as qms:
        qms.approve("SOP-001", role="Quality Manager")
    assert codes(office.qms) == []


def test_gpg_signature_by_another_person_is_dc206(gpg_office: tuple[Office, dict[str, str]]) -> None:
    office, keys = gpg_office
    with gpg_signing(keys["tom"]), office.acting("tom") as qms:
        qms.approve("SOP-001", role="Process Owner")
    with gpg_signing(keys["tom"]), office.acting("jane") as qms:  # Jane's approval, Tom's key
        qms.approve("SOP-001", role="Quality Manager")
    [finding] = office.qms.check().findings
    assert finding.code == "DC206"
    assert finding.message.endswith("which is signed by tom.baker@acme.example, not by the approver")
