"""The unspun engine: text in, findings out. It knows nothing of editors or the language server protocol."""

from unspun.engine.analyzer import Engine, Options, analyze, default_engine
from unspun.engine.incremental import Incremental
from unspun.engine.fixer import Edit, apply_edits, fix_edits, fix_text
from unspun.engine.model import Analysis, Evidence, Finding, Findings, Kind

__all__ = [
    "Analysis", "Edit", "Engine", "Evidence", "Finding", "Findings", "Incremental", "Kind", "Options",
    "analyze", "apply_edits", "default_engine", "fix_edits", "fix_text",
]
