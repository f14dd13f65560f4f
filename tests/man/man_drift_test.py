#!/usr/bin/env python3
"""The manual pages cannot drift from the program.

Every table and key of config/parkd.toml and of `parkd --check-config` (the
keys parkd knows) is defined in parkd.toml(5) as "*key* (type...)"; every
flag that `parkd --help` lists is in parkd(8)'s OPTIONS, and parkd(8) shows
its usage line; every PARKD_* journal field the sources send is in
parkd(8)'s JOURNAL FIELDS. Checked on the built roff, which no hyphenation
has split yet.

Usage: man_drift_test.py PARKD SOURCE_ROOT PARKD_8 PARKD_TOML_5
"""
import pathlib
import re
import subprocess
import sys


def keys_of(toml_text):
    """[(table, key)] of a flat TOML text like config/parkd.toml."""
    out, table = [], None
    for line in toml_text.splitlines():
        if m := re.match(r"^\[([a-z_]+)\]\s*$", line):
            table = m.group(1)
        elif m := re.match(r"^([a-z_]+)\s*=", line):
            out.append((table, m.group(1)))
    return out


def section(roff, title):
    """The roff text of section TITLE, up to the next .SH."""
    m = re.search(r"^\.SH " + re.escape(title) + r"\n(.*?)(?=^\.SH |\Z)",
                  roff, re.S | re.M)
    return m.group(1) if m else ""


def main():
    parkd, root, page8, page5 = sys.argv[1:5]
    man8 = pathlib.Path(page8).read_text()
    man5 = pathlib.Path(page5).read_text()
    failures = []

    sources = {
        "config/parkd.toml": (pathlib.Path(root) / "config/parkd.toml").read_text(),
        "parkd --check-config": subprocess.run(
            [parkd, "--config", str(pathlib.Path(root) / "config/parkd.toml"),
             "--check-config"], check=True, capture_output=True, text=True).stdout,
    }
    keys = set()
    for where, text in sources.items():
        found = keys_of(text)
        if not found:
            failures.append(f"no keys found in {where}")
        keys |= set(found)
    for table, key in sorted(keys):
        body = section(man5, f"[{table}]")
        if not body:
            failures.append(f"parkd.toml(5) has no [{table}] section")
        elif not re.search(r"^\\fB" + re.escape(key) + r"\\fR \(", body, re.M):
            failures.append(f"parkd.toml(5) [{table}] does not define {key}")

    help_text = subprocess.run([parkd, "--help"], check=True,
                               capture_output=True, text=True).stdout
    flags = set(re.findall(r"^  (--[a-z][a-z-]*)", help_text, re.M))
    if len(flags) < 4:
        failures.append(f"parkd --help lists too few flags: {sorted(flags)}")
    options = section(man8, "OPTIONS")
    synopsis = section(man8, "SYNOPSIS")
    for flag in sorted(flags):
        if not re.search(r"^\\fB" + re.escape(flag) + r"\\fR", options, re.M):
            failures.append(f"parkd(8) OPTIONS does not define {flag}")
        if f"\\fB{flag}\\fR" not in synopsis:
            failures.append(f"parkd(8) SYNOPSIS does not show {flag}")

    fields = set()
    for path in pathlib.Path(root).glob("*/**/*.cc"):
        if "tests" in path.relative_to(root).parts:
            continue
        text = path.read_text()
        fields |= set(re.findall(r'"(PARKD_[A-Z_]+)"', text))
        # The service layer names its fields with the daemon's prefix
        # (park::CounterFields, "PARKD" for parkd): Name("X") and the
        # per-worker add("X", ...) are PARKD_X in parkd's journal.
        if path.parent.name == "service":
            fields |= {"PARKD_" + f for f in
                       re.findall(r'(?:Name|add)\("([A-Z_]+)"', text)}
    fields.discard("PARKD_TEST_FAULT")  # a test hook, not a journal field
    if len(fields) < 15:
        failures.append(f"too few PARKD_* fields found in the sources: {sorted(fields)}")
    journal = section(man8, "JOURNAL FIELDS")
    for field in sorted(fields):
        if f"\\fB{field}\\fR" not in journal:
            failures.append(f"parkd(8) JOURNAL FIELDS does not name {field}")

    print(f"{len(keys)} config keys, {len(flags)} flags, {len(fields)} journal fields checked")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
