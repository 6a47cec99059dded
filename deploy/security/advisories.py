#!/usr/bin/env python3
"""Known-vulnerable runtime dependencies, checked against a vendored OSV advisory snapshot.

    python3 deploy/security/advisories.py check     # exit 0: none; 1: findings; 2: cannot check
    python3 deploy/security/advisories.py refresh   # rewrite the snapshot from the OSV API

`check` reads no network: the runtime packages of package-lock.json (every package not marked
dev) are matched against deploy/security/advisories.json, an OSV-format snapshot taken for exactly
those packages. High and critical advisories fail the check, and so do advisories whose severity
the snapshot does not give (a check must not pass what it could not grade); moderate and low ones
are listed. deploy/security/accepted.json may accept a finding for a stated reason until a date.

`refresh` asks the OSV API (querybatch, then each advisory) about the runtime packages and writes
a new snapshot. Where the API cannot be reached it says so, exits 2 and leaves the snapshot as it
was. `npm audit` is no option here: the registry we reach refuses its bulk advisory endpoint.

Standard library only: it runs wherever python3 does, with no install step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LOCK = ROOT / "package-lock.json"
DEFAULT_SNAPSHOT = ROOT / "deploy" / "security" / "advisories.json"
DEFAULT_ACCEPTED = ROOT / "deploy" / "security" / "accepted.json"
DEFAULT_SOURCE = "https://api.osv.dev"
# A month: advisories for popular packages appear weekly; an older snapshot is reported as stale.
DEFAULT_MAX_AGE_DAYS = 30
BLOCKING = {"HIGH", "CRITICAL", "UNKNOWN"}
SNAPSHOT_FORMAT = 1

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_CHECK = 0, 1, 2


class CannotCheck(Exception):
    """The check or refresh could not run; the message says what to do."""


# --- package-lock.json --------------------------------------------------------------------------


def runtime_packages(lock_path: Path) -> list[str]:
    """`name@version` of every installed package not marked dev in a v2/v3 lockfile, sorted."""
    try:
        lock = json.loads(lock_path.read_text())
    except (OSError, ValueError) as error:
        raise CannotCheck(f"cannot read {lock_path}: {error}") from error
    packages = lock.get("packages")
    if not isinstance(packages, dict):
        raise CannotCheck(f"{lock_path} has no 'packages' map (lockfileVersion 2 or later needed)")
    out = set()
    for path, meta in packages.items():
        if "node_modules/" not in path or meta.get("dev") or meta.get("link"):
            continue
        # The name is what follows the last node_modules/ (scoped names keep their scope).
        name = path.rsplit("node_modules/", 1)[1]
        if "version" in meta:
            out.add(f"{name}@{meta['version']}")
    return sorted(out)


def split(package: str) -> tuple[str, str]:
    """`@scope/name@1.2.3` -> (`@scope/name`, `1.2.3`)."""
    name, _, version = package.rpartition("@")
    return name, version


# --- versions and OSV ranges --------------------------------------------------------------------

SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$")


def version_key(text: str) -> tuple[Any, ...]:
    """A sort key by semver precedence (a pre-release sorts before its release)."""
    m = SEMVER.match(text.strip())
    if m is None:
        raise CannotCheck(f"not a version: {text!r}")
    core = tuple(int(part or 0) for part in m.group(1, 2, 3))
    pre = m.group(4)
    if pre is None:
        return (*core, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (*core, 0, ids)


def affects(advisory: dict[str, Any], name: str, version: str) -> bool:
    """Whether an OSV advisory lists `name@version` (npm), by its versions or its ranges."""
    key = version_key(version)
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "npm" or package.get("name") != name:
            continue
        if version in affected.get("versions", []):
            return True
        for r in affected.get("ranges", []):
            if r.get("type") in ("SEMVER", "ECOSYSTEM") and in_range(r.get("events", []), key):
                return True
    return False


def in_range(events: list[dict[str, str]], key: tuple[Any, ...]) -> bool:
    """OSV's rule: walk the events in version order; introduced opens, fixed/last_affected close."""

    def event_key(event: dict[str, str]) -> tuple[Any, ...]:
        value = next(iter(event.values()))
        return (0,) if value == "0" else (1, *version_key(value))

    here = (1, *key)
    affected = False
    for event in sorted(events, key=event_key):
        kind, value = next(iter(event.items()))
        at = event_key(event)
        if kind == "introduced" and here >= at:
            affected = True
        elif kind == "fixed" and here >= at:
            affected = False
        elif kind == "last_affected" and here > at:
            affected = False
    return affected


def severity(advisory: dict[str, Any]) -> str:
    """The advisory's own grade (GitHub's HIGH, MODERATE...), or UNKNOWN when it gives none."""
    grade = str(advisory.get("database_specific", {}).get("severity", "")).upper()
    return grade if grade in ("LOW", "MODERATE", "MEDIUM", "HIGH", "CRITICAL") else "UNKNOWN"


# --- check --------------------------------------------------------------------------------------


def load_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as error:
        raise CannotCheck(f"no {what} at {path}; create it with: {refresh_hint()}") from error
    except (OSError, ValueError) as error:
        raise CannotCheck(f"cannot read the {what} {path}: {error}") from error


def refresh_hint() -> str:
    return "python3 deploy/security/advisories.py refresh (needs the OSV API)"


def check(args: argparse.Namespace) -> int:
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    snapshot = load_json(args.snapshot, "advisory snapshot")
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise CannotCheck(f"{args.snapshot}: format {snapshot.get('format')!r}, expected 1")
    accepted = load_json(args.accepted, "acceptance list") if args.accepted.exists() else []
    packages = runtime_packages(args.lock)
    fetched = dt.date.fromisoformat(snapshot["fetched_at"])
    age = (today - fetched).days
    print(
        f"advisories: {len(packages)} runtime packages of {args.lock.name} against the snapshot "
        f"of {fetched} ({age} days old; source: {snapshot['source']})"
    )
    if not snapshot.get("complete", False):
        print(f"WARNING: the snapshot is incomplete: {snapshot.get('note', '')}")
        print(f"  A pass says only that none of its advisories applies; {refresh_hint()}")
    if age > args.max_age_days:
        print(f"WARNING: the snapshot is older than {args.max_age_days} days; {refresh_hint()}")

    # A package the snapshot was not taken for was not checked: say so, never pass it. With
    # --allow-unchecked (the test suite on a machine that cannot reach the advisory source) the
    # covered packages are still checked and the rest is named as NOT CHECKED on every run.
    covered = set(snapshot.get("packages", []))
    missing = [p for p in packages if p not in covered]
    if missing and not args.allow_unchecked:
        raise CannotCheck(
            f"{len(missing)} runtime package(s) are not in the snapshot "
            f"(e.g. {', '.join(missing[:5])}): the lockfile changed since it was taken; "
            f"{refresh_hint()}"
        )
    if missing:
        print(
            f"NOT CHECKED: {len(missing)} of {len(packages)} runtime packages are not in the "
            f"snapshot (e.g. {', '.join(missing[:5])}); {refresh_hint()}"
        )
    packages = [p for p in packages if p in covered]

    blocking, minor = [], []
    for package in packages:
        name, version = split(package)
        for advisory in snapshot.get("advisories", []):
            if affects(advisory, name, version):
                grade = severity(advisory)
                finding = (package, advisory["id"], grade, advisory.get("summary", ""))
                (blocking if grade in BLOCKING else minor).append(finding)

    used = set()
    failing = []
    reasons_shown = set()
    for package, advisory_id, grade, summary in blocking:
        acceptance = next(
            (a for a in accepted if a["id"] == advisory_id and a["package"] == package), None
        )
        line = f"{grade:8} {package}  {advisory_id}  {summary}"
        if acceptance is not None and dt.date.fromisoformat(acceptance["expires"]) >= today:
            used.add((advisory_id, package))
            print(f"accepted {line} (until {acceptance['expires']})")
            if acceptance["reason"] not in reasons_shown:
                reasons_shown.add(acceptance["reason"])
                print(f"         why: {acceptance['reason']}")
        else:
            expired = f" (acceptance expired {acceptance['expires']})" if acceptance else ""
            failing.append(f"{line}{expired}")
    for package, advisory_id, grade, summary in minor:
        print(f"note     {grade:8} {package}  {advisory_id}  {summary}")
    for a in accepted:
        if (a["id"], a["package"]) not in used and a["id"] not in {f[1] for f in blocking}:
            print(f"WARNING: acceptance of {a['id']} for {a['package']} matches nothing: remove it")
    for line in failing:
        print(f"FAIL     {line}")
    print(
        f"{len(failing)} blocking, {len(used)} accepted, {len(minor)} below high "
        f"(high, critical and ungraded advisories block)"
    )
    return EXIT_FINDINGS if failing else EXIT_OK


# --- refresh ------------------------------------------------------------------------------------


def post_json(url: str, body: Any, timeout: float) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def get_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def refresh(args: argparse.Namespace) -> int:
    packages = runtime_packages(args.lock)
    source = args.source.rstrip("/")
    try:
        ids: set[str] = set()
        # querybatch takes up to 1,000 queries; it answers with ids, the advisories come after.
        for start in range(0, len(packages), 1000):
            chunk = packages[start : start + 1000]
            queries = [
                {"package": {"ecosystem": "npm", "name": split(p)[0]}, "version": split(p)[1]}
                for p in chunk
            ]
            answer = post_json(f"{source}/v1/querybatch", {"queries": queries}, args.timeout)
            for result in answer.get("results", []):
                if result.get("next_page_token"):
                    raise CannotCheck("querybatch paged its answer; page tokens are not followed")
                ids.update(v["id"] for v in result.get("vulns", []))
        advisories = [get_json(f"{source}/v1/vulns/{i}", args.timeout) for i in sorted(ids)]
    except (urllib.error.URLError, OSError, ValueError) as error:
        previous = "none"
        if args.snapshot.exists():
            old = json.loads(args.snapshot.read_text())
            previous = f"the one of {old.get('fetched_at')} (source: {old.get('source')})"
        raise CannotCheck(
            f"cannot reach the advisory source {source} ({error}); the snapshot was NOT "
            f"refreshed and is still {previous}"
        ) from error
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "source": f"OSV API {source}",
        "fetched_at": dt.date.today().isoformat(),
        "complete": True,
        "note": "every advisory the OSV API lists for the runtime packages below",
        "packages": packages,
        "advisories": advisories,
    }
    # Written whole or not at all: a reader never sees half a snapshot.
    fd, tmp = tempfile.mkstemp(dir=args.snapshot.parent, suffix=".json")
    with os.fdopen(fd, "w") as out:
        json.dump(snapshot, out, indent=1, sort_keys=True)
        out.write("\n")
    os.replace(tmp, args.snapshot)
    print(f"advisories: {len(advisories)} for {len(packages)} runtime packages -> {args.snapshot}")
    return EXIT_OK


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "refresh"])
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK)
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT)
    parser.add_argument("--accepted", type=Path, default=DEFAULT_ACCEPTED)
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="OSV API base URL (refresh)")
    parser.add_argument("--timeout", type=float, default=20, help="seconds per request (refresh)")
    parser.add_argument("--max-age-days", type=int, default=DEFAULT_MAX_AGE_DAYS)
    parser.add_argument("--today", help="YYYY-MM-DD instead of today's date (tests)")
    parser.add_argument(
        "--allow-unchecked",
        action="store_true",
        help="check: name the packages the snapshot does not cover instead of refusing (exit 2)",
    )
    args = parser.parse_args(argv)
    try:
        return check(args) if args.command == "check" else refresh(args)
    except CannotCheck as error:
        print(f"advisories: NOT CHECKED: {error}", file=sys.stderr)
        return EXIT_CANNOT_CHECK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
