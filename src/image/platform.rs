//! Platforms (`os/arch[/variant]`): the host's, the user's `--platform`, and matching them
//! against an index's entries the way containerd's default matcher does.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid platform {0:?}: expected OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm/v7")]
pub struct PlatformError(String);

impl Platform {
    /// The platform hoist runs on, in Go's GOOS/GOARCH terms.
    pub fn host() -> Platform {
        let (architecture, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "x86" => ("386", None),
            "aarch64" => ("arm64", Some("v8")),
            "arm" => ("arm", Some("v7")),
            "powerpc64" => ("ppc64le", None),
            "loongarch64" => ("loong64", None),
            other => (other, None),
        };
        Platform {
            os: std::env::consts::OS.to_string(),
            architecture: architecture.to_string(),
            variant: variant.map(str::to_string),
        }
    }

    /// Whether an image for `candidate` runs here. A missing variant on either side matches
    /// the architecture's default (`arm64` is `v8`), as containerd's matcher does.
    pub fn matches(&self, candidate: &oci_spec::image::Platform) -> bool {
        if self.os != candidate.os().to_string() || self.architecture != candidate.architecture().to_string() {
            return false;
        }
        let default = default_variant(&self.architecture);
        let wanted = self.variant.as_deref().or(default);
        let offered = candidate.variant().as_deref().filter(|v| !v.is_empty()).or(default);
        match (wanted, offered) {
            (Some(wanted), Some(offered)) => wanted == offered,
            (None, _) => true,
            (Some(_), None) => true,
        }
    }

    /// Whether the entry of an index is for this platform.
    pub fn matches_entry(&self, entry: &oci_spec::image::Descriptor) -> bool {
        entry.platform().as_ref().is_some_and(|candidate| self.matches(candidate))
    }

    /// The first of `entries` for this platform.
    pub fn choose<'e>(
        &self,
        mut entries: impl Iterator<Item = &'e oci_spec::image::Descriptor>,
    ) -> Option<&'e oci_spec::image::Descriptor> {
        entries.find(|entry| self.matches_entry(entry))
    }

    pub fn describe(candidate: &oci_spec::image::Platform) -> String {
        let mut text = format!("{}/{}", candidate.os(), candidate.architecture());
        if let Some(variant) = candidate.variant().as_deref().filter(|v| !v.is_empty()) {
            text.push('/');
            text.push_str(variant);
        }
        text
    }
}

fn default_variant(architecture: &str) -> Option<&'static str> {
    match architecture {
        "arm64" => Some("v8"),
        _ => None,
    }
}

impl FromStr for Platform {
    type Err = PlatformError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split('/').collect();
        let valid = |part: &&str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !(2..=3).contains(&parts.len()) || !parts.iter().all(valid) {
            return Err(PlatformError(text.to_string()));
        }
        Ok(Platform {
            os: parts[0].to_lowercase(),
            architecture: parts[1].to_lowercase(),
            variant: parts.get(2).map(|variant| variant.to_lowercase()),
        })
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(os: &str, architecture: &str, variant: Option<&str>) -> oci_spec::image::Platform {
        let mut platform = oci_spec::image::Platform::default();
        platform.set_os(os.into());
        platform.set_architecture(architecture.into());
        platform.set_variant(variant.map(str::to_string));
        platform
    }

    #[test]
    fn parses_and_displays() {
        for text in ["linux/amd64", "linux/arm/v7", "linux/arm64/v8", "windows/amd64"] {
            assert_eq!(text.parse::<Platform>().unwrap().to_string(), text);
        }
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", "linux/amd 64"] {
            assert!(bad.parse::<Platform>().is_err(), "{bad}");
        }
    }

    #[test]
    fn matches_variants_like_containerd() {
        let cases = [
            ("linux/amd64", ("linux", "amd64", None), true),
            ("linux/amd64", ("linux", "arm64", None), false),
            ("linux/arm/v7", ("linux", "arm", Some("v7")), true),
            ("linux/arm/v7", ("linux", "arm", Some("v6")), false),
            ("linux/arm", ("linux", "arm", Some("v6")), true),
            ("linux/arm64", ("linux", "arm64", Some("v8")), true),
            ("linux/arm64/v8", ("linux", "arm64", None), true),
            ("linux/amd64", ("windows", "amd64", None), false),
        ];
        for (wanted, (os, architecture, variant), expected) in cases {
            let wanted: Platform = wanted.parse().unwrap();
            assert_eq!(
                wanted.matches(&candidate(os, architecture, variant)),
                expected,
                "{wanted} vs {os}/{architecture}/{variant:?}"
            );
        }
    }
}
