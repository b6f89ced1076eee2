"""The first start ever of a checkout without the shipped model (`UNSPUN_SHIPPED_MODEL=none`): the language
model is converted into the per-user cache (seconds). The lexicon findings are published first; once the model
is ready the findings are published again, confirmed by it."""

from __future__ import annotations

import importlib.util
import os

import pytest
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig

from support import SERVER, Client, Doc, capabilities, findings, make_client, server_options, start

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(importlib.util.find_spec("pocketsphinx") is None, reason="pocketsphinx (the model's data) is not installed"),
]

SPUN = "We held an information convention on counterfeit consciousness and profound learning.\n"


@pytest.fixture(scope="module")
def empty_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def config(empty_cache):
    return ClientServerConfig(
        server_command=SERVER, client_factory=make_client, server_env={**os.environ, "UNSPUN_CACHE_DIR": str(empty_cache), "UNSPUN_SHIPPED_MODEL": "none"},
    )


async def test_lexicon_findings_first_then_the_model_s(config, empty_cache, workspace):
    lsp: Client = await config.start()
    try:
        await start(lsp, capabilities("visual-studio-code"), workspace, server_options(languageModel=True))
        doc = Doc(lsp, workspace / "first.md", SPUN)
        first = findings(await doc.diagnostics())
        assert len(first) == 3
        # the model is being prepared meanwhile; when it is ready, the document is published again
        await lsp.wait_for(lambda: any("engine ready with the language model" in m.message for m in lsp.log_messages),
                           timeout=120, what="the language model")
        await lsp.wait_for(lambda: len(lsp.published[doc.uri]) >= 2, what="the diagnostics published again")
        assert any("preparing the language model (first start)" in m.message for m in lsp.log_messages)
        hover = await lsp.text_document_hover_async(t.HoverParams(text_document=doc.id, position=doc.range_of("convention").start))
        assert hover is not None and "a language model finds" in hover.contents.value
        assert any(empty_cache.glob("*.npz")), "the converted model is in the cache"
        doc.close()
    finally:
        await lsp.shutdown_session()
        await lsp.stop()
