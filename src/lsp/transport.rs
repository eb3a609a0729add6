//! A stdio transport for [`lsp_server::Connection`] that survives malformed input.
//!
//! `lsp_server::Connection::stdio()` (0.10) runs a reader thread that returns
//! `Err(InvalidData)` on the first frame whose body is not a JSON-RPC message (or whose
//! header is bad): the reader ends, `connection.receiver` disconnects, the main loop's
//! `for msg in &connection.receiver` ends, and the server exits. The issue wants "a
//! malformed message gets a protocol error, not an exit", so this module reads the
//! frames itself, answers a bad one with a JSON-RPC error (`-32700` parse error or
//! `-32600` invalid request, `id` as in the message or `null`), and goes on. It still
//! hands the main loop the very same `Connection` (its two fields are public), so the
//! rest of `lsp_server` (`initialize_start`, `Message`, `Response`, …) works unchanged.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use lsp_server::{Connection, ErrorCode, Message};
use serde_json::{Value, json};

/// Frames larger than this are skipped (and answered with an error) instead of read.
const MAX_BODY: usize = 256 << 20;

/// The reader and writer threads of a transport.
pub struct IoThreads {
    reader: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for the writer to flush everything sent before the `Connection` was dropped
    /// (drop it first, or this blocks forever). The reader is joined only when it has
    /// already ended: it may still be blocked reading a standard input that the client
    /// keeps open, and the process is about to exit anyway.
    pub fn join(self) -> io::Result<()> {
        let written = self.writer.join().unwrap_or_else(|_| Err(io::Error::other("writer panicked")));
        if self.reader.is_finished() {
            let _ = self.reader.join();
        }
        written
    }
}

/// A connection over this process's standard input and output.
pub fn stdio() -> (Connection, IoThreads) {
    transport(io::stdin(), io::stdout())
}

/// A connection over any byte streams (tests can use pipes or in-memory buffers).
pub fn transport<R, W>(input: R, output: W) -> (Connection, IoThreads)
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let output = Arc::new(Mutex::new(output));
    let (writer_tx, writer_rx) = crossbeam_channel::unbounded::<Message>();
    let (reader_tx, reader_rx) = crossbeam_channel::bounded::<Message>(0);

    let out = Arc::clone(&output);
    let writer = thread::Builder::new()
        .name("lsp-writer".to_owned())
        .spawn(move || {
            for msg in writer_rx {
                // Frame into a buffer first, so that one lock writes one whole frame.
                let mut frame = Vec::new();
                msg.write(&mut frame)?;
                write_frame(&out, &frame)?;
            }
            Ok(())
        })
        .expect("spawn the LSP writer thread");

    let reader = thread::Builder::new()
        .name("lsp-reader".to_owned())
        .spawn(move || {
            let mut input = BufReader::new(input);
            loop {
                let reply = match read_frame(&mut input) {
                    Ok(Frame::Eof) => break,
                    Err(err) => {
                        eprintln!("crma-check lsp: reading standard input: {err}");
                        break;
                    }
                    Ok(Frame::Bad(reason)) => error_response(Value::Null, ErrorCode::ParseError, &reason),
                    Ok(Frame::Body(body)) => match parse(&body) {
                        Ok(msg) => {
                            let is_exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                            if reader_tx.send(msg).is_err() || is_exit {
                                break;
                            }
                            continue;
                        }
                        Err(reply) => reply,
                    },
                };
                eprintln!("crma-check lsp: bad message: {reply}");
                let body = reply.to_string();
                let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
                if write_frame(&output, frame.as_bytes()).is_err() {
                    break;
                }
            }
        })
        .expect("spawn the LSP reader thread");

    (Connection { sender: writer_tx, receiver: reader_rx }, IoThreads { reader, writer })
}

fn write_frame<W: Write>(out: &Mutex<W>, frame: &[u8]) -> io::Result<()> {
    let mut out = out.lock().unwrap_or_else(PoisonError::into_inner);
    out.write_all(frame)?;
    out.flush()
}

/// One frame read from the input.
#[derive(Debug, PartialEq)]
enum Frame {
    /// The input ended between frames.
    Eof,
    /// A body, as announced by its Content-Length.
    Body(Vec<u8>),
    /// Headers without a usable Content-Length, or a body too large to read.
    Bad(String),
}

/// Reads one frame: header lines up to an empty line, then Content-Length bytes.
///
/// Tolerant on purpose: lines may end in `\n` alone, unknown headers are skipped, and a
/// `Content-Length:` is also found after garbage on the same line (a body shorter than
/// announced leaves its tail glued to the next header), so the stream re-synchronises.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut seen_header = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(if seen_header { Frame::Bad("end of input inside a header".to_owned()) } else { Frame::Eof });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !seen_header {
                continue; // stray blank line between frames
            }
            break;
        }
        seen_header = true;
        // Other headers (Content-Type) and garbage lines are skipped.
        if let Some(at) = find_ascii_case_insensitive(text, "content-length:") {
            let value = text[at + "content-length:".len()..].trim();
            length = Some(value.parse().map_err(|_| format!("bad Content-Length {value:?}")));
        }
    }
    let length = match length {
        None => return Ok(Frame::Bad("a header without Content-Length".to_owned())),
        Some(Err(reason)) => return Ok(Frame::Bad(reason)),
        Some(Ok(n)) => n,
    };
    if length > MAX_BODY {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Frame::Bad(format!("a message of {length} bytes (at most {MAX_BODY})")));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Frame::Body(body))
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A message, or the error response to send back for it.
fn parse(body: &[u8]) -> Result<Message, Value> {
    // Fast path: one pass straight into a Message.
    if let Ok(msg) = serde_json::from_slice::<Message>(body) {
        return Ok(msg);
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| error_response(Value::Null, ErrorCode::ParseError, &format!("malformed JSON: {err}")))?;
    // JSON, but not a request, notification or response: answer with its id if it has
    // one that JSON-RPC allows (a number or a string), else with null.
    let id = value.get("id").filter(|id| id.is_number() || id.is_string()).cloned().unwrap_or(Value::Null);
    let err = serde_json::from_value::<Message>(value).err().map(|e| e.to_string()).unwrap_or_default();
    Err(error_response(id, ErrorCode::InvalidRequest, &format!("not a JSON-RPC message: {err}")))
}

fn error_response(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Frame> {
        let mut r = io::Cursor::new(input.as_bytes().to_vec());
        let mut out = Vec::new();
        loop {
            match read_frame(&mut r) {
                Ok(Frame::Eof) => return out,
                Ok(f) => out.push(f),
                Err(e) => panic!("{e}"),
            }
        }
    }

    #[test]
    fn frames_and_resync() {
        let got = frames(concat!(
            "Content-Length: 2\r\n\r\n{}",
            "\r\n",                                     // stray blank line
            "Content-Type: x\r\ncontent-length:1\n\n1", // other header, lower case, bare \n
            "garbage without colon\r\n\r\n",            // no Content-Length at all
            "Content-Length: 1\r\n\r\n{}",              // announces 1 byte too few: "}" is left
            "Content-Length: 2\r\n\r\n[]",              // ... and glued to this header
            "Content-Length: x\r\n\r\n",
        ));
        assert_eq!(
            got,
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::Body(b"1".to_vec()),
                Frame::Bad("a header without Content-Length".to_owned()),
                Frame::Body(b"{".to_vec()),
                Frame::Body(b"[]".to_vec()), // re-synchronised on "}Content-Length: 2"
                Frame::Bad("bad Content-Length \"x\"".to_owned()),
            ]
        );
    }

    #[test]
    fn parse_errors_carry_the_id() {
        assert!(parse(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#).is_ok());
        let e = parse(b"{not json").unwrap_err();
        assert_eq!(e["error"]["code"], -32700);
        assert_eq!(e["id"], Value::Null);
        let e = parse(br#"{"jsonrpc":"2.0","id":7}"#).unwrap_err();
        assert_eq!(e["error"]["code"], -32600);
        assert_eq!(e["id"], 7);
    }
}
