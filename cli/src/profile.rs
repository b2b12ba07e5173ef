//! What `sluice-cli login` remembers: the server and how to sign in to it. Kept in
//! `$SLUICE_CLI_CONFIG`, else `$XDG_CONFIG_HOME/sluice/cli.json`, else
//! `~/.config/sluice/cli.json`, readable by its owner only (it may hold a token).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Failure;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub url: Option<String>,
    /// `token` or `iam`.
    pub auth: Option<String>,
    pub token: Option<String>,
}

pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SLUICE_CLI_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("sluice").join("cli.json"))
}

pub fn load() -> Profile {
    path()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

pub fn save(profile: &Profile) -> Result<PathBuf, Failure> {
    let path =
        path().ok_or_else(|| Failure::Usage("set HOME or SLUICE_CLI_CONFIG to save a login".into()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Failure::Request(format!("{}: {e}", dir.display())))?;
    }
    let json = serde_json::to_vec_pretty(profile).map_err(|e| Failure::Request(e.to_string()))?;
    write_private(&path, &json).map_err(|e| Failure::Request(format!("{}: {e}", path.display())))?;
    Ok(path)
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
