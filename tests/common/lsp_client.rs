//! A scripted LSP client for tests: starts `crma-check lsp`, frames JSON-RPC by hand
//! (Content-Length), and waits for each answer with a timeout instead of sleeping.

#![allow(dead_code, reason = "each test uses a part of the client")]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take. Generous: CI machines are slow and debug builds too.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Every message the server wrote, parsed, in order; disconnects when stdout closes.
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else (notifications during a request).
    backlog: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl LspClient {
    /// Starts `crma-check lsp ARGS…` with piped stdio, from the crate's root.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crma-check"))
            .arg("lsp")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut r) {
                let value: Value = serde_json::from_slice(&body).expect("the server wrote JSON");
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let mut err = child.stderr.take().unwrap();
        thread::spawn(move || {
            let mut buf = String::new();
            let _ = err.read_to_string(&mut buf);
            sink.lock().unwrap().push_str(&buf);
        });
        let stdin = child.stdin.take();
        Self { child, stdin, incoming, backlog: VecDeque::new(), stderr, next_id: 1 }
    }

    /// Writes raw bytes (to test malformed frames).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.expect(&format!("the response to {method} #{id}"), |m| m.get("id") == Some(&json!(id)))
    }

    /// The `result` of a request; panics on an error response.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The params of the next notification `method`.
    pub fn notification(&mut self, method: &str) -> Value {
        self.expect(method, |m| m.get("method") == Some(&json!(method)) && m.get("id").is_none())["params"].clone()
    }

    /// The first message (backlog first) for which `pred` holds; others go to the backlog.
    pub fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(msg) if pred(&msg) => return msg,
                Ok(msg) => self.backlog.push_back(msg),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; backlog {:?}; stderr:\n{}", self.backlog, self.stderr())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed its output while waiting for {what}; stderr:\n{}", self.stderr())
                }
            }
        }
    }

    /// Closes the server's input (EOF).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits (with the timeout) for the server to close its output, then for it to exit.
    pub fn wait_exit(mut self) -> (ExitStatus, Vec<Value>) {
        let deadline = Instant::now() + TIMEOUT;
        let mut rest: Vec<Value> = self.backlog.drain(..).collect();
        loop {
            match self.incoming.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(msg) => rest.push(msg),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("the server did not exit; stderr:\n{}", self.stderr());
                }
            }
        }
        // stdout is closed: the process is exiting, so this wait is short.
        let status = self.child.wait().unwrap();
        (status, rest)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        // A failed test must not leave a server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One Content-Length frame; None at end of input.
fn read_frame(r: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    Some(body)
}
