//! One module per command: resolve the arguments, call one library operation, print.

mod catalog;
mod completion;
mod cp;
mod delete;
mod history;
mod images;
mod import;
mod inspect;
mod load;
mod login;
mod manifest;
mod prune;
mod pull;
mod push;
mod rm;
mod save;
mod search;
mod system;
mod tag;
mod tags;
pub(crate) mod version;

pub(crate) use rm::Reported;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Config, InsecureEntry};
use crate::credentials;
use crate::image::{self, Summary, Target};
use crate::ops::concurrent::Concurrency;
use crate::output;
use crate::reference::{Reference, api_host};
use crate::registry::{RegistryClient, Transport};
use crate::store::{NameEntry, Store};

/// What every command may need: the store, the configuration, the one HTTP transport.
pub(crate) struct Context {
    root: PathBuf,
    config_dir: PathBuf,
    global: GlobalArgs,
    config: OnceLock<Config>,
    transport: OnceLock<Arc<Transport>>,
}

impl Context {
    fn new(global: GlobalArgs) -> anyhow::Result<Context> {
        let root = match &global.root {
            Some(root) => root.clone(),
            None => dirs::data_dir().context("cannot find the data folder: set --root or HOIST_ROOT")?.join("hoist"),
        };
        let config_dir = match &global.config {
            Some(config) => config.clone(),
            None => {
                dirs::config_dir().context("cannot find the config folder: set --config or HOIST_CONFIG")?.join("hoist")
            }
        };
        Ok(Context { root, config_dir, global, config: OnceLock::new(), transport: OnceLock::new() })
    }

    fn store(&self) -> anyhow::Result<Store> {
        Store::open(&self.root).with_context(|| format!("cannot open the image store at {}", self.root.display()))
    }

    /// The store for a command that reads it: one that is not there is said, not created, so
    /// that a mistyped `--root` leaves no folders behind (pull, load and import create it).
    fn existing_store(&self) -> anyhow::Result<Store> {
        if !self.root.exists() {
            return Err(anyhow::anyhow!(output::Hinted {
                message: format!("there is no image store at {}", self.root.display()),
                hint: "a pull, load or import creates it; to use another store, pass --root DIR or set HOIST_ROOT"
                    .to_string(),
            }));
        }
        self.store()
    }

    /// The same context, with `registry` reached as an insecure registry (`--insecure`).
    fn with_insecure(&self, registry: &str) -> anyhow::Result<Context> {
        let mut global = self.global.clone();
        global.insecure_registries.push(InsecureEntry::parse(registry).map_err(anyhow::Error::msg)?);
        Context::new(global)
    }

    fn config(&self) -> anyhow::Result<&Config> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let mut loaded = Config::load(&self.config_dir)?;
        let daemon =
            std::env::var_os("HOIST_TEST_DAEMON_JSON").map_or_else(|| "/etc/docker/daemon.json".into(), PathBuf::from);
        if let Some(warning) = loaded.add_docker_daemon(&daemon) {
            output::status(&format!("WARNING: {warning}"));
        }
        Ok(self.config.get_or_init(|| loaded))
    }

    /// How many downloads run at once: the user's limit, or docker's 3 and more small ones.
    fn downloads(&self) -> anyhow::Result<Concurrency> {
        Ok(Concurrency::from_config(self.config()?.max_concurrent_downloads, 3))
    }

    /// How many uploads run at once: the user's limit, or docker's 5 and more small ones.
    fn uploads(&self) -> anyhow::Result<Concurrency> {
        Ok(Concurrency::from_config(self.config()?.max_concurrent_uploads, 5))
    }

    fn transport(&self) -> anyhow::Result<Arc<Transport>> {
        if let Some(transport) = self.transport.get() {
            return Ok(transport.clone());
        }
        let mut insecure = self.global.insecure_registries.clone();
        insecure.extend(self.config()?.insecure());
        let log = Arc::new(output::StderrLog { debug: self.global.debug });
        let transport = Arc::new(Transport::new(insecure, &self.config_dir, log));
        Ok(self.transport.get_or_init(|| transport).clone())
    }

    /// A client for `registry` (as references name it), with whatever credentials are stored.
    fn client(&self, registry: &str) -> anyhow::Result<Arc<RegistryClient>> {
        let warn = |warning: &str| output::status(&format!("WARNING: {warning}"));
        let credentials = credentials::lookup(registry, &self.config_dir, &warn);
        Ok(Arc::new(RegistryClient::new(self.transport()?, registry, api_host(registry), credentials)))
    }

    /// Where to pull `reference` from: Docker Hub's mirrors first, then the registry itself.
    fn pull_sources(&self, reference: &Reference) -> anyhow::Result<Vec<Arc<RegistryClient>>> {
        let mut sources = Vec::new();
        if reference.is_docker_hub() {
            for mirror in &self.config()?.registry_mirrors {
                let url = reqwest::Url::parse(mirror).with_context(|| format!("registry mirror {mirror}"))?;
                sources.push(Arc::new(RegistryClient::mirror(self.transport()?, url)));
            }
        }
        sources.push(self.client(reference.registry())?);
        Ok(sources)
    }
}

pub(crate) async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let context = Context::new(cli.global)?;
    let command = match cli.command {
        Command::Image(form) => match form.plain() {
            Ok(command) => command,
            Err(prune) => return prune::run(prune, &context),
        },
        command => command,
    };
    match command {
        Command::Login(args) => login::run(args, &context).await,
        Command::Logout(args) => login::logout(args, &context),
        Command::Pull(args) => pull::run(args, &context).await,
        Command::Push(args) => push::run(args, &context).await,
        Command::Cp(args) => cp::run(args, &context).await,
        Command::Delete(args) => delete::run(args, &context).await,
        Command::Tags(args) => tags::run(args, &context).await,
        Command::Catalog(args) => catalog::run(args, &context).await,
        Command::Manifest(command) => manifest::run(command, &context).await,
        Command::Search(args) => search::run(args, &context).await,
        Command::Tag(args) => tag::run(args, &context),
        Command::Images(args) => images::run(args, &context),
        Command::Rm(args) => rm::run(args, &context),
        Command::Inspect(args) => inspect::run(args, &context),
        Command::Save(args) => save::run(args, &context),
        Command::Load(args) => load::run(args, &context),
        Command::Import(args) => import::run(args, &context),
        Command::History(args) => history::run(args, &context),
        Command::Image(_) => unreachable!("`image` forms are their plain commands by now"),
        Command::System(command) => system::run(command, &context).await,
        Command::Completion(args) => completion::script(&args),
        Command::Version(args) => version::run(args),
        Command::Complete(args) => completion::values(&args, &context),
    }
}

/// Resolves an IMAGE argument to one entry: for an image ID, any name that holds it.
fn find_one(images: &[(NameEntry, Summary)], argument: &str) -> anyhow::Result<(NameEntry, Summary)> {
    match image::lookup(images, argument)? {
        Target::Name(entry, summary) => Ok((entry, summary)),
        Target::Id(id, holders) => holders.into_iter().next().ok_or_else(|| anyhow::anyhow!("No such image: {id}")),
    }
}
