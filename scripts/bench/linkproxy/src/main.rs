//! A TCP proxy that makes a loopback registry look far away, for the far-link benchmark:
//!
//!     linkproxy LISTEN_ADDR UPSTREAM_ADDR DELAY_MS MBIT_PER_S
//!
//! Every byte leaves DELAY_MS after it arrived, in each direction (pipelined: the bytes in
//! flight are not serialised behind one another), and each direction shares MBIT_PER_S across
//! all connections (a virtual-time token bucket: a reader woken late, on a busy machine, catches up
//! within a 20 ms burst instead of losing the bandwidth). A new connection's first
//! bytes towards the upstream leave no earlier than one round trip after the accept, as they
//! would after a TCP handshake over the link (the kernel completes the real one at once).
//! Bytes pass unchanged, so TLS goes through end to end. One line per accepted connection
//! (`open N`) goes to stdout, which the benchmark counts.
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

const CHUNK: usize = 64 * 1024;
const BURST: Duration = Duration::from_millis(20);

/// One direction's bandwidth, shared by every connection: the time the link is busy until.
struct Link {
    free_at: Mutex<Instant>,
    nanos_per_byte: f64,
}

impl Link {
    fn new(mbit_per_s: f64) -> Self {
        Link { free_at: Mutex::new(Instant::now()), nanos_per_byte: 8e3 / mbit_per_s }
    }

    /// Books `n` bytes on the link; returns when their last bit has left.
    fn book(&self, n: usize) -> Instant {
        let mut free_at = self.free_at.lock().unwrap();
        let now = Instant::now();
        let start = (*free_at).max(now.checked_sub(BURST).unwrap_or(now));
        *free_at = start + Duration::from_nanos((n as f64 * self.nanos_per_byte) as u64);
        *free_at
    }
}

struct Config {
    upstream: SocketAddr,
    delay: Duration,
    up: Link,
    down: Link,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: linkproxy LISTEN_ADDR UPSTREAM_ADDR DELAY_MS MBIT_PER_S");
        std::process::exit(2);
    }
    let number = |s: &str| s.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {s}"));
    let config = Arc::new(Config {
        upstream: args[2].parse().expect("UPSTREAM_ADDR: host:port"),
        delay: Duration::from_secs_f64(number(&args[3]) / 1e3),
        up: Link::new(number(&args[4])),
        down: Link::new(number(&args[4])),
    });
    let listener = TcpListener::bind(&args[1]).await.expect("cannot listen");
    let opened = AtomicU64::new(0);
    loop {
        let Ok((client, _)) = listener.accept().await else { continue };
        let n = opened.fetch_add(1, Ordering::Relaxed) + 1;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "open {n}");
        let _ = out.flush();
        tokio::spawn(serve(client, config.clone()));
    }
}

async fn serve(client: TcpStream, config: Arc<Config>) {
    let accepted = Instant::now();
    let Ok(upstream) = TcpStream::connect(config.upstream).await else { return };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (upstream_read, upstream_write) = upstream.into_split();
    // Towards the upstream, nothing leaves before the handshake's round trip is over.
    let handshake = accepted + 2 * config.delay;
    let up = pipe(client_read, upstream_write, config.clone(), true, handshake);
    let down = pipe(upstream_read, client_write, config.clone(), false, accepted);
    tokio::join!(up, down);
}

/// Reads as fast as the shared link lets bytes leave, and writes each chunk `delay` later.
async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, config: Arc<Config>, up: bool, not_before: Instant) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let delay = config.delay;
    let writer = async move {
        while let Some((due, bytes)) = rx.recv().await {
            sleep_until(due).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await; // the sender's EOF, delayed like its bytes
    };
    let reader = async move {
        let link = if up { &config.up } else { &config.down };
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // The link may have been idle: then the bytes leave now, not in the burst's past.
            let arrived = Instant::now();
            let sent = link.book(n);
            if tx.send((sent.max(arrived).max(not_before) + delay, buf[..n].to_vec())).is_err() {
                break;
            }
            sleep_until(sent).await;
        }
        // EOF travels like a last empty chunk.
        let eof = Instant::now().max(not_before) + delay;
        let _ = tx.send((eof, Vec::new()));
    };
    tokio::join!(reader, writer);
}
