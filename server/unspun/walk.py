"""Which files a run checks: files named on the command line as given, folders walked.

A walk skips
- hidden files and folders (`.git`, `.venv`, `.tox`, ...);
- what `.gitignore` files (inside a Git work tree, from its top down to the folder) and `.ignore` files say, unless
  `--no-ignore`;
- dependency and build folders: `node_modules`, `__pycache__`, `site-packages`, `dist-packages`,
  `bower_components`, and any folder that is a Python virtual environment (has `pyvenv.cfg`) or a conda
  environment (has `conda-meta/`);
- files the project configuration ignores (`ignore = [...]`) or whose type it does not check.

A file named on the command line is always checked, unless `--force-exclude`: then the configuration's `ignore`
and the ignore files apply to it too (for pre-commit and other tools that pass file names).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

#: folder names never walked into
DEPENDENCY_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "dist-packages", "bower_components"})
IGNORE_FILES = (".gitignore", ".ignore")


def dependency_folder(path: str, name: str) -> str | None:
    """Why this folder is skipped as a dependency or environment folder, or None."""
    if name in DEPENDENCY_FOLDERS:
        return f"dependency folder ({name})"
    if os.path.isfile(os.path.join(path, "pyvenv.cfg")):
        return "Python virtual environment (pyvenv.cfg)"
    if os.path.isdir(os.path.join(path, "conda-meta")):
        return "conda environment (conda-meta)"
    return None


class IgnoreFiles:
    """The rules of `.gitignore` and `.ignore` files, read once per folder. A deeper file's rules win over a
    shallower one's; `.ignore` wins over `.gitignore` in the same folder (as in ripgrep)."""

    def __init__(self) -> None:
        self._specs: dict[str, list] = {}
        self._git_top: dict[str, str | None] = {}

    def _folder_specs(self, folder: str) -> list:
        if folder not in self._specs:
            import pathspec

            specs = []
            for name in IGNORE_FILES:
                if name == ".gitignore" and self.git_top(folder) is None:
                    continue
                f = os.path.join(folder, name)
                try:
                    if os.path.isfile(f) and os.path.getsize(f) < 1_000_000:
                        with open(f, encoding="utf-8", errors="replace") as fh:
                            specs.append((name, pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())))
                except OSError:
                    pass
            self._specs[folder] = specs
        return self._specs[folder]

    def git_top(self, folder: str) -> str | None:
        """The top of the Git work tree holding this folder, or None."""
        if folder not in self._git_top:
            if os.path.exists(os.path.join(folder, ".git")):
                top: str | None = folder
            else:
                parent = os.path.dirname(folder)
                top = self.git_top(parent) if parent != folder else None
            self._git_top[folder] = top
        return self._git_top[folder]

    def ignored(self, path: str, is_dir: bool) -> str | None:
        """Which ignore file excludes this path (`folder/.gitignore`), or None."""
        path = os.path.abspath(path)
        folders = []
        d = os.path.dirname(path)
        top = self.git_top(d)
        while True:
            folders.append(d)
            parent = os.path.dirname(d)
            if d == top or parent == d:
                break
            d = parent
        verdict = None
        for folder in reversed(folders):  # shallowest first: deeper files decide last
            rel = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            for name, spec in self._folder_specs(folder):
                res = spec.check_file(rel)
                if res.include is not None:
                    verdict = os.path.join(folder, name) if res.include else None
        return verdict


@dataclass
class Walker:
    """Expands the command line's paths into the files to check."""

    #: (path) -> whether a file of this type is checked, for files found in folders
    wanted: Callable[[str], bool]
    #: (path) -> whether the configuration ignores this file
    config_ignores: Callable[[str], bool]
    use_ignore_files: bool = True
    force_exclude: bool = False
    #: called with (path, reason) for each file or folder skipped
    on_skip: Callable[[str, str], None] = lambda path, reason: None
    ignore_files: IgnoreFiles = field(default_factory=IgnoreFiles)

    def excluded(self, path: str, is_dir: bool) -> str | None:
        """Why this path is excluded by the configuration or an ignore file, or None."""
        if not is_dir and self.config_ignores(path):
            return "ignored by the configuration"
        if self.use_ignore_files:
            by = self.ignore_files.ignored(path, is_dir)
            if by is not None:
                rel = os.path.relpath(by)
                return f"ignored by {by if rel.startswith(os.pardir) else rel}"
        return None

    def files(self, paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """(files to check, files named on the command line but excluded with --force-exclude and why)."""
        out: list[str] = []
        excluded: list[tuple[str, str]] = []
        for raw in paths:
            if raw == "-" or not os.path.isdir(raw):
                why = self.excluded(raw, False) if self.force_exclude and raw != "-" else None
                if why is None:
                    out.append(raw)
                else:
                    excluded.append((raw, why))
                continue
            if self.force_exclude:
                why = self.excluded(raw, True)
                if why is not None:
                    self.on_skip(raw, why)
                    continue
            out.extend(self._walk(raw))
        return out, excluded

    def _walk(self, top: str) -> list[str]:
        out: list[str] = []
        for root, dirs, files in os.walk(top):
            keep = []
            for d in sorted(dirs):
                full = os.path.join(root, d)
                why = "hidden" if d.startswith(".") else dependency_folder(full, d) or self.excluded(full, True)
                if why is None:
                    keep.append(d)
                elif why != "hidden":
                    self.on_skip(full + os.sep, why)
            dirs[:] = keep
            for f in sorted(files):
                if f.startswith("."):
                    continue
                full = os.path.join(root, f)
                if not self.wanted(full):
                    continue
                why = self.excluded(full, False)
                if why is None:
                    out.append(full)
                else:
                    self.on_skip(full, why)
        return out

