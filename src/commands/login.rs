//! `hoist login` and `hoist logout`: credentials are checked against the registry before
//! anything is stored, then kept in the OS keyring (or, where none answers, in
//! `<config>/auth.json`, mode 0600, with a warning). Secrets never reach output or logs.

use std::io::{IsTerminal, Read};
use std::sync::Arc;

use anyhow::{Context as _, anyhow, bail};

use super::Context;
use crate::cli::{LoginArgs, LogoutArgs};
use crate::credentials::{self, Credentials, DOCKER_HUB_KEY, Secret, file, keyring};
use crate::output;
use crate::reference::{DOCKER_HUB, api_host};
use crate::registry::{RegistryClient, RegistryError, Transport};

/// A registry as `login` names it: where its API is, and the key its credentials live under.
struct Server {
    registry: String,
    key: String,
}

impl Server {
    /// Normalises SERVER the way docker does: `https://host:port/` and `host:port` are one
    /// registry; `docker.io`, `index.docker.io` and Docker Hub's v1 URL are Docker Hub.
    fn parse(server: Option<&str>) -> anyhow::Result<Server> {
        let host = credentials::key_host(server.unwrap_or(DOCKER_HUB_KEY));
        if host == "index.docker.io" {
            return Ok(Server { registry: DOCKER_HUB.into(), key: DOCKER_HUB_KEY.into() });
        }
        let valid = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
        if !valid {
            bail!("invalid registry {:?}: expected HOST[:PORT] or https://HOST[:PORT]/", server.unwrap_or_default());
        }
        Ok(Server { registry: host.clone(), key: host })
    }
}

pub(super) async fn run(args: LoginArgs, context: &Context) -> anyhow::Result<()> {
    let server = Server::parse(args.server.as_deref())?;
    let stored = credentials::lookup(&server.registry, &context.config_dir, &|_| {});
    let transport = context.transport()?;
    // As docker does: with nothing typed, credentials stored for the server are checked again
    // first; only when they fail is the person asked.
    let nothing_typed = args.username.is_none() && args.password.is_none() && !args.password_stdin;
    if nothing_typed && let Some(stored) = &stored {
        let username = output::escape(stored.username()).into_owned();
        output::status(&format!("Authenticating with existing credentials... [Username: {username}]"));
        match verify(&transport, &server, stored.clone()).await {
            Ok(identity) => {
                output::status("");
                output::status(
                    " Info -> To login with a different account, run 'hoist logout' followed by 'hoist login'",
                );
                output::status("");
                return keep(context, &server, stored.clone(), identity);
            }
            Err(RegistryError::Unauthorized { .. }) => output::status("Stored credentials invalid or expired"),
            Err(error) => output::status(&format!("Login did not succeed, error: {:#}", anyhow!(error))),
        }
    }
    let credentials = read_credentials(&args, stored.as_ref().map(Credentials::username))?;
    let identity = match verify(&transport, &server, credentials.clone()).await {
        Ok(identity) => identity,
        // The person just typed the login: the words say what was wrong, with no hint to log in.
        Err(RegistryError::Unauthorized { message, .. }) => {
            return Err(anyhow!("unauthorized: {}", refusal(&message)))
                .context(format!("cannot log in to {}", server.key));
        }
        Err(error) => return Err(error).with_context(|| format!("cannot log in to {}", server.key)),
    };
    keep(context, &server, credentials, identity)
}

/// Checks `credentials` against the registry; a token server may answer with a refresh token.
async fn verify(
    transport: &Arc<Transport>,
    server: &Server,
    credentials: Credentials,
) -> Result<Option<Secret>, RegistryError> {
    let api_host = api_host(&server.registry);
    let transport = transport.clone();
    let client = RegistryClient::new(transport, &server.registry, api_host, Some(credentials));
    Arc::new(client).verify_credentials().await
}

/// Stores credentials that the registry accepted, then says so.
fn keep(context: &Context, server: &Server, credentials: Credentials, identity: Option<Secret>) -> anyhow::Result<()> {
    // A token server's refresh token replaces the password: the password is then not kept.
    let stored = match identity {
        Some(token) => Credentials::IdentityToken { username: credentials.username().to_string(), token },
        None => credentials,
    };
    match keyring::set(&server.key, &stored) {
        Ok(()) => {
            let _ = file::remove(&context.config_dir, &server.key);
        }
        Err(reason) => {
            let path = file::store(&context.config_dir, &server.key, &stored)?;
            output::status(&format!("WARNING: {reason}; the credentials are stored unencrypted in {}", path.display()));
        }
    }
    output::line("Login Succeeded")?;
    Ok(())
}

/// The registry's words for refused credentials, or docker's where it gave only the generic
/// challenge text (distribution's `authentication required`).
fn refusal(message: &str) -> String {
    let words = message.strip_prefix("unauthorized:").unwrap_or(message).trim();
    let generic = ["", "authentication required", "unauthorized", "401 Unauthorized"];
    if generic.iter().any(|text| words.eq_ignore_ascii_case(text)) {
        "incorrect username or password".to_string()
    } else {
        words.to_string()
    }
}

/// The credentials to check: from the arguments, standard input, or prompts on a terminal,
/// where the user name of a stored login is the default (`Username (user): `).
fn read_credentials(args: &LoginArgs, stored_username: Option<&str>) -> anyhow::Result<Credentials> {
    if args.password_stdin && args.username.is_none() {
        bail!("Must provide --username with --password-stdin");
    }
    let username = match &args.username {
        Some(username) => username.clone(),
        None => prompt_username(stored_username)?,
    };
    if username.is_empty() {
        bail!("Username required");
    }
    let password = if args.password_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("cannot read the password from standard input")?;
        let text = text.strip_suffix('\n').map(|rest| rest.strip_suffix('\r').unwrap_or(rest)).unwrap_or(&text);
        text.to_string()
    } else if let Some(password) = &args.password {
        output::status("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        password.clone()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ").context("cannot read the password")?
    } else {
        bail!(
            "cannot ask for a password: standard input is not a terminal; use --password-stdin, \
             e.g. `echo \"$TOKEN\" | hoist login -u USER --password-stdin SERVER`"
        );
    };
    if password.is_empty() {
        bail!("Password required");
    }
    Ok(Credentials::Password { username, password: Secret::new(password) })
}

fn prompt_username(default: Option<&str>) -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "cannot ask for a user name: standard input is not a terminal; use -u USER with --password-stdin, \
             e.g. `echo \"$TOKEN\" | hoist login -u USER --password-stdin SERVER`"
        );
    }
    let prompt = match default {
        Some(name) => format!("Username ({}): ", output::escape(name)),
        None => "Username: ".to_string(),
    };
    let mut terminal = std::io::stderr();
    std::io::Write::write_all(&mut terminal, prompt.as_bytes())?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("cannot read the user name")?;
    match line.trim() {
        "" => Ok(default.unwrap_or_default().to_string()),
        typed => Ok(typed.to_string()),
    }
}

pub(super) fn logout(args: LogoutArgs, context: &Context) -> anyhow::Result<()> {
    let server = Server::parse(args.server.as_deref())?;
    let from_keyring = keyring::delete(&server.key);
    let from_file = file::remove(&context.config_dir, &server.key)?;
    if from_keyring || from_file {
        output::line(&format!("Removing login credentials for {}", server.key))?;
    } else {
        output::line(&format!("Not logged in to {}", server.key))?;
    }
    Ok(())
}
