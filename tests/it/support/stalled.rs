//! A registry that accepts connections and never answers: a listener on a free 127.0.0.1 port
//! whose connections are held open, never read from or written to, until it is dropped. How
//! long hoist waits for it, and what it shows meanwhile, is what the tests watch.

use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct StalledServer {
    pub addr: String,
    held: Arc<Mutex<Vec<TcpStream>>>,
}

impl StalledServer {
    pub fn start() -> StalledServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stalled server");
        let addr = listener.local_addr().expect("its address").to_string();
        let held = Arc::new(Mutex::new(Vec::new()));
        let holding = Arc::clone(&held);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                holding.lock().unwrap().push(stream);
            }
        });
        StalledServer { addr, held }
    }

    /// How many connections it accepted.
    pub fn connections(&self) -> usize {
        self.held.lock().unwrap().len()
    }
}

impl Drop for StalledServer {
    fn drop(&mut self) {
        self.held.lock().unwrap().clear();
    }
}
