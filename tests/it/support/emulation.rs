//! Registry emulations: the registries people push to, each played by a real `docker-registry`
//! ([`Registry`]) behind a front ([`front`]) that does on the wire what that registry is
//! documented or reported to do (issue 11's table; SPEC §3 "Every registry, not one"). A
//! [`Mode`] is a list of small [`Behaviour`]s, so that the emulations share one proxy and
//! differ only in data. No test reaches the real services: these are emulations, fair only as
//! far as the facts below go, and checked by driving skopeo through them.
//!
//! The facts and where they come from:
//! - GHCR: a ranged `PATCH` whose body exceeds 4 MiB → `416 REQUESTED_RANGE_NOT_SATISFIABLE`
//!   "the request body is too large and exceeds the maximum permissible limit of 4.00MiB"; a
//!   `PATCH` without `Content-Range` or a monolithic `PUT` is taken (ocx-sh/ocx#237,
//!   wasmCloud/wash-archive#268, oras-project/rust-oci-client#37). On demand, 429s whose wait is in the
//!   body only (`TOOMANYREQUESTS` "retry-after: 10.487765ms, allowed: 2000/minute",
//!   chainguard-images/images#173) and 403 "You have exceeded a secondary rate limit"
//!   (falcosecurity/plugins#1069, virtualcell/vcell#1888).
//! - GAR: no chunked uploads, "you must use monolithic uploads" (Artifact Registry's Docker API
//!   reference, quoted in dotnet/sdk-container-builds#287; kitops-ml/kitops#777): a ranged
//!   `PATCH` → 400; mounts are never fulfilled (202, a plain session).
//! - ACR: a `PUT` body above ~20 MB → `413 Request Entity Too Large` (goharbor/harbor#23015,
//!   #21640: monolithic `PUT`s; docker's and skopeo's streamed `PATCH`es of large layers are
//!   taken, so only a `PUT` declaring more is refused here); a ranged `PATCH` needs a bare
//!   `START-END` and a `Content-Length` (goharbor/harbor#23016, `CONTENT_LENGTH_INVALID`); the
//!   OAuth2 `POST` to the token endpoint → 400 (containerd `remotes/docker/authorizer.go`: "As
//!   of January 2022, ACR is known to return 400").
//! - ECR (Basic auth over HTTPS): `PATCH` → 201, not 202 (jdx/mise#11376); the `Range` of
//!   every `PATCH` answer stays at the first chunk's though later chunks are stored
//!   (aws/containers-roadmap#2831); parts below 5 MiB but the last are refused (issue 11's
//!   table, ECR's `UploadLayerPart` minimum); tag lists with `n > 1000` → 400 and opaque `last=` cursors
//!   (ECR's `maxResults` and `nextToken`); no `Docker-Content-Digest` on manifests
//!   (google/go-containerregistry#681); mounts → 202.
//! - Docker Hub: manifest `GET`s count against the pull limit, `HEAD`s do not;
//!   `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: N;w=21600` on manifest
//!   responses; 429 with `Retry-After` once spent; 300 s tokens (docker/docs#22134, regclient's
//!   `regctl image ratelimit`).
//! - Quay: a token request whose scope holds `delete` does not parse (400 "Unable to decode
//!   repository and actions"), `push` allows deleting, `*` is granted to the repository's admin
//!   (quay `endpoints/v2/v2auth.py`; containers/image `docker/docker_image_src.go`).
//! - GitLab: the token service leaves `delete` (and `*` for users who are not administrators)
//!   out of its tokens; `push` allows deleting (werf/werf#1191, docker/cli#1010,
//!   containers/skopeo#856).
//! - Harbor (behind a TLS-terminating proxy): a mount from a project the user cannot see → 401
//!   `project X not found` (google/go-containerregistry#1393); on demand, upload `Location`s on
//!   `http://` (distribution#479): the registry behind the proxy believes it is on HTTP.
//! - Artifactory: `HEAD` of a missing manifest → 403 (go-containerregistry `pkg/v1/remote`
//!   pusher); tag lists with digests and `_uploads` (containers/skopeo#2346, oras#1907); the
//!   OAuth2 `POST` → 401 (containerd authorizer.go).
//! - Nexus (Basic auth over HTTPS, anonymous access on): tag lists holding `null`
//!   (containers/skopeo#2409); `/v2/` answers 200 with no challenge while repository requests
//!   answer 401 with a Basic challenge (nexspence#260, as issue 11 cites it).
//! - gcr.io, Red Hat: a 401 with no `WWW-Authenticate` except on `/v2/`; no
//!   `Docker-Content-Digest` (containers/image `docker/docker_client.go`, containerd#3238); the
//!   OAuth2 `POST` → 404 (containerd authorizer.go).
//! - Many (containerd `remotes/docker/pusher.go` and `resolver.go`): blob `PUT` answered
//!   200/202/204; manifest `HEAD` → 405; relative `Location`s; token JSON with `access_token`
//!   alone; `Warning: 299` headers (OCI distribution-spec, "Warnings").
//!
//! Where no source gives a message's exact wording (GAR's and ECR's 400s, ACR's 413 page), the
//! emulation's follows the registry's error form with words of its own.
//!
//! Every front records each exchange ([`Exchange`]): method, path, the client's headers, the
//! scheme it came over, the status it got, the bytes it sent.

mod front;
mod message;
mod probe;
mod rules;
mod tls;
mod token;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use tempfile::TempDir;

pub use front::Exchange;
use front::{Front, Upstream};
pub use probe::{Probe, Reply};
pub use rules::{Behaviour, GHCR_RETRY_MESSAGE, Throttle};

use super::registry::{Registry, Setup, make_tls_files};

/// The path of the token endpoint each emulation of a token registry serves itself.
pub const TOKEN_PATH: &str = "/token";
/// GHCR's limit on a ranged `PATCH`.
pub const GHCR_CHUNK_LIMIT: u64 = 4 * 1024 * 1024;
/// ECR's smallest upload part but the last.
pub const ECR_MINIMUM_PART: u64 = 5 * 1024 * 1024;
/// The text of the emulated `Warning: 299` headers.
pub const WARNING_TEXT: &str = "this registry is an emulation; its API is deprecated";

/// A registry to emulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// CNCF distribution as it is, with token auth, or Basic auth over HTTPS: the control.
    Distribution {
        basic_tls: bool,
    },
    Ghcr,
    Gar,
    Acr,
    Ecr,
    /// Docker Hub with a pull quota of `pulls` manifest `GET`s (100 for a free account).
    DockerHub {
        pulls: u32,
    },
    Quay,
    GitLab,
    Harbor,
    Artifactory,
    Nexus,
    /// gcr.io and Red Hat's registries.
    Gcr,
    /// What containerd meets in many registries, with the blob `PUT` answered `blob_put_status`.
    Many {
        blob_put_status: u16,
    },
}

/// Where a front's TLS identity comes from.
enum FrontTls {
    None,
    /// The registry's own certificate (the registry serves HTTPS too).
    Registry,
    /// One made for the front (a TLS-terminating proxy before a plain-HTTP registry).
    Own,
}

impl Mode {
    /// The registry behind the emulation.
    pub fn setup(self) -> Setup {
        match self {
            Mode::Ecr | Mode::Nexus | Mode::Distribution { basic_tls: true } => Setup::BasicTls,
            _ => Setup::Token,
        }
    }

    fn front_tls(self) -> FrontTls {
        match self {
            Mode::Ecr | Mode::Nexus | Mode::Distribution { basic_tls: true } => FrontTls::Registry,
            Mode::Harbor => FrontTls::Own,
            _ => FrontTls::None,
        }
    }

    /// The behaviours that make this registry.
    pub fn behaviours(self) -> Vec<Behaviour> {
        use Behaviour::*;
        match self {
            Mode::Distribution { .. } => vec![],
            Mode::Ghcr => vec![RangedPatchLimit { limit: GHCR_CHUNK_LIMIT }],
            Mode::Gar => vec![MonolithicOnly, MountOpensSession],
            Mode::Acr => vec![PutBodyLimit { limit: 20_000_000 }, StrictRangedPatch, OAuthPost { status: 400 }],
            Mode::Ecr => vec![
                MinimumPart { bytes: ECR_MINIMUM_PART },
                PatchCreated,
                StuckRange,
                TagPageLimit { max: 1000 },
                OpaqueCursors,
                NoManifestDigest,
                MountOpensSession,
            ],
            Mode::DockerHub { pulls } => {
                vec![PullQuota { limit: pulls, window: 21600, retry_after: 3600 }, TokenLifetime { seconds: 300 }]
            }
            Mode::Quay => vec![RefuseScopeAction("delete"), PushGrantsDelete],
            Mode::GitLab => vec![DropScopeActions(vec!["delete", "*"]), PushGrantsDelete],
            Mode::Harbor => vec![MountAcrossProjectsRefused],
            Mode::Artifactory => vec![
                MissingManifestHeadForbidden,
                TagListExtras { extras: artifactory_extras() },
                OAuthPost { status: 401 },
            ],
            Mode::Nexus => {
                vec![OpenPing, TagListExtras { extras: vec![serde_json::Value::Null, serde_json::Value::Null] }]
            }
            Mode::Gcr => vec![ChallengeOnlyOnPing, NoManifestDigest, OAuthPost { status: 404 }],
            Mode::Many { blob_put_status } => vec![
                BlobPutStatus(blob_put_status),
                ManifestHeadNotAllowed,
                RelativeLocation,
                OnlyAccessToken,
                Warning(WARNING_TEXT.into()),
            ],
        }
    }
}

/// What Artifactory lists beside the tags: digests of manifests pushed by digest, and its
/// uploads folder.
fn artifactory_extras() -> Vec<serde_json::Value> {
    let digest = format!("sha256:{}", "5e".repeat(32));
    vec![digest.clone().into(), "_uploads".into(), format!("{digest}.json").into()]
}

/// `Basic BASE64(user:password)` for the registry's test user.
pub fn basic(registry: &Registry) -> String {
    let pair = format!("{}:{}", registry.username(), registry.password());
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
}

/// An emulated registry: a real registry and the front that makes it behave as `mode`.
pub struct Emulated {
    front: Front,
    pub registry: Registry,
    ca_pem: Option<PathBuf>,
    _identity: Option<TempDir>,
}

impl Emulated {
    /// Starts the registry `mode` needs and the emulation in front of it.
    #[track_caller]
    pub fn start(mode: Mode) -> Emulated {
        Emulated::over(Registry::start(mode.setup()), mode, Vec::new())
    }

    /// `mode` with `extra` behaviours after its own, in front of `registry`.
    #[track_caller]
    pub fn over(registry: Registry, mode: Mode, extra: Vec<Behaviour>) -> Emulated {
        assert_eq!(registry.is_tls(), mode.setup() == Setup::BasicTls, "{mode:?} needs {:?}", mode.setup());
        let mut rules = mode.behaviours();
        rules.extend(extra);
        let (server, ca_pem, identity) = match mode.front_tls() {
            FrontTls::None => (None, None, None),
            FrontTls::Registry => {
                let (certificate, key) = registry.server_identity();
                (Some(tls::server_config(&certificate, &key)), Some(registry.ca_pem().to_path_buf()), None)
            }
            FrontTls::Own => {
                let dir = tempfile::Builder::new().prefix("hoist-front").tempdir().expect("front TLS folder");
                let ca_pem = make_tls_files(dir.path()).ca_pem;
                let config = tls::server_config(&dir.path().join("server.crt"), &dir.path().join("server.key"));
                (Some(config), Some(ca_pem), Some(dir))
            }
        };
        let front = Front::start("127.0.0.1", rules, upstream(&registry), server);
        Emulated { front, registry, ca_pem, _identity: identity }
    }

    /// `127.0.0.1:PORT`, as in image references.
    pub fn addr(&self) -> &str {
        self.front.authority()
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        self.front.scheme()
    }

    /// The test user's name and password.
    pub fn credentials(&self) -> (&str, &str) {
        (self.registry.username(), self.registry.password())
    }

    /// The CA that signed the front's certificate (TLS fronts only).
    pub fn ca_pem(&self) -> Option<&Path> {
        self.ca_pem.as_deref()
    }

    /// Every exchange so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.front.exchanges()
    }

    /// How many manifest requests of `method` (`GET`, `HEAD`) arrived after the first `since`
    /// exchanges: Docker Hub counts the `GET`s against the pull limit.
    pub fn manifest_requests(&self, method: &str, since: usize) -> usize {
        let exchanges = self.exchanges();
        exchanges.iter().skip(since).filter(|exchange| exchange.method == method && exchange.is_manifest()).count()
    }
}

/// How a front reaches `registry` (and its token server).
fn upstream(registry: &Registry) -> Upstream {
    let tls = registry.is_tls().then(|| tls::client_config(registry.ca_pem()));
    let token = registry.token_server_if_any().map(|server| (server.addr().to_string(), server.realm()));
    Upstream { registry: registry.addr(), tls, token }
}

/// Another host (`127.0.0.2`) that takes uploads for a registry by their URL alone, as blob
/// storage behind a presigned URL does: it forwards to the registry with credentials of its
/// own and records what arrived, so that a test can tell whether a client's `Authorization`
/// followed an upload `Location` there.
pub struct UploadHost {
    front: Front,
}

impl UploadHost {
    /// Takes uploads to `repository` of `registry`.
    #[track_caller]
    pub fn start(registry: &Registry, repository: &str) -> UploadHost {
        let authorization = match registry.token_server_if_any() {
            Some(server) => {
                let scope = format!("repository:{repository}:pull,push");
                format!("Bearer {}", server.token(Some(registry.username()), &[scope.as_str()]))
            }
            None => basic(registry),
        };
        let rules = vec![Behaviour::Presigned { authorization }];
        UploadHost { front: Front::start("127.0.0.2", rules, upstream(registry), None) }
    }

    /// `127.0.0.2:PORT`.
    pub fn addr(&self) -> &str {
        self.front.authority()
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.front.exchanges()
    }
}
