//! `import -c/--change`: the Dockerfile instructions `docker import` and `docker commit`
//! accept, applied to a new image's config (`CMD`, `ENTRYPOINT`, `ENV`, `EXPOSE`, `LABEL`,
//! `USER`, `WORKDIR`, `VOLUME`, `STOPSIGNAL`, `ONBUILD`), each in the forms a Dockerfile
//! allows. The errors are docker's words.

use serde_json::{Map, Value, json};

/// Why a change was refused, as docker says it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum ChangeError {
    #[error("{0} is not a valid change command")]
    NotValid(String),
    #[error("file with no instructions")]
    Empty,
    #[error("{0} requires at least one argument")]
    NoArgument(&'static str),
    #[error("{0} requires exactly one argument")]
    NotOne(&'static str),
    #[error("{0} must have two arguments")]
    NotPair(&'static str),
    #[error("{instruction}: {reason}")]
    Invalid { instruction: &'static str, reason: String },
}

/// Applies every change, in order, to `config` (the `config` object of an image config).
pub(crate) fn apply(changes: &[String], config: &mut Map<String, Value>) -> Result<(), ChangeError> {
    let lines: Vec<&str> = changes
        .iter()
        .flat_map(|change| change.lines())
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    if lines.is_empty() {
        return Err(ChangeError::Empty);
    }
    for line in lines {
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        apply_one(&word.to_ascii_lowercase(), rest.trim(), config)?;
    }
    Ok(())
}

fn apply_one(instruction: &str, rest: &str, config: &mut Map<String, Value>) -> Result<(), ChangeError> {
    match instruction {
        "cmd" => set(config, "Cmd", command(rest)),
        "entrypoint" => set(config, "Entrypoint", command(rest)),
        "env" => pairs("ENV", rest, true)?.into_iter().for_each(|(key, value)| set_env(config, key, value)),
        "label" => {
            let labels = object(config, "Labels");
            for (key, value) in pairs("LABEL", rest, false)? {
                labels.insert(key, Value::String(value));
            }
        }
        "expose" => {
            let ports = words(rest);
            if ports.is_empty() {
                return Err(ChangeError::NoArgument("EXPOSE"));
            }
            for port in ports {
                for port in expand_port(&port)? {
                    object(config, "ExposedPorts").insert(port, json!({}));
                }
            }
        }
        "user" => set(config, "User", Value::String(one("USER", rest)?)),
        "workdir" => {
            let dir = one("WORKDIR", rest)?;
            let base = config.get("WorkingDir").and_then(Value::as_str).unwrap_or("/").to_string();
            set(config, "WorkingDir", Value::String(join_dir(&base, &dir)));
        }
        "volume" => {
            let volumes = json_array(rest).unwrap_or_else(|| words(rest));
            if volumes.is_empty() {
                return Err(ChangeError::NoArgument("VOLUME"));
            }
            for volume in volumes {
                object(config, "Volumes").insert(volume, json!({}));
            }
        }
        "stopsignal" => set(config, "StopSignal", Value::String(signal(&one("STOPSIGNAL", rest)?)?)),
        "onbuild" => onbuild(rest, config)?,
        other => return Err(ChangeError::NotValid(other.to_string())),
    }
    Ok(())
}

fn set(config: &mut Map<String, Value>, key: &str, value: Value) {
    config.insert(key.to_string(), value);
}

fn object<'c>(config: &'c mut Map<String, Value>, key: &str) -> &'c mut Map<String, Value> {
    let entry = config.entry(key).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    entry.as_object_mut().expect("just made an object")
}

fn set_env(config: &mut Map<String, Value>, key: String, value: String) {
    let env = config.entry("Env").or_insert_with(|| json!([]));
    let Some(env) = env.as_array_mut() else { return };
    let line = Value::String(format!("{key}={value}"));
    let prefix = format!("{key}=");
    match env.iter_mut().find(|item| item.as_str().is_some_and(|item| item.starts_with(&prefix))) {
        Some(existing) => *existing = line,
        None => env.push(line),
    }
}

/// The exec form (a JSON array of strings) as it is, else the shell form under `/bin/sh -c`.
fn command(rest: &str) -> Value {
    match json_array(rest) {
        Some(words) => json!(words),
        None if rest.is_empty() => json!([]),
        None => json!(["/bin/sh", "-c", rest]),
    }
}

fn json_array(rest: &str) -> Option<Vec<String>> {
    if rest.starts_with('[') { serde_json::from_str(rest).ok() } else { None }
}

/// `KEY=VALUE ...` pairs, or the older `KEY VALUE` form (the rest of the line the value), which
/// ENV allows and LABEL does not.
fn pairs(instruction: &'static str, rest: &str, legacy: bool) -> Result<Vec<(String, String)>, ChangeError> {
    let words = words(rest);
    if words.is_empty() {
        return Err(ChangeError::NoArgument(instruction));
    }
    if !words[0].contains('=') {
        let (key, value) = rest.split_once(char::is_whitespace).ok_or(ChangeError::NotPair(instruction))?;
        if !legacy && words.len() < 2 {
            return Err(ChangeError::NotPair(instruction));
        }
        return Ok(vec![(unquote(key), unquote(value.trim()))]);
    }
    words
        .into_iter()
        .map(|word| match word.split_once('=') {
            Some(("", _)) => Err(ChangeError::Invalid { instruction, reason: "names can not be blank".to_string() }),
            Some((key, value)) => Ok((key.to_string(), value.to_string())),
            None => Err(ChangeError::Invalid { instruction, reason: format!("{word:?}: KEY=VALUE pairs expected") }),
        })
        .collect()
}

fn one(instruction: &'static str, rest: &str) -> Result<String, ChangeError> {
    let mut words = words(rest);
    match words.len() {
        1 => Ok(words.remove(0)),
        _ => Err(ChangeError::NotOne(instruction)),
    }
}

fn unquote(text: &str) -> String {
    words(text).join(" ")
}

/// Splits `text` as a Dockerfile does: at unquoted white space, quotes removed, backslash
/// escapes outside single quotes.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current: Option<String> = None;
    let mut quote = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => words.extend(current.take()),
            (None, '\'' | '"') => {
                quote = Some(c);
                current.get_or_insert_default();
            }
            (Some(open), c) if c == open => quote = None,
            (q, '\\') if q != Some('\'') => current.get_or_insert_default().extend(chars.next()),
            (_, c) => current.get_or_insert_default().push(c),
        }
    }
    words.extend(current);
    words
}

/// `80` → `80/tcp`; `8000-8002/udp` → each port of the range.
fn expand_port(spec: &str) -> Result<Vec<String>, ChangeError> {
    let (ports, protocol) = spec.split_once('/').unwrap_or((spec, "tcp"));
    let bad = || ChangeError::Invalid { instruction: "EXPOSE", reason: format!("invalid containerPort: {spec}") };
    let (first, last) = ports.split_once('-').unwrap_or((ports, ports));
    let (first, last): (u16, u16) = (first.parse().map_err(|_| bad())?, last.parse().map_err(|_| bad())?);
    if last < first || !matches!(protocol.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") {
        return Err(bad());
    }
    Ok((first..=last).map(|port| format!("{port}/{}", protocol.to_ascii_lowercase())).collect())
}

fn join_dir(base: &str, dir: &str) -> String {
    let joined = if dir.starts_with('/') { dir.to_string() } else { format!("{}/{dir}", base.trim_end_matches('/')) };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A signal by name (`SIGTERM`, `TERM`) or number, as docker's `ParseSignal` takes it.
fn signal(text: &str) -> Result<String, ChangeError> {
    let name = text.strip_prefix("SIG").unwrap_or(text);
    let known = text.parse::<u8>().is_ok_and(|number| number > 0)
        || (!name.is_empty()
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '+' || c == '-'));
    if known {
        Ok(text.to_string())
    } else {
        Err(ChangeError::Invalid { instruction: "STOPSIGNAL", reason: format!("Invalid signal: {text}") })
    }
}

fn onbuild(rest: &str, config: &mut Map<String, Value>) -> Result<(), ChangeError> {
    let trigger = rest.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    match trigger.as_str() {
        "" => return Err(ChangeError::NoArgument("ONBUILD")),
        "ONBUILD" => {
            return Err(ChangeError::Invalid {
                instruction: "ONBUILD",
                reason: "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
            });
        }
        "FROM" | "MAINTAINER" => {
            return Err(ChangeError::Invalid {
                instruction: "ONBUILD",
                reason: format!("{trigger} isn't allowed as an ONBUILD trigger"),
            });
        }
        _ => {}
    }
    let list = config.entry("OnBuild").or_insert_with(|| json!([]));
    if let Some(list) = list.as_array_mut() {
        list.push(Value::String(rest.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(changes: &[&str]) -> Result<Value, ChangeError> {
        let mut config = Map::new();
        apply(&changes.iter().map(ToString::to_string).collect::<Vec<_>>(), &mut config)?;
        Ok(Value::Object(config))
    }

    #[test]
    fn applies_docker_forms() {
        // What docker import made of the same changes.
        let config = applied(&[
            r#"CMD ["/bin/sh","-c","echo"]"#,
            "ENTRYPOINT /bin/true arg",
            r#"ENV A=1 B="two words""#,
            "ENV C 3",
            "EXPOSE 80 443/udp",
            r#"LABEL a=b "c d"=e"#,
            "USER nobody",
            "WORKDIR /srv",
            "WORKDIR sub",
            r#"VOLUME ["/data", "/x"]"#,
            "ONBUILD RUN echo hi",
            "env a=1",
        ])
        .unwrap();
        assert_eq!(
            config,
            json!({"User":"nobody","ExposedPorts":{"443/udp":{},"80/tcp":{}},"Env":["A=1","B=two words","C=3","a=1"],
                "Entrypoint":["/bin/sh","-c","/bin/true arg"],"Cmd":["/bin/sh","-c","echo"],"Volumes":{"/data":{},"/x":{}},
                "WorkingDir":"/srv/sub","Labels":{"a":"b","c d":"e"},"OnBuild":["RUN echo hi"]})
        );
        assert_eq!(
            applied(&["VOLUME /a /b", "CMD echo hi"]).unwrap(),
            json!({"Cmd":["/bin/sh","-c","echo hi"],"Volumes":{"/a":{},"/b":{}}})
        );
        assert_eq!(applied(&["WORKDIR rel"]).unwrap(), json!({"WorkingDir":"/rel"}));
        assert_eq!(applied(&["ENV A=1", "ENV A=2"]).unwrap(), json!({"Env":["A=2"]}));
        assert_eq!(applied(&["EXPOSE 8000-8001/udp"]).unwrap(), json!({"ExposedPorts":{"8000/udp":{},"8001/udp":{}}}));
        assert_eq!(applied(&["STOPSIGNAL SIGKILL"]).unwrap(), json!({"StopSignal":"SIGKILL"}));
    }

    #[test]
    fn refuses_as_docker_does() {
        let message = |changes: &[&str]| applied(changes).unwrap_err().to_string();
        assert_eq!(message(&["BOGUS x"]), "bogus is not a valid change command");
        assert_eq!(message(&["RUN echo"]), "run is not a valid change command");
        assert_eq!(message(&["FROM x"]), "from is not a valid change command");
        assert_eq!(message(&[""]), "file with no instructions");
        assert_eq!(message(&["ENV"]), "ENV requires at least one argument");
        assert_eq!(message(&["EXPOSE"]), "EXPOSE requires at least one argument");
        assert_eq!(message(&["ENV A"]), "ENV must have two arguments");
        assert_eq!(message(&["LABEL a"]), "LABEL must have two arguments");
        assert_eq!(message(&["EXPOSE http"]), "EXPOSE: invalid containerPort: http");
        assert_eq!(message(&["ONBUILD FROM x"]), "ONBUILD: FROM isn't allowed as an ONBUILD trigger");
    }
}
