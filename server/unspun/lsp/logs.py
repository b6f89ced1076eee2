"""Logging: never to stdout (that is the protocol channel). Records go to stderr, and the server's own
records (`unspun.*`) also to the client as `window/logMessage`, at or above the `--log-level` (or the `logLevel`
setting, when set). Cancelling is normal flow and is not logged above the debug level."""

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


class _NormalFlow(logging.Filter):
    """Drops pygls' warning about a cancel for a request that is already answered: editors cancel requests
    they no longer need (VS Code does on every keystroke), and one answered a moment before is normal flow.
    At the debug level it stays, as a debug record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("pygls") and str(record.msg).startswith("Cancel notification for unknown message id"):
            if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
                return False
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


#: what `setup` installed, so that `set_level` can change it later
_client_handler: ClientLogHandler | None = None
#: the level the server was started with (`--log-level`), which an empty `logLevel` setting means
_started_at = "info"


def setup(level_name: str) -> ClientLogHandler:
    global _client_handler, _started_at
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    err = logging.StreamHandler(sys.stderr)
    err.setFormatter(_Short("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    err.addFilter(_NormalFlow())
    root.addHandler(err)
    client = ClientLogHandler(logging.INFO)
    client.setFormatter(_Short("%(message)s"))
    logging.getLogger("unspun").addHandler(client)
    _client_handler = client
    _started_at = level_name
    set_level(level_name)
    return client


def follow_setting(level_name: str) -> None:
    """The `logLevel` setting: its level, or the command line's when it is empty."""
    if _client_handler is None:
        return  # logging was not set up by `setup` (the server runs inside another program)
    wanted = level_name or _started_at
    if LEVELS.get(wanted, logging.INFO) != logging.getLogger("unspun").level:
        set_level(wanted)
        logging.getLogger("unspun.lsp").info("log level: %s", wanted)


def set_level(level_name: str) -> None:
    """Log at this level from now on ("debug", "info", "warning", "error"; anything else: "info")."""
    level = LEVELS.get(str(level_name).lower(), logging.INFO)
    logging.getLogger().setLevel(level)
    # pygls logs every message it sends at INFO: keep that for the debug level only
    logging.getLogger("pygls").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)
    # markdown-it traces every block rule it tries at DEBUG: never wanted in a server log
    logging.getLogger("markdown_it").setLevel(max(level, logging.INFO))
    logging.getLogger("unspun").setLevel(level)
    if _client_handler is not None:
        _client_handler.setLevel(level)
