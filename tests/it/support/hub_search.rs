//! Docker Hub's search API (`GET /v1/search?q=TERM&n=LIMIT`) emulated on 127.0.0.1: it answers
//! Hub's JSON with the results it was given (the first `n`), `/v2/` with 200 as a registry
//! does, and anything else 404; every request target it was asked is kept.

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::http::{Serving, read_head, write_head};

pub struct HubSearch {
    serving: Serving,
    asked: Arc<Mutex<Vec<String>>>,
}

impl HubSearch {
    /// Serves `results`: Hub's result objects (`name`, `description`, `star_count`,
    /// `is_official`, `is_automated`).
    pub fn start(results: Vec<serde_json::Value>) -> HubSearch {
        HubSearch::serve(Some(results))
    }

    /// A registry with neither a search API nor a catalog: `/v2/` only.
    pub fn without_search() -> HubSearch {
        HubSearch::serve(None)
    }

    fn serve(results: Option<Vec<serde_json::Value>>) -> HubSearch {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the search server");
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
        let serving = Serving::start(listener, move |stream| {
            let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
            let Ok(Some(head)) = read_head(&mut reader) else { return };
            let target = head.start.split(' ').nth(1).unwrap_or_default().to_string();
            log.lock().unwrap().push(target.clone());
            let (status, body) = answer(&target, results.as_deref());
            let mut stream = stream;
            let headers = [
                ("Content-Type".to_string(), "application/json".to_string()),
                ("Content-Length".to_string(), body.len().to_string()),
            ];
            let _ = write_head(&mut stream, status, &headers);
            let _ = stream.write_all(body.as_bytes());
        });
        HubSearch { serving, asked }
    }

    /// `http://127.0.0.1:PORT/`, for `HOIST_TEST_HUB_SEARCH_URL`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.serving.addr)
    }

    pub fn addr(&self) -> &str {
        &self.serving.addr
    }

    /// The search requests' targets (`/v1/search?q=nginx&n=25`), in order.
    pub fn searches(&self) -> Vec<String> {
        self.asked.lock().unwrap().iter().filter(|target| target.starts_with("/v1/search")).cloned().collect()
    }
}

fn answer(target: &str, results: Option<&[serde_json::Value]>) -> (&'static str, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/v2/" => ("HTTP/1.1 200 OK", "{}".to_string()),
        "/v1/search" if results.is_some() => {
            let results = results.unwrap_or_default();
            let parameter = |name: &str| {
                query.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
            };
            let limit = parameter("n").and_then(|n| n.parse().ok()).unwrap_or(25);
            let shown: Vec<_> = results.iter().take(limit).cloned().collect();
            let body = serde_json::json!({
                "num_pages": 1, "num_results": shown.len(), "page_size": limit, "page": 1,
                "query": parameter("q").unwrap_or_default(), "results": shown,
            });
            ("HTTP/1.1 200 OK", body.to_string())
        }
        _ => ("HTTP/1.1 404 Not Found", r#"{"errors":[{"code":"NOT_FOUND","message":"not found"}]}"#.to_string()),
    }
}
