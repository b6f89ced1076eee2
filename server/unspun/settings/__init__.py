"""unspun's settings: one schema (`unspun.settings.schema`), one validator (`unspun.settings.validate`) and one
resolver (`unspun.settings.resolve`), shared by the project file, the editor's settings and the command line.
Nothing here knows the language server protocol; the engine does not import this package (it receives
`unspun.engine.Options`)."""
