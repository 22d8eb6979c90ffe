//! URLs as hoist prints and follows them: never with credentials, and never from a registry
//! to a private or link-local address it is not itself on (SPEC §2, pull).

use std::net::IpAddr;

use reqwest::Url;

/// A URL as a message may show it: made only from a [`Url`], through [`display`], so that no
/// error can carry userinfo or a secret query value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SafeUrl(String);

impl SafeUrl {
    pub(crate) fn new(url: &Url) -> SafeUrl {
        SafeUrl(display(url))
    }
}

impl std::fmt::Display for SafeUrl {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// `url` for logs and messages: without user information, and with the values of query
/// parameters that may be secrets (a presigned URL's signature, a token) replaced.
pub(crate) fn display(url: &Url) -> String {
    let mut shown = url.clone();
    redact_url(&mut shown);
    shown.to_string()
}

/// Removes from `url` what a message must not show (see [`display`]).
pub(crate) fn redact_url(url: &mut Url) {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if url.query_pairs().any(|(key, _)| is_secret_parameter(&key)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if is_secret_parameter(&key) { "REDACTED".to_string() } else { value.into_owned() };
                (key.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
}

/// A transport error's message, with the URL it names redacted.
pub(crate) fn describe_error(error: &reqwest::Error) -> String {
    let text = error.to_string();
    match error.url() {
        Some(url) => text.replace(url.as_str(), &display(url)),
        None => text,
    }
}

/// A transport error whose message may name the URL it failed on, with that URL redacted.
pub(crate) fn redact_error(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        redact_url(url);
    }
    error
}

fn is_secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["sig", "token", "key", "credential", "secret", "password", "auth"].iter().any(|word| name.contains(word))
}

/// A URL's text as it may be shown ([`display`]); text that is no URL loses everything up to
/// its last `@` and from its first `?`.
pub(crate) fn redact(text: &str) -> String {
    match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => display(&url),
        _ => text.rsplit('@').next().unwrap_or_default().split('?').next().unwrap_or_default().to_string(),
    }
}

/// Why a registry on `from_host` may not send hoist to `to`, if it may not.
pub(crate) fn refuse_reason(from_host: &str, to: &Url) -> Option<String> {
    if !matches!(to.scheme(), "http" | "https") {
        return Some(format!("the scheme {} is not http or https", to.scheme()));
    }
    let target = to.host_str().map(|host| host.trim_start_matches('[').trim_end_matches(']'))?;
    let Ok(target) = target.parse::<IpAddr>() else { return None };
    let from = from_host
        .rsplit_once(':')
        .map_or(from_host, |(host, port)| if port.chars().all(|c| c.is_ascii_digit()) { host } else { from_host });
    let from_private =
        from.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| is_internal(&ip));
    (is_internal(&target) && !from_private).then(|| format!("{target} is a private or link-local address"))
}

/// Private (RFC 1918, IPv6 unique-local `fc00::/7`, which holds EC2's `fd00:ec2::254`) or
/// link-local (`169.254.0.0/16`, `fe80::/10`), an IPv4 address written as IPv6 included.
fn is_internal(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(&IpAddr::V4(v4)),
            None => (v6.segments()[0] & 0xfe00) == 0xfc00 || (v6.segments()[0] & 0xffc0) == 0xfe80,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_internal_targets_from_public_registries() {
        let cases = [
            ("registry.example.com", "http://169.254.169.254/latest", true),
            ("registry.example.com", "http://10.0.0.1/x", true),
            ("registry.example.com", "http://[fd00:ec2::254]/x", true),
            ("registry.example.com", "http://[fd12::1]/x", true),
            ("registry.example.com", "http://[fe80::1]/x", true),
            ("registry.example.com", "http://[::ffff:169.254.169.254]/x", true),
            ("registry.example.com", "http://[::ffff:10.1.2.3]/x", true),
            ("registry.example.com", "http://[2001:db8::1]/x", false),
            ("[fd12::5]:5000", "http://[fd12::6]/token", false),
            ("registry.example.com", "https://cdn.example.com/blob", false),
            ("registry.example.com", "file:///etc/passwd", true),
            ("10.0.0.5:5000", "http://10.0.0.6/token", false),
            ("127.0.0.1:5000", "http://127.0.0.1:6000/token", false),
        ];
        for (from, to, refused) in cases {
            assert_eq!(refuse_reason(from, &Url::parse(to).unwrap()).is_some(), refused, "{from} → {to}");
        }
    }

    #[test]
    fn display_drops_credentials() {
        let url = Url::parse("https://user:secret@example.com/v2/").unwrap();
        assert_eq!(display(&url), "https://example.com/v2/");
        assert_eq!(
            redact("https://user:secret@auth.example.com/token?service=x&X-Amz-Signature=abc"),
            "https://auth.example.com/token?service=x&X-Amz-Signature=REDACTED"
        );
        assert_eq!(redact("user:secret@not a url?sig=abc"), "not a url");
    }
}
