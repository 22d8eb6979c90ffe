//! What `pull` shows while it works: Docker's lines on a pipe, indicatif bars per layer on a
//! terminal, nothing with `-q`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::line;
use crate::digest::Digest;
use crate::image::pull::PullReporter;
use crate::image::push::PushReporter;

pub fn pull_reporter(quiet: bool) -> Arc<dyn PullReporter> {
    if quiet {
        Arc::new(Quiet)
    } else if std::io::stdout().is_terminal() {
        Arc::new(Bars::default())
    } else {
        Arc::new(Lines)
    }
}

struct Quiet;

impl PullReporter for Quiet {
    fn pulling(&self, _: &str, _: &str) {}
    fn layer_exists(&self, _: &Digest) {}
    fn layer_started(&self, _: &Digest, _: u64) {}
    fn layer_progress(&self, _: &Digest, _: u64) {}
    fn layer_done(&self, _: &Digest) {}
}

/// Plain lines, as docker prints them when its output is not a terminal.
struct Lines;

impl PullReporter for Lines {
    fn pulling(&self, tag: &str, repository: &str) {
        let _ = line(&format!("{tag}: Pulling from {repository}"));
    }
    fn layer_exists(&self, digest: &Digest) {
        let _ = line(&format!("{}: Already exists", digest.short()));
    }
    fn layer_started(&self, _: &Digest, _: u64) {}
    fn layer_progress(&self, _: &Digest, _: u64) {}
    fn layer_done(&self, digest: &Digest) {
        let _ = line(&format!("{}: Pull complete", digest.short()));
    }
    fn damaged(&self, digest: &Digest, damage: &str) {
        warn_damaged(digest, damage);
    }
}

fn warn_damaged(digest: &Digest, damage: &str) {
    super::status(&format!("WARNING: blob {digest} in the store is damaged ({damage}); fetching it again"));
}

/// A bar per layer with bytes and speed.
#[derive(Default)]
struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<Digest, ProgressBar>>,
}

impl Bars {
    fn bar(&self, digest: &Digest) -> Option<ProgressBar> {
        self.bars.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(digest).cloned()
    }

    fn finished(&self, digest: &Digest, message: &'static str) {
        let bar = self.multi.add(ProgressBar::new(0));
        bar.set_style(ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.set_prefix(digest.short().to_string());
        bar.finish_with_message(message);
    }
}

impl PullReporter for Bars {
    fn pulling(&self, tag: &str, repository: &str) {
        let _ = self.multi.println(super::escape(&format!("{tag}: Pulling from {repository}")));
        self.multi.set_draw_target(ProgressDrawTarget::stdout());
    }
    fn layer_exists(&self, digest: &Digest) {
        self.finished(digest, "Already exists");
    }
    fn layer_started(&self, digest: &Digest, size: u64) {
        let bar = self.multi.add(ProgressBar::new(size));
        let template = "{prefix}: Downloading [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}";
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(digest.short().to_string());
        self.bars.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(digest.clone(), bar);
    }
    fn layer_progress(&self, digest: &Digest, done: u64) {
        if let Some(bar) = self.bar(digest) {
            bar.set_position(done);
        }
    }
    fn layer_done(&self, digest: &Digest) {
        if let Some(bar) = self.bar(digest) {
            bar.set_style(
                ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.finish_with_message("Pull complete");
        }
    }
    fn damaged(&self, digest: &Digest, damage: &str) {
        self.multi.suspend(|| warn_damaged(digest, damage));
    }
}

pub fn push_reporter(quiet: bool) -> Arc<dyn PushReporter> {
    if quiet {
        Arc::new(Quiet)
    } else if std::io::stdout().is_terminal() {
        Arc::new(Bars::default())
    } else {
        Arc::new(Lines)
    }
}

impl PushReporter for Quiet {
    fn preparing(&self, _: &Digest) {}
    fn exists(&self, _: &Digest) {}
    fn mounted(&self, _: &Digest, _: &str) {}
    fn progress(&self, _: &Digest, _: u64, _: u64) {}
    fn pushed(&self, _: &Digest) {}
}

impl PushReporter for Lines {
    fn preparing(&self, digest: &Digest) {
        let _ = line(&format!("{}: Preparing", digest.short()));
    }
    fn exists(&self, digest: &Digest) {
        let _ = line(&format!("{}: Layer already exists", digest.short()));
    }
    fn mounted(&self, digest: &Digest, from: &str) {
        let _ = line(&format!("{}: Mounted from {from}", digest.short()));
    }
    fn progress(&self, _: &Digest, _: u64, _: u64) {}
    fn pushed(&self, digest: &Digest) {
        let _ = line(&format!("{}: Pushed", digest.short()));
    }
}

impl PushReporter for Bars {
    fn preparing(&self, digest: &Digest) {
        let bar = self.multi.add(ProgressBar::new(0));
        bar.set_style(ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.set_prefix(digest.short().to_string());
        bar.set_message("Preparing");
        self.bars.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(digest.clone(), bar);
    }
    fn exists(&self, digest: &Digest) {
        self.finish(digest, "Layer already exists".to_string());
    }
    fn mounted(&self, digest: &Digest, from: &str) {
        self.finish(digest, super::escape(&format!("Mounted from {from}")).into_owned());
    }
    fn progress(&self, digest: &Digest, done: u64, size: u64) {
        if let Some(bar) = self.bar(digest) {
            if bar.length() != Some(size) {
                let template = "{prefix}: Pushing [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}";
                bar.set_style(
                    ProgressStyle::with_template(template)
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_length(size);
            }
            bar.set_position(done);
        }
    }
    fn pushed(&self, digest: &Digest) {
        self.finish(digest, "Pushed".to_string());
    }
}

impl Bars {
    fn finish(&self, digest: &Digest, message: String) {
        if let Some(bar) = self.bar(digest) {
            bar.set_style(
                ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.finish_with_message(message);
        }
    }
}
