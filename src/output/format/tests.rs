//! The formats against outputs docker 28's CLI printed for the same rows and documents.

use serde::Serialize;
use serde_json::json;

use super::shape::{IMAGE_INSPECT, IMAGE_ROW};
use super::{Format, Row, render_documents, render_rows};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Image {
    containers: &'static str,
    created_at: &'static str,
    created_since: &'static str,
    digest: &'static str,
    #[serde(rename = "ID")]
    id: &'static str,
    repository: &'static str,
    shared_size: &'static str,
    size: &'static str,
    size_bytes: u64,
    tag: &'static str,
    unique_size: &'static str,
    virtual_size: &'static str,
}

impl Row for Image {
    const SHAPE: &'static super::Shape = &IMAGE_ROW;
}

fn image(tag: &'static str) -> Image {
    Image {
        containers: "N/A",
        created_at: "2024-01-02 03:04:05 +0000 UTC",
        created_since: "2 years ago",
        digest: "<none>",
        id: "44e6732aa063",
        repository: "hoist-formats-probe/app",
        shared_size: "N/A",
        size: "6B",
        size_bytes: 6,
        tag,
        unique_size: "N/A",
        virtual_size: "6B",
    }
}

const DEFAULT: &str =
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";

fn rows(format: &str) -> String {
    let format = Format::listing(format).unwrap();
    let default = Format::listing(DEFAULT).unwrap();
    let Format::TableTemplate(default) = default else { panic!("a table") };
    render_rows(&[image("1"), image("latest")], &format, &default).unwrap_or_else(|error| format!("error: {error}"))
}

#[test]
fn parses_docker_forms() {
    assert_eq!(Format::listing("table").unwrap(), Format::Default);
    assert_eq!(Format::listing("").unwrap(), Format::Default);
    assert_eq!(Format::listing("json").unwrap(), Format::Json);
    assert_eq!(Format::listing(r" {{.ID}}\t{{.Tag}} ").unwrap(), Format::Template("{{.ID}}\t{{.Tag}}".into()));
    assert_eq!(Format::listing(r"table {{.ID}}\n").unwrap(), Format::TableTemplate("{{.ID}}\n".into()));
    assert_eq!(Format::inspect(r"{{.Id}}\t").unwrap(), Format::Template(r"{{.Id}}\t".into()));
    let error = Format::listing("{{.ID").unwrap_err().to_string();
    assert!(error.starts_with("template parsing error: template: "), "{error}");
    assert!(error.contains("unclosed action"), "{error}");
    assert!(Format::listing("{{nofunc .ID}}").unwrap_err().to_string().contains("nofunc"));
    for (source, reason) in [
        ("{{end}}", "template: :1: unexpected {{end}}"),
        ("{{if .ID}}x", "template: :1: unexpected EOF"),
        ("a\n{{range .X}}{{if .Y}}{{end}}", "template: :2: unexpected EOF"),
    ] {
        assert_eq!(Format::inspect(source).unwrap_err().to_string(), format!("template parsing error: {reason}"));
    }
    assert!(Format::inspect(r#"{{if .A}}{{"}}{{end"}}{{/* {{end}} */}}{{- end -}}"#).is_ok());
}

/// Outputs of `docker images hoist-formats-probe/app --format ...` for the same image.
#[test]
fn images_as_docker_prints_them() {
    let json_row = |tag: &str| {
        format!(
            r#"{{"Containers":"N/A","CreatedAt":"2024-01-02 03:04:05 +0000 UTC","CreatedSince":"2 years ago","Digest":"\u003cnone\u003e","ID":"44e6732aa063","Repository":"hoist-formats-probe/app","SharedSize":"N/A","Size":"6B","SizeBytes":6,"Tag":"{tag}","UniqueSize":"N/A","VirtualSize":"6B"}}"#
        )
    };
    let expected_json = format!("{}\n{}\n", json_row("1"), json_row("latest"));
    assert_eq!(rows("json"), expected_json);
    assert_eq!(rows("{{json .}}"), expected_json);
    assert_eq!(rows("{{.Repository}}:{{.Tag}}"), "hoist-formats-probe/app:1\nhoist-formats-probe/app:latest\n");
    assert_eq!(
        rows("table"),
        "REPOSITORY                TAG       IMAGE ID       CREATED       SIZE\n\
         hoist-formats-probe/app   1         44e6732aa063   2 years ago   6B\n\
         hoist-formats-probe/app   latest    44e6732aa063   2 years ago   6B\n"
    );
    assert_eq!(
        rows(
            r"table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.VirtualSize}}\t{{upper .Tag}}\t{{pad .Tag 1 2}}|\t{{json .Tag}}\t{{.CreatedAt}}\t{{.Containers}}\t{{.SharedSize}}\t{{.UniqueSize}}"
        ),
        "REPOSITORY                TAG       IMAGE ID       SIZE      TAG        TAG  |      TAG        CREATED AT                      CONTAINERS   SHARED SIZE   UNIQUE SIZE\n\
         hoist-formats-probe/app   1         44e6732aa063   6B        1          1  |        \"1\"        2024-01-02 03:04:05 +0000 UTC   N/A          N/A           N/A\n\
         hoist-formats-probe/app   latest    44e6732aa063   6B        LATEST     latest  |   \"latest\"   2024-01-02 03:04:05 +0000 UTC   N/A          N/A           N/A\n"
    );
    assert_eq!(
        rows("{{.Foo}}"),
        "error: template parsing error: can't evaluate field Foo in type *formatter.imageContext"
    );
    assert_eq!(rows("{{println .Tag}}"), "1\n\nlatest\n\n");
}

/// Outputs of `docker image inspect -f ...` for the same image.
#[test]
fn inspect_as_docker_prints_it() {
    let document = json!({
        "Id": "sha256:44e6",
        "RepoTags": ["hoist-formats-probe/app:1", "hoist-formats-probe/app:latest"],
        "RepoDigests": [],
        "Architecture": "amd64",
        "Os": "linux",
        "Size": 6,
        "Config": {
            "Env": ["PATH=/usr/bin", "FOO=bar baz"],
            "Cmd": ["/bin/sh"],
            "Labels": {"b.two": "2", "a.one": "1"},
            "WorkingDir": "/app",
            "ExposedPorts": {"80/tcp": {}},
            "Hostname": "",
        },
        "RootFS": {"Type": "layers", "Layers": ["sha256:5814"]},
        "Custom": "kept",
    });
    let render = |source: &str| {
        let rendered =
            render_documents(std::slice::from_ref(&document), &Format::inspect(source).unwrap(), &IMAGE_INSPECT);
        match rendered.errors.first() {
            Some(error) => format!("{}error: {error}", rendered.text),
            None => rendered.text,
        }
    };
    let cases = [
        ("{{.Config.Env}}", "[PATH=/usr/bin FOO=bar baz]\n"),
        ("{{json .Config.Labels}}", "{\"a.one\":\"1\",\"b.two\":\"2\"}\n"),
        ("{{.Config.Labels}}", "map[a.one:1 b.two:2]\n"),
        (
            "{{json .Config}}",
            "{\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"PATH=/usr/bin\",\"FOO=bar baz\"],\"Cmd\":[\"/bin/sh\"],\"WorkingDir\":\"/app\",\"Labels\":{\"a.one\":\"1\",\"b.two\":\"2\"}}\n",
        ),
        ("{{.Architecture}}/{{.Os}}", "amd64/linux\n"),
        ("{{range .RepoTags}}{{.}} {{end}}", "hoist-formats-probe/app:1 hoist-formats-probe/app:latest \n"),
        ("{{join .RepoTags \",\"}}", "hoist-formats-probe/app:1,hoist-formats-probe/app:latest\n"),
        ("{{truncate .Id 5}}", "sha25\n"),
        ("{{truncate .ID 5}}", "sha25\n"),
        (
            "{{json .}}",
            "{\"Id\":\"sha256:44e6\",\"RepoTags\":[\"hoist-formats-probe/app:1\",\"hoist-formats-probe/app:latest\"],\"RepoDigests\":[],\"Parent\":\"\",\"Comment\":\"\",\"DockerVersion\":\"\",\"Author\":\"\",\"Config\":{\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"PATH=/usr/bin\",\"FOO=bar baz\"],\"Cmd\":[\"/bin/sh\"],\"WorkingDir\":\"/app\",\"Labels\":{\"a.one\":\"1\",\"b.two\":\"2\"}},\"Architecture\":\"amd64\",\"Os\":\"linux\",\"Size\":6,\"GraphDriver\":{\"Data\":null,\"Name\":\"\"},\"RootFS\":{\"Type\":\"layers\",\"Layers\":[\"sha256:5814\"]},\"Metadata\":{\"LastTagTime\":\"\"}}\n",
        ),
        ("{{.RepoDigests}}", "[]\n"),
        ("{{.Size}}", "6\n"),
        ("{{json .RootFS}}", "{\"Type\":\"layers\",\"Layers\":[\"sha256:5814\"]}\n"),
        ("{{.Config.Entrypoint}}|{{json .Config.Entrypoint}}|{{.Config.Volumes}}", "[]|null|map[]\n"),
        ("{{index .Config.Labels \"a.one\"}}|{{index .Config.Labels \"none\"}}|", "1||\n"),
        ("{{.Comment}}|{{.Author}}|{{.Variant}}", "||\n"),
        ("{{.Custom}}", "kept\n"),
        ("{{.Foo}}", "\nerror: template parsing error: map has no entry for key \"Foo\""),
        ("{{index .RepoTags 5}}", "\nerror: template parsing error: error calling index: index out of range: 5"),
    ];
    for (source, expected) in cases {
        assert_eq!(render(source), expected, "{source}");
    }
    assert!(render("json").starts_with("[{\""), "compact JSON");
}
