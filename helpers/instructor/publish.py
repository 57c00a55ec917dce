"""The course's one address: `[project.urls] Repository` in pyproject.toml, and what follows it.

The setup cells' install line, the "Open in Colab" badge atop every notebook and the README's
Colab links name the repository and branch that `pyproject.toml` names. `publish` rewrites them
all for a copy published elsewhere; `disagreements` lists any that differ.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

GITHUB = re.compile(r"https://github\.com/(?P<repository>[\w.-]+/[\w.-]+)/tree/(?P<branch>[\w./-]+)")
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
# The forms an address takes in the files: the install line, and the Colab links.
INSTALL = re.compile(r"git\+https://github\.com/(?P<repository>[\w.-]+/[\w.-]+?)@(?P<branch>[\w./-]+?)(?=[\x5c\x22'\s])")  # then a quote (\x22), in JSON escaped (\x5c)
COLAB = re.compile(r"https://colab\.research\.google\.com/github/(?P<repository>[\w.-]+/[\w.-]+?)"
                   r"/blob/(?P<branch>[\w.-]+)/notebooks/(?P<file>[\w.-]+\.ipynb)")


@dataclass(frozen=True)
class Address:
    repository: str  # OWNER/NAME on GitHub
    branch: str

    def colab(self, notebook: str) -> str:
        return f"https://colab.research.google.com/github/{self.repository}/blob/{self.branch}/notebooks/{notebook}"

    def badge(self, notebook: str) -> str:
        return f"[![Open In Colab]({BADGE_IMAGE})]({self.colab(notebook)})"


def course_address(root: Path) -> Address:
    """The address in `root`/pyproject.toml (`[project.urls] Repository`, a GitHub `…/tree/BRANCH` URL)."""
    url = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    found = GITHUB.fullmatch(url)
    if found is None:
        raise ValueError(f"pyproject.toml: [project.urls] Repository = {url!r}; write https://github.com/OWNER/NAME/tree/BRANCH")
    return Address(found["repository"], found["branch"])


def published_files(root: Path) -> list[Path]:
    return [root / "pyproject.toml", root / "README.md", *sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def disagreements(root: Path) -> list[str]:
    """Each install line or Colab link in `root` that names another address than pyproject.toml,
    and each notebook without its badge; empty when all agree."""
    address, found = course_address(root), []
    for path in published_files(root)[1:]:
        text, name = path.read_text(encoding="utf-8"), path.relative_to(root).as_posix()
        for match in [*INSTALL.finditer(text), *COLAB.finditer(text)]:
            if (match["repository"], match["branch"]) != (address.repository, address.branch):
                found.append(f"{name}: {match[0]}")
        if path.suffix == ".ipynb" and address.badge(path.name) not in text:
            found.append(f"{name}: no badge {address.badge(path.name)}")
    return found


def publish(root: Path, repository: str, branch: str = "main") -> list[str]:
    """Point the address in `root` (pyproject.toml, the README, the notebooks) at `repository`
    (OWNER/NAME on GitHub) and `branch`; return one line per file changed (none if already so)."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository) or not re.fullmatch(r"[\w.-]+(/[\w.-]+)*", branch):
        raise ValueError(f"publish OWNER/NAME [--branch B]: got {repository!r} and branch {branch!r}")
    old, new = course_address(root), Address(repository, branch)
    forms = {  # each form of the old address, and the new one
        f"https://github.com/{old.repository}/tree/{old.branch}": f"https://github.com/{new.repository}/tree/{new.branch}",
        f"git+https://github.com/{old.repository}@{old.branch}": f"git+https://github.com/{new.repository}@{new.branch}",
        f"https://colab.research.google.com/github/{old.repository}/blob/{old.branch}/":
            f"https://colab.research.google.com/github/{new.repository}/blob/{new.branch}/",
    }
    pattern = re.compile("|".join(re.escape(form) for form in forms))
    changed = []
    for path in published_files(root):
        text = path.read_text(encoding="utf-8")
        rewritten, count = pattern.subn(lambda match: forms[match[0]], text)
        if rewritten != text:
            path.write_text(rewritten, encoding="utf-8")
            changed.append(f"{path.relative_to(root).as_posix()}: {count} address{'es' if count > 1 else ''}")
    return changed
