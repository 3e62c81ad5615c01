//! The bot's Matrix account on this machine: the client with its SQLite state and crypto store (in
//! `[matrix] store`, encrypted with the store passphrase when one is given), the first login (with the
//! password; the device is named "amity" and cross-signed), and the stored session that every later
//! start restores, so a restart is the same device with the same keys, never a new one.
//!
//! The session file (`session.json` in the store folder, readable by its owner only) holds the access
//! token: it is as secret as the crypto store beside it. Neither the password nor the token is ever
//! printed ([`Secret`]'s `Debug` hides it).

use anyhow::{Context, bail};
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::encryption::EncryptionSettings;
use matrix_sdk::ruma::api::client::uiaa;
use matrix_sdk::{Client, ruma::OwnedUserId};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A password or passphrase. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How to reach the account (from the config and the environment: see `Options::from_config`).
#[derive(Clone, Debug)]
pub struct Options {
    pub homeserver: String,
    pub user: String,
    /// Needed for the first login only (and to cross-sign the new device).
    pub password: Option<Secret>,
    pub store: PathBuf,
    pub passphrase: Option<Secret>,
}

/// The request settings of every call: a bounded timeout, and retries (the SDK's, which honour
/// `M_LIMIT_EXCEEDED`'s `retry_after_ms`) for at most `max_retry`, after which the caller's own
/// backoff takes over.
pub fn request_config(max_retry: Duration) -> RequestConfig {
    RequestConfig::new().timeout(Duration::from_secs(30)).max_retry_time(max_retry)
}

fn session_path(store: &Path) -> PathBuf {
    store.join("session.json")
}

/// A client, logged in.
pub struct Connected {
    pub client: Client,
    /// A first login: the device is new and should be cross-signed (with this password) once its keys
    /// are uploaded, after the first sync ([`cross_sign`]).
    pub new_device: Option<Secret>,
}

/// Builds the client on the store and logs in: the stored session if there is one, else the password.
pub async fn connect(opts: &Options) -> anyhow::Result<Connected> {
    std::fs::create_dir_all(&opts.store)
        .with_context(|| format!("cannot create the Matrix store folder {}", opts.store.display()))?;
    let user: OwnedUserId =
        opts.user.as_str().try_into().with_context(|| format!("{:?} is not a Matrix user id", opts.user))?;
    let client = Client::builder()
        .homeserver_url(&opts.homeserver)
        .sqlite_store(&opts.store, opts.passphrase.as_ref().map(Secret::expose))
        .request_config(request_config(Duration::from_secs(60)))
        .with_encryption_settings(EncryptionSettings { auto_enable_cross_signing: false, ..Default::default() })
        .build()
        .await
        .with_context(|| format!("cannot open the Matrix client for {}", opts.homeserver))?;
    let path = session_path(&opts.store);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let session: MatrixSession = serde_json::from_str(&text)
            .with_context(|| format!("the stored session {} is unreadable", path.display()))?;
        if session.meta.user_id != user {
            bail!(
                "the stored session {} is for {}, not {}: give this account its own [matrix] store",
                path.display(),
                session.meta.user_id,
                user
            );
        }
        client.restore_session(session).await.context("restoring the stored Matrix session")?;
        log::info!(
            "Matrix: restored the session of {user} (device {})",
            client.device_id().map_or("?".into(), |d| d.to_string())
        );
        return Ok(Connected { client, new_device: None });
    }
    let Some(password) = &opts.password else {
        bail!(
            "Matrix: no stored session in {} and no password: set AMITY_MATRIX_PASSWORD, or name a file with [matrix] password_file",
            opts.store.display()
        );
    };
    client
        .matrix_auth()
        .login_username(user.as_str(), password.expose())
        .initial_device_display_name("amity")
        .send()
        .await
        .with_context(|| format!("Matrix: logging in as {user} failed"))?;
    let session = client.matrix_auth().session().context("Matrix: no session after logging in")?;
    write_private(&path, &serde_json::to_string(&session)?)
        .with_context(|| format!("cannot store the Matrix session in {}", path.display()))?;
    log::info!(
        "Matrix: logged in as {user} (new device {}); the session is stored and reused",
        client.device_id().map_or("?".into(), |d| d.to_string())
    );
    Ok(Connected { client, new_device: Some(password.clone()) })
}

/// Cross-signs the new device (so people who verify the bot once trust its device), with the password
/// for the homeserver's interactive authentication. A failure is logged, not fatal: the bot works
/// without it, people just see an unverified device.
pub async fn cross_sign(client: &Client, password: &Secret) {
    let Some(user) = client.user_id().map(|u| u.to_owned()) else { return };
    let enc = client.encryption();
    match enc.bootstrap_cross_signing_if_needed(None).await {
        Ok(()) => log::info!("Matrix: the device is cross-signed"),
        Err(e) => {
            let Some(uiaa) = e.as_uiaa_response() else {
                log::warn!("Matrix: cross-signing the device failed: {e}");
                return;
            };
            let mut auth = uiaa::Password::new(
                uiaa::UserIdentifier::Matrix(uiaa::MatrixUserIdentifier::new(user.localpart().to_owned())),
                password.expose().to_owned(),
            );
            auth.session = uiaa.session.clone();
            match enc.bootstrap_cross_signing(Some(uiaa::AuthData::Password(auth))).await {
                Ok(()) => log::info!("Matrix: the device is cross-signed"),
                Err(e) => log::warn!("Matrix: cross-signing the device failed: {e}"),
            }
        }
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug() {
        let o = Options {
            homeserver: "http://127.0.0.1:8008".into(),
            user: "@amity:localhost".into(),
            password: Some(Secret::new("hunter2-password")),
            store: "s".into(),
            passphrase: Some(Secret::new("store-passphrase")),
        };
        let d = format!("{o:?}");
        assert!(!d.contains("hunter2") && !d.contains("store-passphrase"), "{d}");
    }
}
