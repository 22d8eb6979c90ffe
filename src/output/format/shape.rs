//! Docker's Go types, as far as templates can tell them apart: which fields a struct has, in
//! which order `json` writes them, which it leaves out when empty (`omitempty`), and the zero
//! value a field has when the JSON lacks it. docker's CLI decodes what the daemon sends into
//! these types before a template sees it (`image.InspectResponse` for `inspect`), and its
//! listing rows are Go structs with methods (`formatter.imageContext` for `images`); hoist's
//! rows and documents are shaped the same way here, so that `{{json .Config}}` or
//! `{{.Config.Entrypoint}}` print what docker prints. Sources: docker/cli v28.2.2,
//! `vendor/github.com/docker/docker/api/types/image/image_inspect.go`,
//! `vendor/github.com/moby/docker-image-spec/specs-go/v1/image.go`,
//! `vendor/github.com/opencontainers/image-spec/specs-go/v1/config.go`.

/// A Go struct type.
#[derive(Debug)]
pub(crate) struct Shape {
    /// Go's name for it in error messages (`*formatter.imageContext`).
    pub go_type: &'static str,
    pub fields: &'static [Field],
    /// Whether `json` escapes `<`, `>` and `&` (Go's `json.Marshal`, as a type's own
    /// `MarshalJSON` uses it) rather than writing them as they are (the `json` function's
    /// encoder, with `SetEscapeHTML(false)`).
    pub escape_html: bool,
}

/// One field of a struct: its Go name (what templates call it), its JSON name (what documents
/// and `json` call it: `ID` is `Id` in `image.InspectResponse`), what it holds, and whether
/// `json` leaves it out when empty.
#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub json: &'static str,
    pub kind: Kind,
    pub omit_empty: bool,
    /// The column header `table` templates show for it (docker's `SubHeaderContext`).
    pub header: Option<&'static str>,
}

/// What a field holds, which decides its zero value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// A string: zero `""`.
    Text,
    /// An integer: zero `0`.
    Integer,
    /// A boolean: zero `false`.
    Boolean,
    /// A slice: zero is Go's nil slice (prints `[]`, `json` writes `null`).
    List,
    /// A map: zero is Go's nil map (prints `map[]`, `json` writes `null`).
    Map,
    /// A struct held by value: zero is the struct with every field zero.
    Struct(&'static Shape),
    /// A pointer to a struct: zero is nil.
    Pointer(&'static Shape),
    /// Anything the JSON holds, as it is.
    Any,
}

const fn field(name: &'static str, kind: Kind) -> Field {
    Field { name, json: name, kind, omit_empty: false, header: None }
}

const fn omit(name: &'static str, kind: Kind) -> Field {
    Field { name, json: name, kind, omit_empty: true, header: None }
}

/// A field whose JSON name is not its Go name.
const fn renamed(name: &'static str, json: &'static str, kind: Kind, omit_empty: bool) -> Field {
    Field { name, json, kind, omit_empty, header: None }
}

const fn column(name: &'static str, header: &'static str) -> Field {
    Field { name, json: name, kind: Kind::Text, omit_empty: false, header: Some(header) }
}

/// A row of `docker images` (`formatter.imageContext`): every field a string, `json` in the
/// order of Go's sorted map, HTML characters escaped. `SizeBytes` is hoist's own (SPEC §2).
pub(crate) static IMAGE_ROW: Shape = Shape {
    go_type: "*formatter.imageContext",
    fields: &[
        column("Containers", "CONTAINERS"),
        column("CreatedAt", "CREATED AT"),
        column("CreatedSince", "CREATED"),
        column("Digest", "DIGEST"),
        column("ID", "IMAGE ID"),
        column("Repository", "REPOSITORY"),
        column("SharedSize", "SHARED SIZE"),
        column("Size", "SIZE"),
        Field {
            name: "SizeBytes",
            json: "SizeBytes",
            kind: Kind::Integer,
            omit_empty: false,
            header: Some("SIZE BYTES"),
        },
        column("Tag", "TAG"),
        column("UniqueSize", "UNIQUE SIZE"),
        column("VirtualSize", "SIZE"),
    ],
    escape_html: true,
};

/// A row of `docker search` (`registry.searchContext`): every field a string, `json` in the
/// order of Go's sorted map, HTML characters escaped.
pub(crate) static SEARCH_ROW: Shape = Shape {
    go_type: "*registry.searchContext",
    fields: &[
        column("Description", "DESCRIPTION"),
        column("IsOfficial", "OFFICIAL"),
        column("Name", "NAME"),
        column("StarCount", "STARS"),
    ],
    escape_html: true,
};

/// `image.InspectResponse`, what `docker image inspect` templates run over.
pub(crate) static IMAGE_INSPECT: Shape = Shape {
    go_type: "image.InspectResponse",
    fields: &[
        renamed("ID", "Id", Kind::Text, false),
        field("RepoTags", Kind::List),
        field("RepoDigests", Kind::List),
        field("Parent", Kind::Text),
        field("Comment", Kind::Text),
        omit("Created", Kind::Text),
        omit("Container", Kind::Text),
        omit("ContainerConfig", Kind::Any),
        field("DockerVersion", Kind::Text),
        field("Author", Kind::Text),
        field("Config", Kind::Pointer(&IMAGE_CONFIG)),
        field("Architecture", Kind::Text),
        omit("Variant", Kind::Text),
        field("Os", Kind::Text),
        omit("OsVersion", Kind::Text),
        field("Size", Kind::Integer),
        omit("VirtualSize", Kind::Integer),
        field("GraphDriver", Kind::Struct(&GRAPH_DRIVER)),
        field("RootFS", Kind::Struct(&ROOT_FS)),
        field("Metadata", Kind::Struct(&METADATA)),
        omit("Descriptor", Kind::Pointer(&DESCRIPTOR)),
        omit("Manifests", Kind::List),
    ],
    escape_html: false,
};

/// `dockerspec.DockerOCIImageConfig`: the OCI image config plus docker's extensions.
pub(crate) static IMAGE_CONFIG: Shape = Shape {
    go_type: "v1.DockerOCIImageConfig",
    fields: &[
        omit("User", Kind::Text),
        omit("ExposedPorts", Kind::Map),
        omit("Env", Kind::List),
        omit("Entrypoint", Kind::List),
        omit("Cmd", Kind::List),
        omit("Volumes", Kind::Map),
        omit("WorkingDir", Kind::Text),
        omit("Labels", Kind::Map),
        omit("StopSignal", Kind::Text),
        omit("ArgsEscaped", Kind::Boolean),
        omit("Healthcheck", Kind::Pointer(&HEALTHCHECK)),
        omit("OnBuild", Kind::List),
        omit("Shell", Kind::List),
    ],
    escape_html: false,
};

/// `dockerspec.HealthcheckConfig` (durations in nanoseconds).
pub(crate) static HEALTHCHECK: Shape = Shape {
    go_type: "v1.HealthcheckConfig",
    fields: &[
        omit("Test", Kind::List),
        omit("Interval", Kind::Integer),
        omit("Timeout", Kind::Integer),
        omit("StartPeriod", Kind::Integer),
        omit("StartInterval", Kind::Integer),
        omit("Retries", Kind::Integer),
    ],
    escape_html: false,
};

/// `storage.DriverData`.
pub(crate) static GRAPH_DRIVER: Shape = Shape {
    go_type: "storage.DriverData",
    fields: &[field("Data", Kind::Map), field("Name", Kind::Text)],
    escape_html: false,
};

/// `image.RootFS`.
pub(crate) static ROOT_FS: Shape = Shape {
    go_type: "image.RootFS",
    fields: &[omit("Type", Kind::Text), omit("Layers", Kind::List)],
    escape_html: false,
};

/// `image.Metadata`.
pub(crate) static METADATA: Shape =
    Shape { go_type: "image.Metadata", fields: &[field("LastTagTime", Kind::Text)], escape_html: false };

/// `ocispec.Descriptor`.
pub(crate) static DESCRIPTOR: Shape = Shape {
    go_type: "v1.Descriptor",
    fields: &[
        renamed("MediaType", "mediaType", Kind::Text, false),
        renamed("Digest", "digest", Kind::Text, false),
        renamed("Size", "size", Kind::Integer, false),
        renamed("URLs", "urls", Kind::List, true),
        renamed("Annotations", "annotations", Kind::Map, true),
        renamed("Data", "data", Kind::Text, true),
        renamed("Platform", "platform", Kind::Any, true),
        renamed("ArtifactType", "artifactType", Kind::Text, true),
    ],
    escape_html: false,
};

/// Every shape, for `json` to recognise a struct by its set of fields.
pub(crate) static ALL: &[&Shape] = &[
    &IMAGE_ROW,
    &SEARCH_ROW,
    &IMAGE_INSPECT,
    &IMAGE_CONFIG,
    &HEALTHCHECK,
    &GRAPH_DRIVER,
    &ROOT_FS,
    &METADATA,
    &DESCRIPTOR,
    &VERSION_INFO,
    &CLIENT_VERSION,
];

impl Shape {
    /// The Go field names, sorted as a map's keys are: how `json` recognises the struct.
    pub(crate) fn key(&self) -> String {
        let mut names: Vec<&str> = self.fields.iter().map(|field| field.name).collect();
        names.sort_unstable();
        names.join("\0")
    }
}

/// A row of `docker history` (`formatter.historyContext`).
pub(crate) static HISTORY_ROW: Shape = Shape {
    go_type: "*formatter.historyContext",
    fields: &[
        column("Comment", "COMMENT"),
        column("CreatedAt", "CREATED AT"),
        column("CreatedBy", "CREATED BY"),
        column("CreatedSince", "CREATED"),
        column("ID", "IMAGE"),
        column("Size", "SIZE"),
    ],
    escape_html: true,
};

/// A row of `docker system df` (`formatter.diskUsageImagesContext` and its siblings).
pub(crate) static DISK_USAGE_ROW: Shape = Shape {
    go_type: "*formatter.diskUsageImagesContext",
    fields: &[
        column("Active", "ACTIVE"),
        column("Reclaimable", "RECLAIMABLE"),
        column("Size", "SIZE"),
        column("TotalCount", "TOTAL"),
        column("Type", "TYPE"),
    ],
    escape_html: true,
};

/// docker's `versionInfo` (cli/command/system/version.go), what `version --format` runs over.
/// hoist has no daemon: `Server` is nil.
pub(crate) static VERSION_INFO: Shape = Shape {
    go_type: "system.versionInfo",
    fields: &[field("Client", Kind::Pointer(&CLIENT_VERSION)), field("Server", Kind::Any)],
    escape_html: false,
};

/// docker's `clientVersion`, with `RustVersion` (hoist's own) beside Go's.
static CLIENT_VERSION: Shape = Shape {
    go_type: "system.clientVersion",
    fields: &[
        omit("Platform", Kind::Any),
        field("Version", Kind::Text),
        renamed("APIVersion", "ApiVersion", Kind::Text, false),
        omit("DefaultAPIVersion", Kind::Text),
        field("GitCommit", Kind::Text),
        field("GoVersion", Kind::Text),
        field("RustVersion", Kind::Text),
        field("Os", Kind::Text),
        field("Arch", Kind::Text),
        omit("BuildTime", Kind::Text),
        field("Context", Kind::Text),
    ],
    escape_html: false,
};
