//! The completion scripts: clap_complete's for bash, zsh and fish, each followed by a wrapper
//! that offers local image names (`hoist __complete images`) where the CLI takes a local image.

use clap::Command;
use clap_complete::Shell;

/// The value names of arguments that are local images: names and IDs, or names only (push
/// sends a name).
const IMAGES_AND_IDS: [&str; 2] = ["IMAGE", "SOURCE_IMAGE"];
const IMAGE_NAMES: [&str; 1] = ["NAME[:TAG]"];

/// What the wrappers need to know of the CLI.
struct Images {
    /// Subcommands (and their aliases) whose positional arguments are local images, with IDs.
    with_ids: Vec<String>,
    /// Those whose positional arguments are local image names only.
    names: Vec<String>,
    /// Commands that group others (`image`): the word after them names the command.
    groups: Vec<String>,
    /// The grouped commands that take images, with IDs or names only: `image rm`.
    grouped: Vec<(String, String, &'static str)>,
    /// Options that take a value (whose next word is not an image).
    value_options: Vec<String>,
}

pub(crate) fn scripts(mut command: Command) -> Vec<(String, Vec<u8>)> {
    command.build();
    let images = Images::of(&command);
    let mut files = Vec::new();
    for (shell, name) in [(Shell::Bash, "hoist.bash"), (Shell::Zsh, "_hoist"), (Shell::Fish, "hoist.fish")] {
        let mut content = Vec::new();
        clap_complete::generate(shell, &mut command.clone(), "hoist", &mut content);
        let text = String::from_utf8(content).expect("clap_complete writes UTF-8");
        let text = match shell {
            Shell::Bash => images.bash(&text),
            Shell::Zsh => images.zsh(&text),
            _ => images.fish(&text),
        };
        files.push((format!("completions/{name}"), text.into_bytes()));
    }
    files
}

impl Images {
    fn of(command: &Command) -> Images {
        let mut images = Images {
            with_ids: Vec::new(),
            names: Vec::new(),
            groups: Vec::new(),
            grouped: Vec::new(),
            value_options: Vec::new(),
        };
        for group in command.get_subcommands().filter(|sub| sub.get_name() == "image") {
            images.groups.push(group.get_name().to_string());
            let inner = Images::of(group);
            for (commands, flags) in [(&inner.with_ids, " --ids"), (&inner.names, "")] {
                for name in commands {
                    images.grouped.push((group.get_name().to_string(), name.clone(), flags));
                }
            }
            for name in inner.with_ids {
                if !images.with_ids.contains(&name) {
                    images.with_ids.push(name);
                }
            }
            for name in inner.names {
                if !images.names.contains(&name) {
                    images.names.push(name);
                }
            }
        }
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            let takes = |names: &[&str]| {
                sub.get_positionals().any(|arg| {
                    arg.get_value_names().is_some_and(|value| value.iter().any(|v| names.contains(&v.as_str())))
                })
            };
            let called: Vec<String> =
                std::iter::once(sub.get_name()).chain(sub.get_visible_aliases()).map(str::to_string).collect();
            if takes(&IMAGES_AND_IDS) {
                images.with_ids.extend(called);
            } else if takes(&IMAGE_NAMES) {
                images.names.extend(called);
            }
            images.value_options.extend(value_options(sub));
        }
        images.value_options.extend(value_options(command));
        images.value_options.sort();
        images.value_options.dedup();
        images
    }

    /// bash: `_hoist_complete` offers images where they go, and clap's `_hoist` elsewhere.
    fn bash(&self, generated: &str) -> String {
        // The `complete` lines at the end (clap's `_hoist` itself tests BASH_VERSINFO too).
        let at = generated.rfind("if [[ \"${BASH_VERSINFO").expect("bash's complete lines");
        let (head, tail) = generated.split_at(at);
        let wrapper = BASH_WRAPPER
            .replace("@VALUE_OPTIONS@", &self.value_options.join("|"))
            .replace("@WITH_IDS@", &self.with_ids.join("|"))
            .replace("@NAMES@", &self.names.join("|"))
            .replace("@GROUPS@", &self.groups.join("|"));
        format!("{head}{wrapper}\n{}", tail.replace("complete -F _hoist ", "complete -F _hoist_complete "))
    }

    /// zsh: the same wrapper; `compdef` names it instead of clap's `_hoist`.
    fn zsh(&self, generated: &str) -> String {
        let (head, tail) =
            generated.split_at(generated.find("if [ \"$funcstack[1]\" = \"_hoist\" ]").expect("zsh's end"));
        let wrapper = ZSH_WRAPPER
            .replace("@VALUE_OPTIONS@", &self.value_options.join("|"))
            .replace("@WITH_IDS@", &self.with_ids.join("|"))
            .replace("@NAMES@", &self.names.join("|"))
            .replace("@GROUPS@", &self.groups.join("|"));
        let tail = tail
            .replace("= \"_hoist\" ]", "= \"_hoist_complete\" ]")
            .replace("_hoist \"$@\"", "_hoist_complete \"$@\"");
        format!("{head}{wrapper}\n{}", tail.replace("compdef _hoist hoist", "compdef _hoist_complete hoist"))
    }

    /// fish: one more `complete` line per command that takes images.
    fn fish(&self, generated: &str) -> String {
        let mut text = generated.to_string();
        text.push_str("\n# Local images, from the store: `hoist __complete images`.\n");
        for (commands, flags) in [(&self.with_ids, " --ids"), (&self.names, "")] {
            for command in commands {
                text.push_str(&format!(
                    "complete -c hoist -n \"__fish_hoist_using_subcommand {command}\" -f -a \"(hoist __complete images{flags} 2>/dev/null)\"\n"
                ));
            }
        }
        for (group, command, flags) in &self.grouped {
            text.push_str(&format!(
                "complete -c hoist -n \"__fish_hoist_using_subcommand {group}; and __fish_seen_subcommand_from {command}\" -f -a \"(hoist __complete images{flags} 2>/dev/null)\"\n"
            ));
        }
        text
    }
}

/// `--platform`, `-o`, `--output`...: the options of `command` that take a value.
fn value_options(command: &Command) -> Vec<String> {
    let mut found = Vec::new();
    for arg in command.get_opts() {
        found.extend(arg.get_long().map(|long| format!("--{long}")));
        found.extend(arg.get_short().map(|short| format!("-{short}")));
    }
    found
}

const BASH_WRAPPER: &str = r#"# Local image names (and IDs) where the command takes a local image: what
# `hoist __complete images` lists from the store (--root as typed, else HOIST_ROOT or the default).
_hoist_local_images() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" word command="" i
    local -a root=()
    [[ ${cur} == -* ]] && return 1
    case "${prev}" in
        @VALUE_OPTIONS@) return 1 ;;
    esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "${word}" in
            --root) root=(--root "${COMP_WORDS[i+1]}"); ((i++)) ;;
            @VALUE_OPTIONS@) ((i++)) ;;
            -*|@GROUPS@) ;;
            *) command="${word}"; break ;;
        esac
    done
    local -a what
    case "${command}" in
        @WITH_IDS@) what=(images --ids) ;;
        @NAMES@) what=(images) ;;
        *) return 1 ;;
    esac
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n : cur
    fi
    local IFS=$'\n'
    COMPREPLY=( $(compgen -W "$(hoist "${root[@]}" __complete "${what[@]}" 2>/dev/null)" -- "${cur}") )
    if declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "${cur}"
    fi
    return 0
}

_hoist_complete() {
    _hoist_local_images || _hoist "$@"
}
"#;

const ZSH_WRAPPER: &str = r#"# Local image names (and IDs) where the command takes a local image: what
# `hoist __complete images` lists from the store (--root as typed, else HOIST_ROOT or the default).
_hoist_local_images() {
    local word command="" i
    local -a root what images
    [[ ${words[CURRENT]} == -* ]] && return 1
    case ${words[CURRENT-1]} in
        (@VALUE_OPTIONS@) return 1 ;;
    esac
    for ((i = 2; i < CURRENT; i++)); do
        word=${words[i]}
        case ${word} in
            (--root) root=(--root ${words[i+1]}); ((i++)) ;;
            (@VALUE_OPTIONS@) ((i++)) ;;
            (-*|@GROUPS@) ;;
            (*) command=${word}; break ;;
        esac
    done
    case ${command} in
        (@WITH_IDS@) what=(images --ids) ;;
        (@NAMES@) what=(images) ;;
        (*) return 1 ;;
    esac
    images=(${(f)"$(hoist ${root[@]} __complete ${what[@]} 2>/dev/null)"})
    compadd -a images
}

_hoist_complete() {
    _hoist_local_images || _hoist "$@"
}
"#;
