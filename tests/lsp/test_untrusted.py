"""`unspun.untrusted` and configuration files: what is refused (devices, FIFOs, oversized files), links
resolved, paths confined; a malformed pyproject.toml that mentions unspun is reported, not passed over."""

from __future__ import annotations

import os
import threading

import pytest

from unspun import config as config_mod, untrusted


def test_read_refuses_special_files_and_large_ones(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text("a = 1\n")
    os.symlink(good, tmp_path / "link.toml")
    assert untrusted.read(tmp_path / "link.toml", 100) == b"a = 1\n"
    os.symlink("/dev/zero", tmp_path / "zero")
    os.mkfifo(tmp_path / "fifo")
    os.symlink(tmp_path / "fifo", tmp_path / "fifo-link")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    for name, why in [("zero", "a device"), ("fifo", "a FIFO"), ("fifo-link", "a FIFO"), (".", "a folder")]:
        with pytest.raises(untrusted.Refused, match=why):
            untrusted.read(tmp_path / name, 100)
    with pytest.raises(FileNotFoundError):
        untrusted.read(tmp_path / "dangling", 100)
    with pytest.raises(untrusted.Refused, match="over the limit"):
        untrusted.read(good, 3)


def test_a_fifo_opened_for_writing_by_nobody_does_not_block(tmp_path):
    """Even past the type check (the FIFO swapped in later), the non-blocking open returns at once."""
    os.mkfifo(tmp_path / "fifo")
    done = threading.Event()

    def go():
        try:
            untrusted._read(str(tmp_path / "fifo"), 100)
        except untrusted.Refused:
            pass
        done.set()

    threading.Thread(target=go, daemon=True).start()
    assert done.wait(30), "reading a FIFO blocked"


def test_inside(tmp_path):
    (tmp_path / "ws" / "sub").mkdir(parents=True)
    os.symlink("/etc", tmp_path / "ws" / "etc-link")
    ws = tmp_path / "ws"
    assert untrusted.inside(ws / "sub" / "x.tsv", [ws])
    assert not untrusted.inside(ws / ".." / "x.tsv", [ws])
    assert not untrusted.inside(ws / "etc-link" / "hostname", [ws])
    assert not untrusted.inside(tmp_path / "wsx" / "a", [ws])


def test_configuration_files_that_are_not_regular_are_reported(tmp_path):
    os.symlink("/dev/zero", tmp_path / "unspun.toml")
    found = config_mod.find_config(tmp_path / "doc.md", stop=tmp_path)
    assert found == tmp_path / "unspun.toml"
    cfg, problems = config_mod.load_config(found)
    assert cfg.lexicons == () and [p.message for p in problems] == ["a device, not a regular file; not read; using the defaults"]


@pytest.mark.parametrize(
    "text",
    ["[tool.unspun]\nkinds = [\n", "[tool]\nunspun = { kinds = [\"fingerprint\" }\n", "tool.unspun.kinds = [ # unspun\n"],
)
def test_a_malformed_pyproject_that_mentions_unspun_is_reported(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text, "utf-8")
    found = config_mod.find_config(tmp_path / "doc.md", stop=tmp_path)
    assert found == tmp_path / "pyproject.toml"
    _cfg, problems = config_mod.load_config(found)
    assert len(problems) == 1 and "not valid TOML" in problems[0].message


def test_a_pyproject_without_unspun_is_not_ours(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = [\n", "utf-8")
    assert config_mod.find_config(tmp_path / "doc.md", stop=tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 'unspun'\n", "utf-8")
    assert config_mod.find_config(tmp_path / "doc.md", stop=tmp_path) is None


def test_a_prefetched_configuration_is_not_read_again_and_its_change_still_shows(tmp_path, monkeypatch):
    """The server reads ahead on a worker (`ConfigCache.prefetch`); the call on its message loop then takes
    what was read, and still says the file changed."""
    conf = tmp_path / "unspun.toml"
    conf.write_text("min_confidence = 0.6\n", "utf-8")
    doc = str(tmp_path / "doc.md")
    cache = config_mod.ConfigCache(interval=0)
    cfg, _, _ = cache.for_document(doc, tmp_path)
    assert cfg.min_confidence == 0.6
    conf.write_text("min_confidence = 0.7\n# longer now\n", "utf-8")
    cache.prefetch(doc, tmp_path)
    reads = []
    real = config_mod.load_config
    monkeypatch.setattr(config_mod, "load_config", lambda p: reads.append(p) or real(p))
    cfg, _, changed = cache.for_document(doc, tmp_path)
    assert (cfg.min_confidence, changed, reads) == (0.7, True, [])
    cfg, _, changed = cache.for_document(doc, tmp_path)
    assert (cfg.min_confidence, changed, reads) == (0.7, False, [])


def test_confined_configuration_files(tmp_path):
    ws, out = tmp_path / "ws", tmp_path / "out"
    ws.mkdir()
    out.mkdir()
    (out / "pyproject.toml").write_text("[tool.unspun]\nkinds = ['fingerprint']\n", "utf-8")
    os.symlink(out / "pyproject.toml", ws / "pyproject.toml")
    inside = lambda p: untrusted.inside(p, [ws])  # noqa: E731
    assert config_mod.find_config(ws / "doc.md", ws) == ws / "pyproject.toml"  # unconfined: the command line
    assert config_mod.find_config(ws / "doc.md", ws, inside) is None
    (out / "unspun.toml").write_text("kinds = 'SECRET'\n", "utf-8")
    os.symlink(out / "unspun.toml", ws / "unspun.toml")
    cache = config_mod.ConfigCache(confine=inside)
    cfg, problems, _ = cache.for_document(str(ws / "doc.md"), ws)
    assert cfg.kinds is None and [p.message for p in problems] == [config_mod.OUTSIDE]


@pytest.mark.parametrize("kind", ["zero", "fifo", "outside"])
def test_the_allow_list_file_is_read_as_untrusted_too(tmp_path, kind):
    """`unspun.toml` at a workspace folder, read for its allow-list on the message loop: never a device, a
    FIFO or a file outside the folder."""
    from unspun.lsp import allowlist

    ws = tmp_path / "ws"
    ws.mkdir()
    target = ws / "unspun.toml"
    if kind == "zero":
        os.symlink("/dev/zero", target)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        (tmp_path / "secret.toml").write_text("[unspun]\nallow = ['SECRET']\n", "utf-8")
        os.symlink(tmp_path / "secret.toml", target)
    allow, problem = allowlist.read_allow(ws)
    assert allow == frozenset() and problem and "not used" in problem and "SECRET" not in problem
    with pytest.raises(allowlist.AllowListError):
        allowlist.add_phrase(ws, "information convention")


def test_a_workspace_whose_unspun_toml_is_dev_zero(tmp_path):
    """The attack as a repository would mount it: `unspun.toml` at the workspace folder a link to /dev/zero
    (git stores links). The server answers, checks the document with the defaults and says why."""
    from support import server_options
    from test_transport import Raw, frame

    ws = tmp_path / "repo"
    ws.mkdir()
    os.symlink("/dev/zero", ws / "unspun.toml")
    s = Raw()
    try:
        s.send(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {}, "rootUri": ws.as_uri(), "initializationOptions": server_options()}}))
        s.reply_to(1)
        s.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        s.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": (ws / "a.md").as_uri(), "languageId": "markdown", "version": 1, "text": "We held an information convention.\n"}}}))
        messages = []
        while True:
            msg = s.read()
            if msg.get("method") == "window/showMessage":
                messages.append(msg["params"]["message"])
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["diagnostics"]:
                break
        s.send(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        s.reply_to(2)
        with open(f"/proc/{s.proc.pid}/status") as f:
            peak_kib = int(next(line for line in f if line.startswith("VmHWM:")).split()[1])
        s.send(frame({"jsonrpc": "2.0", "method": "exit"}))
        assert s.close()[0] == 0
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
    assert any("unspun.toml" in m and "outside the workspace" in m for m in messages), messages
    assert peak_kib < 1024 * 1024  # nowhere near the gigabytes /dev/zero would fill
