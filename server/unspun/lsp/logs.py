"""Logging: never to stdout (that is the protocol channel). Records go to stderr, and the server's own
records (`unspun.*`) also to the client as `window/logMessage`, at or above the `--log-level`."""

from __future__ import annotations

import asyncio
import logging
import sys

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class ClientLogHandler(logging.Handler):
    """Forwards log records to the client; safe to call from any thread (hands over to the loop)."""

    def __init__(self, level: int):
        super().__init__(level)
        self.server = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def attach(self, server, loop: asyncio.AbstractEventLoop) -> None:
        self.server, self.loop = server, loop

    def emit(self, record: logging.LogRecord) -> None:
        server, loop = self.server, self.loop
        if server is None or loop is None or loop.is_closed():
            return
        try:
            from lsprotocol import types

            level = record.levelno
            kind = (
                types.MessageType.Error if level >= logging.ERROR
                else types.MessageType.Warning if level >= logging.WARNING
                else types.MessageType.Info if level >= logging.INFO
                else types.MessageType.Log
            )
            params = types.LogMessageParams(type=kind, message=self.format(record))
            loop.call_soon_threadsafe(_send, server, params)
        except Exception:  # noqa: BLE001 - logging must never take the server down
            pass


def _send(server, params) -> None:
    try:
        if server.protocol.writer is not None:
            server.window_log_message(params)
    except Exception:  # noqa: BLE001
        pass


class _Short(logging.Formatter):
    """Cuts very long records (pygls logs whole messages at debug level: a big document is megabytes)."""

    LIMIT = 2000

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if len(text) > self.LIMIT:
            text = f"{text[: self.LIMIT]}... ({len(text) - self.LIMIT} more characters)"
        return text


def setup(level_name: str) -> ClientLogHandler:
    level = LEVELS.get(level_name, logging.INFO)
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    err = logging.StreamHandler(sys.stderr)
    err.setFormatter(_Short("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(err)
    root.setLevel(level)
    # pygls logs every message it sends at INFO: keep that for --log-level debug only
    logging.getLogger("pygls").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)
    client = ClientLogHandler(level)
    client.setFormatter(_Short("%(message)s"))
    logging.getLogger("unspun").addHandler(client)
    logging.getLogger("unspun").setLevel(level)
    return client
