//! What pull, push and copy show while they work, from the one reporter the operations tell
//! (`ops::report`): docker's lines on a pipe, an indicatif bar per layer on a terminal, nothing
//! with `-q`. Layers only, as docker shows them; the words depend on the direction.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

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

/// What a layer waits for when another process is downloading it into the same store.
const WAITING_FOR_OTHER: &str = "Waiting for another hoist process to download it";

/// A layer whose bytes stopped coming.
fn stalled(waited: std::time::Duration) -> String {
    format!("Waiting for the registry: no data for {}", crate::registry::human_duration(waited))
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
            Event::Retrying { wait, .. } => {
                let _ = line(&format!("{short}: {}", super::retrying_in(wait)));
            }
            Event::WaitingForOther => {
                let _ = line(&format!("{short}: {WAITING_FOR_OTHER}"));
            }
            Event::Stalled(waited) => {
                let _ = line(&format!("{short}: {}", stalled(waited)));
            }
            Event::Progress(_) | Event::Resumed(_) => {}
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
            Event::Progress(done) => self.moving(blob, done, false),
            Event::Resumed(done) => self.moving(blob, done, true),
            Event::Retrying { wait, .. } => self.say(blob, super::retrying_in(wait)),
            Event::WaitingForOther => self.say(blob, WAITING_FOR_OTHER.to_string()),
            Event::Stalled(waited) => self.say(blob, stalled(waited)),
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

    /// The layer's bar at `done` bytes. Its rate counts from where this run's bytes started
    /// moving (`resumed`: from here), so bytes already on disk do not count as speed.
    fn moving(&self, blob: &Blob, done: u64, resumed: bool) {
        let bar = self.bar(blob, None);
        if resumed || bar.message() != self.direction.moving() {
            bar.set_style(moving_style(done));
            bar.set_length(blob.size);
            bar.set_message(self.direction.moving());
            bar.reset_elapsed();
        }
        bar.set_position(done);
    }

    /// Words in place of the layer's bar until its bytes move again.
    fn say(&self, blob: &Blob, message: String) {
        let bar = self.bar(blob, None);
        bar.set_style(text_style());
        bar.set_message(message);
    }

    fn finish(&self, blob: &Blob, message: String) {
        let bar = self.bar(blob, None);
        bar.set_style(text_style());
        bar.finish_with_message(super::escape(&message).into_owned());
    }
}

/// A bar with bytes and the rate of the bytes moved since `start` (indicatif's own rate would
/// count a resumed download's first jump as speed).
fn moving_style(start: u64) -> ProgressStyle {
    let template = "{prefix}: {msg} [{bar:40}] {bytes}/{total_bytes} {rate}";
    let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
    style.progress_chars("=> ").with_key("rate", move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
        // Over at least a second: the first piece to arrive is not a burst of speed.
        let seconds = state.elapsed().as_secs_f64().max(1.0);
        let rate = state.pos().saturating_sub(start) as f64 / seconds;
        let _ = write!(out, "{}/s", HumanBytes(rate as u64));
    })
}

fn text_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar())
}
