//! Zed extension for unspun: starts `unspun serve` (the Python language server) for prose buffers.
//!
//! Which command runs, in order:
//! 1. `lsp.unspun.binary.path` (and `arguments`) from Zed's settings, when given;
//! 2. an `unspun` executable on the worktree's PATH (e.g. from `pipx install unspun`), as `unspun serve`;
//! 3. `python3 -m unspun serve` from the worktree's PATH.
//!
//! `lsp.unspun.initialization_options` and `lsp.unspun.settings` are handed to the server unchanged: the
//! server reads its settings (the keys of docs/language-server.md) from either.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "unspun";

struct Unspun;

impl Unspun {
    fn command(&self, worktree: &zed::Worktree) -> Result<zed::Command> {
        let env = worktree.shell_env();
        let configured = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.binary);
        if let Some(binary) = configured {
            if let Some(path) = binary.path {
                let args = binary.arguments.unwrap_or_else(|| vec!["serve".into()]);
                return Ok(zed::Command { command: path, args, env });
            }
        }
        if let Some(path) = worktree.which("unspun") {
            return Ok(zed::Command { command: path, args: vec!["serve".into()], env });
        }
        if let Some(python) = worktree.which("python3").or_else(|| worktree.which("python")) {
            return Ok(zed::Command {
                command: python,
                args: vec!["-m".into(), "unspun".into(), "serve".into()],
                env,
            });
        }
        Err("unspun was not found: install it with `python3 -m pip install unspun` (or `pipx install unspun`), \
             or set lsp.unspun.binary.path in Zed's settings"
            .into())
    }
}

impl zed::Extension for Unspun {
    fn new() -> Self {
        Unspun
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        self.command(worktree)
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        // the server asks for the `unspun` section of workspace/configuration
        let settings = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.settings);
        Ok(settings.map(|s| serde_json::json!({ SERVER: s })))
    }
}

zed::register_extension!(Unspun);
