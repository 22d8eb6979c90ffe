//! docker's image filters (`images -f`, `image prune --filter`): `dangling`, `reference`,
//! `label`, `before`, `since`, `until`, parsed on the command line so that an unknown one is a
//! usage error; references are matched with `crate::glob` (Go's `path.Match`).

use std::fmt;

use crate::glob::Glob;

/// One `-f KEY=VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Filter {
    pub key: FilterKey,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FilterKey {
    Dangling,
    Reference,
    Label,
    /// `label!=KEY[=VALUE]` (prune only).
    NotLabel,
    Before,
    Since,
    Until,
}

impl fmt::Display for FilterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FilterKey::Dangling => "dangling",
            FilterKey::Reference => "reference",
            FilterKey::Label => "label",
            FilterKey::NotLabel => "label!",
            FilterKey::Before => "before",
            FilterKey::Since => "since",
            FilterKey::Until => "until",
        })
    }
}

impl Filter {
    /// A filter of `images -f` (docker's wording for what it refuses).
    pub(crate) fn listing(text: &str) -> Result<Filter, String> {
        use FilterKey::*;
        Self::parse(text, &[Dangling, Reference, Label, Before, Since, Until])
    }

    /// A filter of `image prune --filter`.
    pub(crate) fn prune(text: &str) -> Result<Filter, String> {
        use FilterKey::*;
        Self::parse(text, &[Label, NotLabel, Until])
    }

    fn parse(text: &str, allowed: &[FilterKey]) -> Result<Filter, String> {
        let Some((key, value)) = text.split_once('=') else {
            return Err("bad format of filter (expected name=value)".to_string());
        };
        let key = match key.trim().to_ascii_lowercase().as_str() {
            "dangling" => FilterKey::Dangling,
            "reference" => FilterKey::Reference,
            "label" => FilterKey::Label,
            "label!" => FilterKey::NotLabel,
            "before" => FilterKey::Before,
            "since" => FilterKey::Since,
            "until" => FilterKey::Until,
            _ => return Err(format!("Invalid filter '{}'", key.trim())),
        };
        if !allowed.contains(&key) {
            return Err(format!("Invalid filter '{key}'"));
        }
        let value = value.to_string();
        if key == FilterKey::Dangling && !["true", "false", "1", "0"].contains(&value.to_ascii_lowercase().as_str()) {
            return Err(format!("Invalid filter 'dangling=[{value}]'"));
        }
        if key == FilterKey::Until {
            parse_time(&value, jiff::Timestamp::now())?;
        }
        Ok(Filter { key, value })
    }

    /// `dangling=true|1`.
    pub(crate) fn is_true(&self) -> bool {
        matches!(self.value.to_ascii_lowercase().as_str(), "true" | "1")
    }

    /// `label=KEY` or `label=KEY=VALUE` against an image's labels.
    pub(crate) fn label_matches(&self, labels: Option<&std::collections::HashMap<String, String>>) -> bool {
        let (key, value) = match self.value.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (self.value.as_str(), None),
        };
        let found = labels.and_then(|labels| labels.get(key));
        match (found, value) {
            (Some(_), None) => true,
            (Some(found), Some(value)) => found == value,
            (None, _) => false,
        }
    }
}

/// docker's `filters.GetTimestamp`: a Go duration before `now` (`10m`, `1h30m`), an RFC 3339
/// time, a date or date and time (UTC), or Unix seconds.
pub(crate) fn parse_time(text: &str, now: jiff::Timestamp) -> Result<jiff::Timestamp, String> {
    let refused =
        || format!("cannot parse \"{text}\" as a time: give a duration (10m, 24h), an RFC 3339 time or Unix seconds");
    if let Some(duration) = go_duration(text) {
        return now.checked_sub(duration).map_err(|_| refused());
    }
    if let Ok(time) = text.parse::<jiff::Timestamp>() {
        return Ok(time);
    }
    if let Ok(civil) = text.parse::<jiff::civil::DateTime>() {
        return civil.to_zoned(jiff::tz::TimeZone::UTC).map(|zoned| zoned.timestamp()).map_err(|_| refused());
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date.to_zoned(jiff::tz::TimeZone::UTC).map(|zoned| zoned.timestamp()).map_err(|_| refused());
    }
    let seconds: f64 = text.parse().map_err(|_| refused())?;
    jiff::Timestamp::from_second(seconds.trunc() as i64).map_err(|_| refused())
}

/// Go's `time.ParseDuration` for the units that make sense here (`h`, `m`, `s`, `ms`).
fn go_duration(text: &str) -> Option<jiff::SignedDuration> {
    let mut rest = text;
    let mut total = 0.0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|end| *end > 0)?;
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let seconds = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += number * seconds;
        rest = &rest[unit_end..];
    }
    jiff::SignedDuration::try_from_secs_f64(total).ok()
}

/// docker's `reference.FamiliarMatch`: the pattern against `name:tag`, then against the name.
/// A pattern that is not one matches nothing, as Go's `path.Match` error does there.
pub(crate) fn reference_matches(pattern: &str, familiar: &str, familiar_name: &str) -> bool {
    Glob::parse(pattern).is_ok_and(|glob| glob.matches(familiar) || glob.matches(familiar_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_stop_at_slashes_as_go_does() {
        assert!(reference_matches("*/dd/*", "aa/dd/ee", "aa/dd/ee"));
        assert!(!reference_matches("*/dd/*", "aa/bb/dd/ee", "aa/bb/dd/ee"));
        assert!(!reference_matches("[", "busybox:1", "busybox"));
        assert!(reference_matches("busybox", "busybox:1", "busybox"));
        assert!(reference_matches("busy*:1", "busybox:1", "busybox"));
        assert!(!reference_matches("busy*:2", "busybox:1", "busybox"));
    }

    #[test]
    fn unknown_filters_and_values_are_named() {
        assert_eq!(Filter::listing("foo=bar").unwrap_err(), "Invalid filter 'foo'");
        assert_eq!(Filter::listing("dangling=maybe").unwrap_err(), "Invalid filter 'dangling=[maybe]'");
        assert_eq!(Filter::listing("label").unwrap_err(), "bad format of filter (expected name=value)");
        assert_eq!(Filter::prune("dangling=true").unwrap_err(), "Invalid filter 'dangling'");
        assert!(Filter::prune("until=24h").is_ok());
        assert!(Filter::listing("until=soon").is_err());
    }

    #[test]
    fn times_are_durations_dates_or_seconds() {
        let now = jiff::Timestamp::from_second(1_000_000).unwrap();
        assert_eq!(parse_time("1h30m", now).unwrap().as_second(), 1_000_000 - 5400);
        assert_eq!(parse_time("1970-01-02", now).unwrap().as_second(), 86400);
        assert_eq!(parse_time("1970-01-01T00:01:00Z", now).unwrap().as_second(), 60);
        assert_eq!(parse_time("120", now).unwrap().as_second(), 120);
    }
}
