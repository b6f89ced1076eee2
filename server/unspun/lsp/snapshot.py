"""What a request works from: a document as it was when the request came (`DocumentSnapshot`), what an analysis
was made for (`AnalysisKey`) and the analysis with its position index (`Result`).

A handler takes one snapshot (`UnspunServer.snapshot`) and hands it down: the analysis, the conversion and the
delivery of its diagnostics all read the same text, version, format, options and settings, instead of asking
the session again at each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from unspun.engine.analyzer import Options
from unspun.engine.model import Analysis
from unspun.lsp.convert import PositionIndex
from unspun.lsp.settings import Settings

if TYPE_CHECKING:
    from unspun.lsp.documents import DocumentState


@dataclass(frozen=True)
class AnalysisKey:
    """What an analysis was computed for: a result is current while its key equals the document's."""

    version: int | None
    #: the engine's generation (`Analyses.generation`: it changes when the engine is rebuilt)
    generation: int
    #: the effective options (settings, project configuration, allow-lists, ignores)
    options: Options
    #: the markup format the document was read as
    format: str
    #: characters of the document that were checked (0: all)
    max_chars: int


@dataclass(frozen=True)
class Result:
    analysis: Analysis
    index: PositionIndex
    key: AnalysisKey

    @property
    def format(self) -> str:
        """The markup format the document was read as."""
        return self.key.format


@dataclass(frozen=True)
class DocumentSnapshot:
    """A document as one request sees it."""

    doc: DocumentState
    text: str
    version: int | None
    #: the document's position index (for this text)
    index: PositionIndex
    format: str
    #: whether the document is checked at all (its languageId, file name, project configuration)
    checked: bool
    #: the effective engine options (None when the document is not checked)
    options: Options | None
    #: the editor's settings for this document (with its project configuration's severities)
    settings: Settings
    #: `UnspunServer.settings_generation` when taken
    settings_generation: int
    #: `DocumentState.refreshes` when taken: a refresh since (settings, ignores, allow-lists or the engine
    #: changed) means the snapshot's options may no longer hold
    refreshes: int

    @property
    def uri(self) -> str:
        return self.doc.uri
