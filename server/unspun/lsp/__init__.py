"""The language server (`unspun serve`). pygls and lsprotocol are imported only inside this package, and only
when the server starts: `unspun.lsp.server.run`."""
