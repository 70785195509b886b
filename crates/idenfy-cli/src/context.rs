//! Turning the global options into the library's [`Config`].

use idenfy::{Config, Credentials};

use crate::cli::GlobalArgs;
use crate::error::CliError;

/// The API key used where no credentials are needed (never sent anywhere).
const PLACEHOLDER_API_KEY: &str = "placeholder-api-key";
/// The API secret used where no credentials are needed (never sent anywhere).
const PLACEHOLDER_API_SECRET: &str = "placeholder-api-secret";

/// Which credentials a command puts into its [`Config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialSource {
    /// The given key and secret when both are present and non-empty, placeholders otherwise
    /// (`--dry-run`: the request is built exactly as it would be sent, but nothing is sent).
    GivenOrPlaceholders,
    /// Always placeholders: the command never authenticates (`redirect-url`).
    Placeholders,
    /// The given key and secret; a missing one is an error naming `apiKey` or `apiSecret`
    /// (sending a request).
    Required,
}

/// Builds the [`Config`] from the global options; the library checks the base URL (errors name
/// `baseUrl`) and the credentials (errors name `apiKey` or `apiSecret`).
pub(crate) fn config(global: &GlobalArgs, source: CredentialSource) -> Result<Config, CliError> {
    let given = match (&global.api_key, &global.api_secret) {
        (Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => {
            Some((key.as_str(), secret.as_str()))
        }
        _ => None,
    };
    let (key, secret) = match (source, given) {
        (CredentialSource::GivenOrPlaceholders | CredentialSource::Required, Some(given)) => given,
        (CredentialSource::Required, None) => {
            let missing_key = global.api_key.as_deref().is_none_or(str::is_empty);
            return Err(crate::commands::endpoint::missing_credential(
                if missing_key { "apiKey" } else { "apiSecret" },
            ));
        }
        _ => (PLACEHOLDER_API_KEY, PLACEHOLDER_API_SECRET),
    };
    let credentials = Credentials::new(key, secret)?;
    Ok(Config::builder(credentials)
        .base_url(global.base_url.as_str())
        .allow_insecure_http(global.allow_insecure_http)
        .build()?)
}
