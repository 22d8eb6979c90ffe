//! URLs as hoist prints and follows them: never with credentials, and never from a registry
//! to a private or link-local address it is not itself on (SPEC §2, pull).

use std::net::IpAddr;

use reqwest::Url;

/// `url` without user information, for logs and messages.
pub fn display(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Why a registry on `from_host` may not send hoist to `to`, if it may not.
pub fn refuse_reason(from_host: &str, to: &Url) -> Option<String> {
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

fn is_internal(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            let metadata: std::net::Ipv6Addr = "fd00:ec2::254".parse().unwrap_or(std::net::Ipv6Addr::UNSPECIFIED);
            *v6 == metadata || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
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
    }
}
