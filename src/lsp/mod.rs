//! `crma-check lsp`: a Language Server Protocol server over standard input and output.
//!
//! The server is an edge of the binary, as the command line is: it adapts what the library
//! checks to a protocol and never checks anything itself. It lives in the binary, not the
//! library, so that embedding the library brings no protocol along; what it needs that
//! is the checker's knowledge (did-you-mean fixes, a supply line's contained tonnes and
//! share) the library exposes.
//!
//! One module per job: `transport` reads and writes the protocol's frames; `documents`
//! keeps the open documents; `settings` turns the client's options into a checker;
//! `check` publishes diagnostics; `hover`, `completion` and `actions` answer those
//! requests, with `syntax` to know where in a (half-typed) JSON document the cursor is and
//! `position` to count columns in UTF-16 as the protocol does. This file holds the
//! handshake and the main loop: synchronous, since re-checking a whole document after each
//! change takes milliseconds.

mod actions;
mod check;
mod completion;
mod documents;
mod hover;
mod position;
mod settings;
mod syntax;
mod transport;
mod uri;

use std::error::Error;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
    PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as _, Shutdown};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, HoverProviderCapability,
    InitializeResult, MessageType, PositionEncodingKind, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use crma_check::Checker;

use documents::Documents;
use settings::{Problem, Settings};

/// An error that ends the server: the connection is gone.
type BoxError = Box<dyn Error + Send + Sync>;

/// Runs the server on standard input and output until the client says `exit` (or closes
/// the input); returns the exit status: 0 after `shutdown` and `exit`, else 1.
/// `rules` are the `--rules` of the command line, read under the client's settings.
pub fn run(rules: &[PathBuf]) -> u8 {
    // Standard output is the protocol from here on: nothing else may write to it.
    let (connection, io_threads) = transport::stdio();
    let status = serve(&connection, rules).unwrap_or_else(|error| {
        eprintln!("crma-check lsp: {error}");
        1
    });
    // The writer ends once every sender is gone: drop ours before waiting for it.
    drop(connection);
    if let Err(error) = io_threads.join() {
        eprintln!("crma-check lsp: {error}");
    }
    status
}

/// What the server announces in its `initialize` result.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        // The protocol's default, and the one every client supports.
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            // A value begins with a quote.
            trigger_characters: Some(vec!["\"".to_owned()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The handshake, then the main loop until `exit`; returns the exit status.
fn serve(connection: &Connection, rules: &[PathBuf]) -> Result<u8, BoxError> {
    // Answers requests before `initialize` with ServerNotInitialized (-32002).
    let (id, params) = connection.initialize_start()?;
    // Read from the raw JSON: a client whose other parameters do not fit lsp-types'
    // struct exactly must not be refused.
    let options = params.get("initializationOptions").cloned().unwrap_or(Value::Null);
    let root = workspace_root(&params);
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "crma-check".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    // Sends the result, then requires the next message to be `initialized`.
    connection.initialize_finish(id, serde_json::to_value(result)?)?;

    let (settings, checker) = match Settings::new(rules, &options, root.as_deref()) {
        Ok(settings) => {
            let checker = settings.checker();
            (settings, checker)
        }
        Err(problem) => (Settings::default(), Err(problem)),
    };
    let mut server = Server {
        sender: connection.sender.clone(),
        documents: Documents::default(),
        settings,
        checker,
        shutdown: false,
    };
    server.tell_settings_problem()?;
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                let response = server.request(request);
                connection.sender.send(response.into())?;
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Ok(if server.shutdown { 0 } else { 1 });
            }
            Message::Notification(notification) => server.notification(notification),
            // The server sends no requests, so expects no responses.
            Message::Response(_) => {}
        }
    }
    // The input closed without `exit`.
    Ok(if server.shutdown { 0 } else { 1 })
}

/// The folder the client opened, which relative rule paths in its settings start from.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    let folder = params.pointer("/workspaceFolders/0/uri");
    let uri = params.get("rootUri").filter(|u| u.is_string()).or(folder)?.as_str()?;
    uri::to_path(&uri.parse().ok()?).or_else(|| params.get("rootPath").and_then(Value::as_str).map(PathBuf::from))
}

/// The server's state.
struct Server {
    sender: Sender<Message>,
    documents: Documents,
    settings: Settings,
    /// The checker of portfolios, or why the settings make none.
    checker: Result<Checker, Problem>,
    shutdown: bool,
}

impl Server {
    fn request(&mut self, request: Request) -> Response {
        if self.shutdown {
            return Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            );
        }
        let (id, method) = (request.id.clone(), request.method.clone());
        // A panic in a handler (a bug) answers this request with an error and leaves the
        // server running; the panic message goes to standard error, the client's log.
        match panic::catch_unwind(AssertUnwindSafe(|| self.dispatch(request))) {
            Ok(response) => response,
            Err(payload) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("crma-check lsp: {method} failed: {}", panic_message(&*payload)),
            ),
        }
    }

    fn dispatch(&mut self, request: Request) -> Response {
        let checker = self.checker.as_ref().ok();
        let documents = &self.documents;
        match request.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown = true;
                Response::new_ok(request.id, ())
            }
            HoverRequest::METHOD => handle::<HoverRequest>(request, |params| {
                let at = params.text_document_position_params;
                hover::hover(documents.get(&at.text_document.uri)?, checker, at.position)
            }),
            Completion::METHOD => handle::<Completion>(request, |params| {
                let at = params.text_document_position;
                completion::completion(documents.get(&at.text_document.uri)?, checker, at.position)
            }),
            CodeActionRequest::METHOD => {
                let today = self.settings.check_options().today;
                handle::<CodeActionRequest>(request, |params| {
                    let document = documents.get(&params.text_document.uri)?;
                    let checked = document.checked.as_ref()?;
                    Some(actions::code_actions(document, checked, params.range, today))
                })
            }
            #[cfg(test)]
            "crma-check/panic" => panic!("a deliberate panic"),
            _ => Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("crma-check lsp does not handle {}", request.method),
            ),
        }
    }

    fn notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        match panic::catch_unwind(AssertUnwindSafe(|| self.dispatch_notification(notification))) {
            Ok(Ok(())) => {}
            // A notification has no response: say it in the client's log, and go on.
            Ok(Err(error)) => eprintln!("crma-check lsp: {method}: {error}"),
            Err(payload) => eprintln!("crma-check lsp: {method} failed: {}", panic_message(&*payload)),
        }
    }

    fn dispatch_notification(&mut self, notification: Notification) -> Result<(), BoxError> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: DidOpenTextDocumentParams = serde_json::from_value(notification.params)?;
                let document = params.text_document;
                self.documents.open(document.uri.clone(), document.version, document.text);
                self.publish(&document.uri)
            }
            DidChangeTextDocument::METHOD => {
                let params: DidChangeTextDocumentParams = serde_json::from_value(notification.params)?;
                let uri = params.text_document.uri;
                self.documents
                    .change(&uri, params.text_document.version, params.content_changes)
                    .ok_or_else(|| format!("a change to {} which is not open", uri.as_str()))?;
                self.publish(&uri)
            }
            DidSaveTextDocument::METHOD => {
                let params: DidSaveTextDocumentParams = serde_json::from_value(notification.params)?;
                let uri = params.text_document.uri;
                if uri::to_path(&uri).is_some_and(|path| self.settings.reads(&path)) {
                    // A rule file of the settings: read the rules again, check everything again.
                    self.checker = self.settings.checker();
                    self.documents.clear_checked();
                    self.tell_settings_problem()?;
                    for uri in self.documents.uris() {
                        self.publish(&uri)?;
                    }
                    Ok(())
                } else {
                    self.publish(&uri)
                }
            }
            DidCloseTextDocument::METHOD => {
                let params: DidCloseTextDocumentParams = serde_json::from_value(notification.params)?;
                self.documents.close(&params.text_document.uri);
                // A closed file's problems leave the editor's list.
                self.send_diagnostics(params.text_document.uri, Vec::new(), None)
            }
            // `initialized`, `$/cancelRequest`, `$/setTrace`, `workspace/didChangeConfiguration`
            // (settings are read at `initialize`: restart the server to change them) …
            _ => Ok(()),
        }
    }

    /// Checks a document (its current version, unless done) and publishes the result.
    fn publish(&mut self, uri: &Uri) -> Result<(), BoxError> {
        let Some(document) = self.documents.get(uri) else { return Ok(()) };
        let checked = match &document.checked {
            Some(checked) => Arc::clone(checked),
            None => Arc::new(check::check(document, self.checker.as_ref(), &self.settings)),
        };
        let version = document.version;
        let diagnostics = checked.diagnostics();
        self.documents.set_checked(uri, checked);
        self.send_diagnostics(uri.clone(), diagnostics, Some(version))
    }

    fn send_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), BoxError> {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.sender.send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into())?;
        Ok(())
    }

    /// Settings that make no checker are said in a message as well as on each portfolio.
    fn tell_settings_problem(&self) -> Result<(), BoxError> {
        let message = match &self.checker {
            Ok(_) => return Ok(()),
            Err(Problem::Invalid(message)) => format!("crma-check: {message}"),
            Err(Problem::RuleFiles(files)) => {
                let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
                format!("crma-check: files of settings cannot be read: {}", paths.join(", "))
            }
        };
        eprintln!("{message}");
        let params = ShowMessageParams { typ: MessageType::ERROR, message };
        self.sender.send(Notification::new(ShowMessage::METHOD.to_owned(), params).into())?;
        Ok(())
    }
}

/// Reads a request's params and runs `answer`, or answers InvalidParams (-32602).
fn handle<R: lsp_types::request::Request>(request: Request, answer: impl FnOnce(R::Params) -> R::Result) -> Response {
    match serde_json::from_value::<R::Params>(request.params) {
        Ok(params) => Response::new_ok(request.id, answer(params)),
        Err(error) => Response::new_err(request.id, ErrorCode::InvalidParams as i32, format!("{}: {error}", R::METHOD)),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic")
}

#[cfg(test)]
mod tests {
    //! The server in-process: `Connection::memory()` gives both ends of a connection with no
    //! process and no framing, fast enough for a property test of random edits.

    use std::thread::{self, JoinHandle};
    use std::time::Duration;

    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::{BoxError, serve};

    const URI: &str = "file:///fuzz/portfolio.json";

    /// Every example portfolio and policy, as editors would open them.
    fn examples() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut texts = Vec::new();
        for dir in [root.clone(), root.join("policies")] {
            for entry in std::fs::read_dir(dir).expect("examples/ is readable") {
                let path = entry.expect("an entry").path();
                if path.extension().is_some_and(|e| e == "json") {
                    texts.push(std::fs::read_to_string(path).expect("an example is UTF-8"));
                }
            }
        }
        texts.sort();
        texts
    }

    struct Session {
        client: Connection,
        server: Option<JoinHandle<Result<u8, BoxError>>>,
        next_id: i32,
    }

    impl Session {
        fn start() -> Session {
            let (server_end, client) = Connection::memory();
            let server = thread::spawn(move || serve(&server_end, &[]));
            let mut session = Session { client, server: Some(server), next_id: 1 };
            let options = json!({"as_of": "2026-11-23"});
            session
                .request("initialize", json!({"capabilities": {}, "initializationOptions": options}))
                .expect("initialized");
            session.notify("initialized", json!({}));
            session
        }

        fn receive(&self) -> Message {
            self.client.receiver.recv_timeout(Duration::from_secs(30)).expect("the server answers")
        }

        fn notify(&self, method: &str, params: Value) {
            self.client.sender.send(Notification::new(method.to_owned(), params).into()).expect("the server listens");
        }

        /// The response to a request: its result, or its error.
        fn request(&mut self, method: &str, params: Value) -> Result<Value, lsp_server::ResponseError> {
            let id = RequestId::from(self.next_id);
            self.next_id += 1;
            self.client.sender.send(Request::new(id.clone(), method.to_owned(), params).into()).expect("sent");
            loop {
                if let Message::Response(response) = self.receive()
                    && response.id == id
                {
                    return response.response_result;
                }
            }
        }

        fn diagnostics(&self) -> Value {
            loop {
                if let Message::Notification(n) = self.receive()
                    && n.method == "textDocument/publishDiagnostics"
                {
                    return n.params;
                }
            }
        }

        fn finish(mut self) -> u8 {
            self.request("shutdown", Value::Null).expect("shutdown is answered");
            self.notify("exit", Value::Null);
            self.server.take().expect("running").join().expect("no panic").expect("no error")
        }
    }

    #[test]
    fn a_panicking_handler_answers_an_internal_error_and_the_server_goes_on() {
        let mut session = Session::start();
        let error = session.request("crma-check/panic", json!({})).expect_err("an error");
        assert_eq!(error.code, lsp_server::ErrorCode::InternalError as i32);
        assert!(error.message.contains("a deliberate panic"), "{}", error.message);
        assert_eq!(session.finish(), 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// The fuzz run: random edits to the examples, and after each a check, a
        /// hover, a completion and code actions that must all be answered, never refused.
        #[test]
        fn random_edits_to_the_examples_never_kill_the_server(
            example in any::<prop::sample::Index>(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), 0..12usize, prop_oneof!["\\PC{0,6}", "[{}\\[\\]:,\"0-9a-zA-Z. -]{0,5}"]),
                1..10,
            ),
            probes in prop::collection::vec((any::<prop::sample::Index>(), 0..90u32), 1..4),
        ) {
            let examples = examples();
            let mut text = examples[example.index(examples.len())].clone();
            let mut session = Session::start();
            let document = json!({"uri": URI, "languageId": "json", "version": 1, "text": text});
            session.notify("textDocument/didOpen", json!({"textDocument": document}));
            session.diagnostics();
            for (version, (at, delete, insert)) in (2..).zip(edits) {
                let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
                let i = at.index(bounds.len());
                let (start, end) = (bounds[i], bounds[(i + delete).min(bounds.len() - 1)]);
                text.replace_range(start..end, &insert);
                let change = json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]});
                session.notify("textDocument/didChange", change);
                prop_assert_eq!(&session.diagnostics()["version"], &json!(version));
                let lines = text.split('\n').count();
                for (line, character) in &probes {
                    let position = json!({"line": line.index(lines), "character": character});
                    let at = json!({"textDocument": {"uri": URI}, "position": position});
                    prop_assert!(session.request("textDocument/hover", at.clone()).is_ok());
                    prop_assert!(session.request("textDocument/completion", at).is_ok());
                    let range = json!({"start": position, "end": position});
                    let actions = json!({"textDocument": {"uri": URI}, "range": range, "context": {"diagnostics": []}});
                    prop_assert!(session.request("textDocument/codeAction", actions).is_ok());
                }
            }
            prop_assert_eq!(session.finish(), 0);
        }
    }
}
