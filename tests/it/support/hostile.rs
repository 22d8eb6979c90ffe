//! A hostile registry: a small HTTP/1.1 server in the test process that answers each path with
//! whatever the test scripted (crafted manifests, lying sizes, bodies that stall), so that
//! hoist meets content no real registry would accept.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::http::{Serving, read_head};

/// One scripted answer.
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Stop after this many body bytes and hold the connection open, silent, for this long.
    pub stall: Option<(usize, Duration)>,
}

impl Answer {
    /// 200 with `body` as `content_type`.
    pub fn body(content_type: &str, body: &[u8]) -> Answer {
        Answer {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.to_vec(),
            stall: None,
        }
    }

    pub fn status(status: u16, headers: &[(&str, &str)]) -> Answer {
        let headers = headers.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        Answer { status, headers, body: Vec::new(), stall: None }
    }
}

/// A running hostile registry; dropping it stops accepting.
pub struct HostileRegistry {
    serving: Serving,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
}

impl HostileRegistry {
    /// Starts on a free 127.0.0.1 port; `/v2/` answers 200 until scripted otherwise.
    pub fn start() -> HostileRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let answers = Arc::new(Mutex::new(HashMap::new()));
        answers.lock().expect("answers").insert("/v2/".to_string(), Answer::status(200, &[]));
        let shared = Arc::clone(&answers);
        HostileRegistry { serving: Serving::start(listener, move |stream| serve(stream, &shared)), answers }
    }

    pub fn addr(&self) -> &str {
        &self.serving.addr
    }

    /// Scripts the answer for a path (the query is ignored).
    pub fn answer(&self, path: &str, answer: Answer) {
        self.answers.lock().expect("answers").insert(path.to_string(), answer);
    }
}

/// Answers request after request on one connection (keep-alive), each by its path alone.
fn serve(stream: TcpStream, answers: &Mutex<HashMap<String, Answer>>) {
    let Ok(reading) = stream.try_clone() else { return };
    let mut reader = BufReader::new(reading);
    let mut writer = stream;
    // Headers are read and ignored; requests have no body (GET and HEAD).
    while let Ok(Some(head)) = read_head(&mut reader) {
        let mut parts = head.start.split(' ');
        let method = parts.next().unwrap_or_default();
        let path = parts.next().unwrap_or("/").split('?').next().unwrap_or("/");
        let answer = answers.lock().expect("answers").get(path).cloned().unwrap_or_else(|| Answer::status(404, &[]));
        if write_answer(&mut writer, &answer, method == "HEAD").is_err() {
            return;
        }
    }
}

fn write_answer(writer: &mut TcpStream, answer: &Answer, head_only: bool) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} Scripted\r\nContent-Length: {}\r\n", answer.status, answer.body.len());
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    if head_only {
        return Ok(());
    }
    match answer.stall {
        Some((sent, pause)) => {
            writer.write_all(&answer.body[..sent.min(answer.body.len())])?;
            writer.flush()?;
            thread::sleep(pause);
            Err(std::io::Error::other("stalled"))
        }
        None => writer.write_all(&answer.body),
    }
}
