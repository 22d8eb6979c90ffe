//! What pull, push and copy show while they work, from the one reporter the operations tell
//! (`ops::report`): docker's lines on a pipe, an indicatif bar per layer on a terminal, nothing
//! with `-q`. Layers only, as docker shows them; the words depend on the direction.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::line;
use crate::digest::Digest;
use crate::ops::report::{Blob, Event, Outcome, Reporter, Silent};

/// Which way the bytes go: the words of docker's lines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Pull,
    Push,
}

impl Direction {
    fn moving(self) -> &'static str {
        match self {
            Direction::Pull => "Downloading",
            Direction::Push => "Pushing",
        }
    }

    fn outcome(self, outcome: &Outcome) -> String {
        match (self, outcome) {
            (_, Outcome::Downloaded) => "Pull complete".into(),
            (_, Outcome::Uploaded) => "Pushed".into(),
            (Direction::Pull, Outcome::AlreadyThere) => "Already exists".into(),
            (Direction::Push, Outcome::AlreadyThere) => "Layer already exists".into(),
            (_, Outcome::Mounted(from)) => format!("Mounted from {from}"),
        }
    }
}

/// The reporter for a command's output: bars on a terminal, lines on a pipe, nothing with `-q`.
pub(crate) fn reporter(direction: Direction, quiet: bool) -> Arc<dyn Reporter> {
    if quiet {
        Arc::new(Silent)
    } else if std::io::stdout().is_terminal() {
        Arc::new(Bars { direction, multi: MultiProgress::new(), bars: Mutex::default() })
    } else {
        Arc::new(Lines { direction })
    }
}

fn warn_damaged(digest: &Digest, damage: &str) {
    super::status(&format!("WARNING: blob {digest} in the store is damaged ({damage}); fetching it again"));
}

/// Plain lines, as docker prints them when its output is not a terminal.
struct Lines {
    direction: Direction,
}

impl Reporter for Lines {
    fn pulling(&self, tag: &str, repository: &str) {
        let _ = line(&format!("{tag}: Pulling from {repository}"));
    }

    fn blob(&self, blob: &Blob, event: Event) {
        let short = blob.digest.short();
        match event {
            Event::Damaged(damage) => warn_damaged(&blob.digest, &damage),
            _ if !blob.is_layer() => {}
            Event::Waiting => {
                let _ = line(&format!("{short}: Preparing"));
            }
            Event::Done(outcome) => {
                let _ = line(&format!("{short}: {}", self.direction.outcome(&outcome)));
            }
            Event::Started | Event::Progress(_) => {}
        }
    }
}

/// A bar per layer with bytes and speed.
struct Bars {
    direction: Direction,
    multi: MultiProgress,
    bars: Mutex<HashMap<Digest, ProgressBar>>,
}

impl Reporter for Bars {
    fn pulling(&self, tag: &str, repository: &str) {
        let _ = self.multi.println(super::escape(&format!("{tag}: Pulling from {repository}")));
        self.multi.set_draw_target(ProgressDrawTarget::stdout());
    }

    fn blob(&self, blob: &Blob, event: Event) {
        match event {
            Event::Damaged(damage) => self.multi.suspend(|| warn_damaged(&blob.digest, &damage)),
            _ if !blob.is_layer() => {}
            Event::Waiting => {
                self.bar(blob, Some("Preparing"));
            }
            Event::Started => self.moving(blob, 0),
            Event::Progress(done) => self.moving(blob, done),
            Event::Done(outcome) => self.finish(blob, self.direction.outcome(&outcome)),
        }
    }
}

impl Bars {
    /// The layer's bar, made on first use, with `message` in place of a bar for now.
    fn bar(&self, blob: &Blob, message: Option<&'static str>) -> ProgressBar {
        let mut bars = self.bars.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        bars.entry(blob.digest.clone())
            .or_insert_with(|| {
                let bar = self.multi.add(ProgressBar::new(blob.size));
                bar.set_style(text_style());
                bar.set_prefix(blob.digest.short().to_string());
                bar.set_message(message.unwrap_or_default());
                bar
            })
            .clone()
    }

    fn moving(&self, blob: &Blob, done: u64) {
        let bar = self.bar(blob, None);
        if bar.message() != self.direction.moving() {
            let template = "{prefix}: {msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}";
            let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_length(blob.size);
            bar.set_message(self.direction.moving());
        }
        bar.set_position(done);
    }

    fn finish(&self, blob: &Blob, message: String) {
        let bar = self.bar(blob, None);
        bar.set_style(text_style());
        bar.finish_with_message(super::escape(&message).into_owned());
    }
}

fn text_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar())
}
