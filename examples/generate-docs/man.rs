//! The man pages: `hoist(1)` and one page per command (`hoist-push(1)`, `hoist-system-check(1)`),
//! clap_mangen's sections plus EXAMPLES, ENVIRONMENT, FILES, EXIT STATUS and SEE ALSO.

use clap::Command;

/// Every page: `man/NAME.1` and its content.
pub(crate) fn pages(command: Command) -> Vec<(String, Vec<u8>)> {
    // The pages document the commands, not clap's `help` subcommand (there is no hoist-help(1)).
    let mut command = without_help_subcommand(command);
    command.build();
    let version = command.get_version().unwrap_or_default().to_string();
    let mut files = vec![("man/hoist.1".to_string(), page(&command, &[]))];
    pages_of(&command, "hoist", &version, &mut files);
    files
}

fn without_help_subcommand(command: Command) -> Command {
    let names: Vec<String> = command.get_subcommands().map(|sub| sub.get_name().to_string()).collect();
    names.iter().fold(command.disable_help_subcommand(true), |command, name| {
        command.mut_subcommand(name, without_help_subcommand)
    })
}

/// A page per visible subcommand, and per subcommand of those, as docker's are.
fn pages_of(command: &Command, prefix: &str, version: &str, files: &mut Vec<(String, Vec<u8>)>) {
    let parent = command.get_display_name().unwrap_or("hoist").to_string();
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = format!("{prefix}-{}", sub.get_name());
        let bin = format!("{} {}", prefix.replace('-', " "), sub.get_name());
        let page_command = sub.clone().display_name(name.clone()).bin_name(bin).version(version.to_string());
        files.push((format!("man/{name}.1"), page(&page_command, &[parent.as_str()])));
        pages_of(&page_command, &name, version, files);
    }
}

/// One page: clap_mangen's sections, the command's `after_help` split into a DESCRIPTION note
/// and EXAMPLES, then the sections every page has.
fn page(command: &Command, parents: &[&str]) -> Vec<u8> {
    let after = command.get_after_help().map(ToString::to_string).unwrap_or_default();
    let (note, examples) = after.split_once("Examples:\n").unwrap_or((after.as_str(), ""));
    let mut command = command.clone().after_help(None::<&str>);
    if !note.trim().is_empty() {
        let about = command.get_about().map(ToString::to_string).unwrap_or_default();
        let long = command.get_long_about().map_or(about, ToString::to_string);
        command = command.long_about(format!("{long}\n\n{}", note.trim()));
    }
    let mut content = Vec::new();
    // Rendering into a Vec cannot fail.
    let source = format!("hoist {}", command.get_version().unwrap_or_default());
    let _ = clap_mangen::Man::new(command.clone()).source(source).render(&mut content);
    let mut roff = String::from_utf8(content).expect("clap_mangen writes UTF-8");
    roff.push_str(&examples_section(examples));
    roff.push_str(COMMON_SECTIONS);
    roff.push_str(&see_also(&command, parents));
    roff.into_bytes()
}

/// `$ command` lines as literal displays, `# comment` lines as the text before them.
fn examples_section(examples: &str) -> String {
    if examples.trim().is_empty() {
        return String::new();
    }
    let mut text = String::from(".SH EXAMPLES\n");
    for line in examples.lines().map(str::trim).filter(|line| !line.is_empty()) {
        match (line.strip_prefix("$ "), line.strip_prefix("# ")) {
            (Some(command), _) => text.push_str(&format!(".PP\n.nf\n.RS 4\n{}\n.RE\n.fi\n", escape(command))),
            (None, Some(comment)) => text.push_str(&format!(".PP\n{}\n", escape(comment))),
            (None, None) => text.push_str(&format!("{}\n", escape(line))),
        }
    }
    text
}

fn see_also(command: &Command, parents: &[&str]) -> String {
    let name = command.get_display_name().unwrap_or("hoist");
    let mut pages: Vec<String> = parents.iter().map(|parent| format!("{parent}(1)")).collect();
    pages.extend(
        command.get_subcommands().filter(|sub| !sub.is_hide_set()).map(|sub| format!("{name}-{}(1)", sub.get_name())),
    );
    pages.push("docker(1)".to_string());
    format!(".SH \"SEE ALSO\"\n{}\n", escape(&pages.join(", ")))
}

/// Text as roff reads it: backslashes and hyphens escaped, no line taken for a request.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with('.') || text.starts_with('\'') { format!("\\&{text}") } else { text }
}

const COMMON_SECTIONS: &str = r#".SH ENVIRONMENT
.TP
\fBHOIST_ROOT\fR
The local image store, as \fB\-\-root\fR.
.TP
\fBHOIST_CONFIG\fR
The configuration folder, as \fB\-\-config\fR.
.TP
\fBXDG_DATA_HOME\fR, \fBXDG_CONFIG_HOME\fR
Where the default store and configuration folder are (\fI~/.local/share\fR and \fI~/.config\fR when unset).
.TP
\fBDOCKER_CONFIG\fR
The folder of Docker's \fIconfig.json\fR (default \fI~/.docker\fR), whose credentials and credential helpers hoist uses too.
.TP
\fBREGISTRY_AUTH_FILE\fR
podman's \fIauth.json\fR, whose credentials hoist uses too.
.TP
\fBDBUS_SESSION_BUS_ADDRESS\fR
The session bus of the Secret Service (the OS keyring on Linux), where \fBlogin\fR keeps credentials.
.SH FILES
.TP
\fI$XDG_CONFIG_HOME/hoist/config.toml\fR
\fBinsecure\-registries\fR, \fBregistry\-mirrors\fR, \fBmax\-concurrent\-downloads\fR, \fBmax\-concurrent\-uploads\fR. A bad file is an error that names the line.
.TP
\fI$XDG_CONFIG_HOME/hoist/auth.json\fR
Credentials, mode 0600, only where no OS keyring answers \fBlogin\fR.
.TP
\fI$XDG_CONFIG_HOME/hoist/certs.d/HOST:PORT/\fR, \fI/etc/docker/certs.d/HOST:PORT/\fR
A registry's CA certificates (\fI*.crt\fR) and client certificate (\fINAME.cert\fR with \fINAME.key\fR), as Docker reads them.
.TP
\fI/etc/docker/daemon.json\fR
Docker's \fBinsecure\-registries\fR and \fBregistry\-mirrors\fR, used after \fIconfig.toml\fR's.
.TP
\fI$XDG_DATA_HOME/hoist/\fR
The image store: an OCI image layout (\fIoci\-layout\fR, \fIindex.json\fR, \fIblobs/sha256/\fR) that other OCI tools read too. Partial downloads wait in \fIingest/\fR to be resumed.
.SH "EXIT STATUS"
.TP
\fB0\fR
Success.
.TP
\fB1\fR
Failure: the error and its causes are on standard error.
.TP
\fB2\fR
Usage error: a wrong option, argument or template.
"#;
