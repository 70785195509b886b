//! Where a token's `callbackUrl` may point: loopback hosts by default, other hosts only when
//! the emulator is told so ([`EmulatorBuilder::allow_callback_hosts`],
//! [`EmulatorBuilder::allow_any_callback_host`]).
//!
//! Two things follow from the policy. A token request whose `callbackUrl` is plain `http` on a
//! host R3 refuses (not loopback) is accepted when that host is allowed — a receiver at
//! `http://app:8080/hook` in docker-compose. And the emulator delivers a token's webhooks to its
//! `callbackUrl` only on a loopback or allowed host: an `https` callback on another host is
//! accepted (iDenfy accepts it) but its deliveries are recorded as failed, naming the option,
//! without a connection — the emulator reaches no other machine unless told to. The default
//! webhook URL ([`EmulatorBuilder::webhook_url`]) is the operator's own choice and is not
//! restricted.
//!
//! [`EmulatorBuilder::allow_callback_hosts`]: crate::EmulatorBuilder::allow_callback_hosts
//! [`EmulatorBuilder::allow_any_callback_host`]: crate::EmulatorBuilder::allow_any_callback_host
//! [`EmulatorBuilder::webhook_url`]: crate::EmulatorBuilder::webhook_url

use std::net::Ipv6Addr;

use idenfy_proto::server;
use idenfy_proto::{ErrorIdentifier, Rule, TokenRequest};
use serde_json::Value;

use crate::EmulatorError;
use crate::server::{Answer, error, validation_error};

/// The hosts besides loopback ones that a token's `callbackUrl` may name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallbackHosts {
    /// Every host.
    any: bool,
    /// Host names and IP literals as the URL parser writes them (lower case, IPv6 in brackets).
    hosts: Vec<String>,
}

impl CallbackHosts {
    /// The policy for `hosts` (names or IP addresses, no scheme, port or path) and `any`.
    pub(crate) fn new(hosts: &[String], any: bool) -> Result<Self, EmulatorError> {
        let hosts = hosts
            .iter()
            .map(|host| {
                normalize(host).ok_or_else(|| EmulatorError::InvalidSetting {
                    setting: "allowCallbackHost",
                    reason: format!(
                        "{host:?} is not a host name or IP address (no scheme, port or path)"
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { any, hosts })
    }

    /// Whether webhooks may go to `url`, a token's `callbackUrl`: a loopback host, or one
    /// allowed.
    pub(crate) fn allows(&self, url: &str) -> bool {
        server::is_loopback_url(url) || self.allows_other(url)
    }

    /// Whether `url`'s host is allowed besides the loopback ones.
    fn allows_other(&self, url: &str) -> bool {
        if self.any {
            return true;
        }
        server::url_host(url).is_some_and(|host| self.hosts.contains(&host))
    }

    /// Why a delivery to `url` is not attempted, or `None` when it may be.
    pub(crate) fn refusal(&self, url: &str) -> Option<String> {
        (!self.allows(url)).then(|| {
            let host = server::url_host(url).unwrap_or_default();
            format!(
                "not sent: the callbackUrl's host {host} is not a loopback host, and the emulator \
                 delivers elsewhere only to hosts it is told to (--allow-callback-host, \
                 EmulatorBuilder::allow_callback_hosts)"
            )
        })
    }
}

/// `host` in the spelling [`server::url_host`] gives a URL's host, if it is a host alone: a name, an IPv4 address, or an
/// IPv6 address with or without brackets.
fn normalize(host: &str) -> Option<String> {
    let written = if host.parse::<Ipv6Addr>().is_ok() {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let bracketed = written.starts_with('[') && written.ends_with(']');
    if written.is_empty()
        || written.contains(['/', '\\', '@', '?', '#'])
        || (written.contains(':') && !bracketed)
    {
        return None;
    }
    server::url_host(&format!("http://{written}/"))
}

/// A token request as the emulator reads it, with the URL its webhooks go to.
#[derive(Debug)]
pub(crate) struct Requested {
    pub(crate) request: TokenRequest,
    /// The token's `callbackUrl`: the request's, or a plain `http` one on an allowed host that
    /// R3 alone would refuse (and that the request therefore cannot hold).
    pub(crate) callback_url: Option<String>,
}

impl From<TokenRequest> for Requested {
    fn from(request: TokenRequest) -> Self {
        let callback_url = request.callback_url().map(|url| url.as_str().to_owned());
        Self {
            request,
            callback_url,
        }
    }
}

/// Reads a `POST /api/v2/token` body with `idenfy-proto`'s reader (the client's rules), except
/// that a plain `http` `callbackUrl` on an allowed host is accepted.
pub(crate) fn read_token_request(
    value: &Value,
    hosts: &CallbackHosts,
) -> Result<Requested, Answer> {
    let err = match server::read_token_request(value) {
        Ok(request) => return Ok(request.into()),
        Err(err) => err,
    };
    let insecure_callback = (err.field() == "callbackUrl" && *err.rule() == Rule::InsecureUrl)
        .then(|| value.get("callbackUrl").and_then(Value::as_str))
        .flatten();
    let Some(url) = insecure_callback else {
        return Err(validation_error(&err));
    };
    if !hosts.allows_other(url) {
        return Err(error(
            400,
            ErrorIdentifier::BadValue,
            format!(
                "Field 'callbackUrl' {}. The emulator also accepts plain http on the hosts it is \
                 told to (--allow-callback-host, EmulatorBuilder::allow_callback_hosts).",
                err.rule()
            ),
        ));
    }
    // The rest of the request, read with every rule; the URL passed every other check of R3
    // (its scheme was the only complaint).
    let mut rest = value.clone();
    if let Value::Object(fields) = &mut rest {
        fields.remove("callbackUrl");
    }
    let request = server::read_token_request(&rest).map_err(|err| validation_error(&err))?;
    Ok(Requested {
        request,
        callback_url: Some(url.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn hosts(hosts: &[&str]) -> CallbackHosts {
        let hosts: Vec<String> = hosts.iter().map(|&host| host.to_owned()).collect();
        CallbackHosts::new(&hosts, false).unwrap()
    }

    #[test]
    fn hosts_are_written_as_the_url_parser_writes_them() {
        assert_eq!(normalize("APP").as_deref(), Some("app"));
        assert_eq!(normalize("app.internal").as_deref(), Some("app.internal"));
        assert_eq!(normalize("10.0.0.7").as_deref(), Some("10.0.0.7"));
        assert_eq!(normalize("fd00::1").as_deref(), Some("[fd00::1]"));
        assert_eq!(normalize("[fd00::1]").as_deref(), Some("[fd00::1]"));
        for refused in [
            "",
            "app:8080",
            "app:80",
            "http://app",
            "app/hook",
            "user@app",
            "app?x",
            "[fd00::1]:80",
            "a b",
        ] {
            assert_eq!(normalize(refused), None, "{refused:?}");
        }
        assert!(matches!(
            CallbackHosts::new(&["app:8080".to_owned()], false),
            Err(EmulatorError::InvalidSetting {
                setting: "allowCallbackHost",
                ..
            })
        ));
    }

    #[test]
    fn loopback_hosts_are_always_allowed_and_others_when_listed() {
        let none = CallbackHosts::default();
        assert!(none.allows("http://localhost:1/hook"));
        assert!(none.allows("https://127.0.0.1/hook"));
        assert!(none.allows("http://[::1]:1/"));
        assert!(!none.allows("https://app/hook"));
        assert!(
            none.refusal("https://app/hook")
                .unwrap()
                .contains("host app ")
        );
        let listed = hosts(&["App", "fd00::1"]);
        assert!(listed.allows("http://app:8080/hook"));
        assert!(listed.allows("https://APP/hook"));
        assert!(listed.allows("http://[fd00::1]:8080/hook"));
        assert!(!listed.allows("http://app.other/hook"));
        assert!(!listed.allows("http://other/app"));
        assert_eq!(listed.refusal("http://app:8080/hook"), None);
        let any = CallbackHosts::new(&[], true).unwrap();
        assert!(any.allows("https://anything.example/hook"));
    }

    #[test]
    fn plain_http_on_an_allowed_host_is_read_and_kept_aside() {
        let body = json!({"clientId": "c-1", "callbackUrl": "http://app:8080/hook"});
        let refused = read_token_request(&body, &CallbackHosts::default()).unwrap_err();
        assert_eq!(refused.status.as_u16(), 400);
        let text = String::from_utf8_lossy(&refused.body).into_owned();
        assert!(
            text.contains("BAD_VALUE") && text.contains("--allow-callback-host"),
            "{text}"
        );

        let read = read_token_request(&body, &hosts(&["app"])).unwrap();
        assert_eq!(read.callback_url.as_deref(), Some("http://app:8080/hook"));
        assert_eq!(read.request.callback_url(), None);
        assert_eq!(read.request.client_id().as_str(), "c-1");

        // The other fields keep their rules.
        let bad = json!({"clientId": "c-1", "callbackUrl": "http://app/h", "sessionLength": 1});
        let refused = read_token_request(&bad, &hosts(&["app"])).unwrap_err();
        let text = String::from_utf8_lossy(&refused.body).into_owned();
        assert!(text.contains("sessionLength"), "{text}");

        // Secure and loopback URLs stay in the request.
        let https = json!({"clientId": "c-1", "callbackUrl": "https://app/hook"});
        let read = read_token_request(&https, &CallbackHosts::default()).unwrap();
        assert_eq!(read.callback_url.as_deref(), Some("https://app/hook"));
        assert!(read.request.callback_url().is_some());
    }
}
