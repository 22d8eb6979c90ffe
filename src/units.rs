//! Sizes and ages as docker prints them (github.com/docker/go-units), and the local time zone
//! its times are printed in.

/// `HumanSizeWithPrecision(size, 3)`: decimal units, three significant digits, no space.
pub(crate) fn human_size(bytes: u64) -> String {
    human_size_with_precision(bytes, 3)
}

/// `HumanSizeWithPrecision(size, digits)`; docker's `VirtualSize` has 4 (`1.235MB`).
pub(crate) fn human_size_with_precision(bytes: u64, digits: i32) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", significant(size, digits), UNITS[unit])
}

/// Go's `%.{digits}g` for values below 1000: rounds to `digits` significant digits and drops
/// trailing zeros.
fn significant(value: f64, digits: i32) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let text = format!("{value:.decimals$}");
    let rounded: f64 = text.parse().unwrap_or(value);
    if rounded >= 10f64.powi(digits) {
        return format!("{:.0}e+{:02}", rounded / 10f64.powi(digits), digits); // "1e+03", as Go prints it
    }
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

/// `HumanDuration`, followed by " ago" as `docker images` prints it.
pub(crate) fn human_age(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let minutes = seconds / 60;
    let hours = (seconds as f64 / 3600.0).round() as i64;
    let text = if seconds < 1 {
        "Less than a second".to_string()
    } else if seconds == 1 {
        "1 second".to_string()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".to_string()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".to_string()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", seconds / 3600 / 24 / 365)
    };
    format!("{text} ago")
}

/// The local time zone as Go finds it for docker: `TZ` when set, else `/etc/localtime`, else
/// UTC. Read once, from that one file: jiff's own lookup first lists the whole zoneinfo tree.
pub(crate) fn local_zone() -> &'static jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        if std::env::var_os("TZ").is_some() {
            return jiff::tz::TimeZone::system();
        }
        std::fs::read("/etc/localtime")
            .ok()
            .and_then(|data| jiff::tz::TimeZone::tzif("Local", &data).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_size_has_four_digits() {
        for (bytes, expected) in [(6, "6B"), (1_234_567, "1.235MB"), (100_000_000, "100MB"), (13_300, "13.3kB")] {
            assert_eq!(human_size_with_precision(bytes, 4), expected);
        }
    }

    #[test]
    fn sizes_match_docker() {
        let cases = [
            (0, "0B"),
            (1, "1B"),
            (999, "999B"),
            (1000, "1kB"),
            (13_300, "13.3kB"),
            (7_800_000, "7.8MB"),
            (7_812_345, "7.81MB"),
            (133_000_000, "133MB"),
            (77_862_121, "77.9MB"),
            (1_500_000_000, "1.5GB"),
            (999_600, "1e+03kB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(human_size(bytes), expected, "{bytes}");
        }
    }

    #[test]
    fn ages_match_docker() {
        let cases = [
            (0, "Less than a second ago"),
            (1, "1 second ago"),
            (59, "59 seconds ago"),
            (60, "About a minute ago"),
            (29 * 60, "29 minutes ago"),
            (3600, "About an hour ago"),
            (5 * 3600, "5 hours ago"),
            (3 * 86400, "3 days ago"),
            (20 * 86400, "2 weeks ago"),
            (90 * 86400, "3 months ago"),
            (3 * 365 * 86400, "3 years ago"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(human_age(seconds), expected, "{seconds}");
        }
    }
}
