//! `idenfy redirect-url AUTH_TOKEN [--iframe] [--lang L]`: the URL that starts a verification
//! (R5).

use clap::Args;
use idenfy::{AuthToken, Locale, ValidationError, iframe_url};
use serde_json::json;

use crate::cli::GlobalArgs;
use crate::context::{self, CredentialSource};
use crate::error::CliError;
use crate::output::Output;

/// Arguments of `redirect-url`. No `Debug`: the token is a secret (R10).
#[derive(Args)]
pub(crate) struct RedirectUrlArgs {
    /// The `authToken` of the verification session.
    #[arg(value_name = "AUTH_TOKEN")]
    auth_token: String,

    /// Print the URL to load in an iframe (`https://ui.idenfy.com/?authToken=…`) instead of the
    /// redirect URL under --base-url.
    #[arg(long)]
    iframe: bool,

    /// The UI language inside the iframe (a language tag such as en, lt or pt-BR); only with
    /// --iframe.
    #[arg(long, value_name = "L", requires = "iframe")]
    lang: Option<String>,
}

/// Prints the redirect URL (`{base}/api/v2/redirect?authToken=…`) or, with `--iframe`, the
/// iframe URL. Prints `{"url": …}` with `--json`.
pub(crate) fn run(
    global: &GlobalArgs,
    args: &RedirectUrlArgs,
    out: &Output,
) -> Result<(), CliError> {
    // The library refuses a token that would start nothing (empty, or with a control
    // character), naming `authToken` (exit 2).
    let token = AuthToken::parse(args.auth_token.as_str())?;
    let url = if args.iframe {
        let lang = args
            .lang
            .as_deref()
            .map(|lang| {
                Locale::new(lang).map_err(|err| ValidationError::new("lang", err.rule().clone()))
            })
            .transpose()?;
        iframe_url(&token, lang.as_ref())
    } else {
        context::config(global, CredentialSource::Placeholders)?.redirect_url(&token)
    };
    if out.is_json() {
        out.json_document(&json!({ "url": url }));
    } else {
        out.line(&url);
    }
    Ok(())
}
