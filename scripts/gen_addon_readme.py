#!/usr/bin/env python3
"""Write each addon's README.rst from its readme/ fragments.

Usage: python3 scripts/gen_addon_readme.py [--check] [ADDON ...]

The fragments (DESCRIPTION.md, CONFIGURE.md, USAGE.md, in that order) are plain text
with at most simple bullet lists, which read the same in Markdown and reStructuredText.
With --check, nothing is written and the exit code is 1 when a README.rst is stale.
"""

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = [("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage")]


def render(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        ".. This file is generated from readme/*.md by scripts/gen_addon_readme.py: edit those.",
        "",
        f"*{manifest['summary']}*",
        "",
    ]
    for filename, heading in SECTIONS:
        fragment = addon_dir / "readme" / filename
        if not fragment.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [fragment.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(parts)


def main(argv):
    check = "--check" in argv
    names = [a for a in argv if not a.startswith("--")] or sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))
    stale = []
    for name in names:
        addon_dir = REPO / name
        text = render(addon_dir)
        target = addon_dir / "README.rst"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            target.write_text(text, encoding="utf-8")
    if check and stale:
        print("README.rst out of date (run scripts/gen_addon_readme.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
