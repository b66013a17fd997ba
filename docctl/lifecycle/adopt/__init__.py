"""``docctl adopt``: bring existing Markdown and .docx files under control (docs/adopting.md).

A plan first (:mod:`~docctl.lifecycle.adopt.build`): one row per file with each value and where it
came from, read from the files themselves (:mod:`~docctl.lifecycle.adopt.markdown`,
:mod:`~docctl.lifecycle.adopt.docx`, :mod:`~docctl.lifecycle.adopt.filenames`) and a master list
(:mod:`~docctl.lifecycle.adopt.masterlist`); then, unless it is a dry run, the plan carried out whole
(:mod:`~docctl.lifecycle.adopt.apply`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docctl.core.errors import GitError, LifecycleError, UsageError
from docctl.lifecycle.adopt.apply import Signature, carry_out, prepare
from docctl.lifecycle.adopt.build import Request, build
from docctl.lifecycle.adopt.plan import Action, Adoption, AdoptionRefused, Found, Plan, Row

if TYPE_CHECKING:
    from docctl.composer.base import Composer

__all__ = ["Action", "Adoption", "AdoptionRefused", "Found", "Plan", "Request", "Row", "adopt"]


def adopt(
    repo: Composer, request: Request, *, dry_run: bool = False, by: str | None = None, commit: bool = True
) -> Adoption:
    """Plan the adoption and, unless ``dry_run``, carry it out (AdoptionRefused when files are refused)."""
    from docctl.lifecycle.journal import serialised

    if dry_run:  # a plan writes nothing: no lock
        with repo.one_head():
            return _adopt(repo, request, dry_run=True, by=by, commit=commit)
    with serialised(repo, "adopt", ", ".join(str(p) for p in request.paths) or "."), repo.one_head():
        return _adopt(repo, request, dry_run=False, by=by, commit=commit)


def _adopt(repo: Composer, request: Request, *, dry_run: bool, by: str | None, commit: bool) -> Adoption:
    from docctl.lifecycle.steps import actor

    who = None if dry_run else actor(repo, by)
    identity = who.email if who is not None else _identity(repo)
    signer = _signer(repo, identity) if request.effective else None
    plan, built = prepare(repo, build(repo, request, identity=identity), signer)
    if dry_run:
        return Adoption(plan=plan, dry_run=True)
    if plan.refused:
        raise AdoptionRefused(plan)
    assert who is not None
    return carry_out(repo, plan, built, who, commit=commit)


def _identity(repo: Composer) -> str | None:
    git = repo.git()
    if git is None:
        return None
    try:
        return git.identity().email
    except GitError:
        return None


def _signer(repo: Composer, identity: str | None) -> Signature:
    """The adoption approval of --effective: the person running adopt, in the role [adopt] names."""
    from docctl.rules.approvals import role_problem

    config = repo.config
    role = config.adopt.role
    if role is None:
        raise UsageError(
            "adopt --effective needs the role that declares adopted documents in force: "
            'set role in [adopt] of docctl.toml (e.g. role = "Quality Manager")'
        )
    if identity is None:
        raise LifecycleError("adopt --effective is an approval by you: set your git identity (git config user.email)")
    problem = role_problem(identity, role, repo.context())
    if problem is not None:
        raise LifecycleError(f"adopt --effective approves as {role}: {problem}")
    person = config.people[identity]
    stamp = repo.now().replace(microsecond=0).isoformat()
    return Signature(person.name, identity, role, stamp)
