//! Error kinds and the exit statuses they map to.
//!
//! The exit statuses are a documented contract (README, "Exit statuses"):
//! scripts branch on them, so a kind never changes its number.

use crate::sanitize::visible;
use std::fmt;

/// What went wrong, at the level a user or a script acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A bug in obssl.
    Internal,
    /// Bad flag, bad instance id, unknown field, refused endpoint.
    Usage,
    /// Missing or incomplete credentials, unreadable configuration.
    Config,
    /// The server still answered 401 after a signed request.
    Auth,
    /// The API answered with an error status, `success` not true, or an unexpected body.
    Api,
    /// Connection, TLS or timeout failure.
    Network,
    /// The OS credential store is missing, locked or lacks the item.
    CredentialStore,
}

impl ErrorKind {
    /// The process exit status for this kind of failure.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Internal | ErrorKind::CredentialStore => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Config => 3,
            ErrorKind::Auth => 4,
            ErrorKind::Api => 5,
            ErrorKind::Network => 6,
        }
    }

    /// A stable machine-readable name (used in JSON error objects).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Internal => "internal",
            ErrorKind::Usage => "usage",
            ErrorKind::Config => "config",
            ErrorKind::Auth => "auth",
            ErrorKind::Api => "api",
            ErrorKind::Network => "network",
            ErrorKind::CredentialStore => "credential-store",
        }
    }
}

/// Details of an answer from the API that was not a success.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiFailure {
    /// HTTP status of the answer.
    pub status: u16,
    /// `errorCode` from the error envelope, when there was one.
    pub error_code: Option<String>,
    /// `errorMessage` (or `message`) from the error envelope.
    pub message: Option<String>,
    /// The request id of the call (the server's echo, else the one obssl sent).
    pub request_id: Option<String>,
    /// Without an `errorCode`: the few words that say what was wrong (`not JSON`,
    /// `no data object`), so that a narrowed table cell never reads `HTTP 200` alone.
    pub reason: Option<&'static str>,
}

impl ApiFailure {
    /// The details of an answer with no error envelope to read (a redirect,
    /// a body that is not JSON, a malformed `data`): the HTTP status and the
    /// request id obssl sent.
    pub fn without_envelope(status: u16, request_id: &str) -> ApiFailure {
        ApiFailure {
            status,
            request_id: Some(request_id.to_string()),
            reason: None,
            ..Default::default()
        }
    }

    /// The same, with the few words a table cell gives (see [`ApiFailure::reason`]).
    pub fn because(mut self, reason: &'static str) -> ApiFailure {
        self.reason = Some(reason);
        self
    }
}

/// An obssl error: a kind (which fixes the exit status), a one-sentence
/// message saying what failed, and an optional hint saying what to try.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    /// Present for [`ErrorKind::Api`] errors.
    pub api: Option<Box<ApiFailure>>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            api: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Network, message)
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    pub fn api(message: impl Into<String>, failure: ApiFailure) -> Self {
        Error {
            api: Some(Box::new(failure)),
            ..Self::new(ErrorKind::Api, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

/// The report on stderr: the message, the API's details and the hint, each
/// on its own line and each made [`visible`] (they may hold a server's text).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.message))?;
        if let Some(api) = &self.api {
            write!(f, "\n  HTTP status: {}", api.status)?;
            if let Some(code) = &api.error_code {
                write!(f, "\n  errorCode:   {}", visible(code))?;
            }
            if let Some(msg) = &api.message {
                write!(f, "\n  message:     {}", visible(msg))?;
            }
            if let Some(id) = &api.request_id {
                write!(f, "\n  requestId:   {}", visible(id))?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", visible(hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_contract() {
        let table = [
            (ErrorKind::Internal, 1),
            (ErrorKind::Usage, 2),
            (ErrorKind::Config, 3),
            (ErrorKind::Auth, 4),
            (ErrorKind::Api, 5),
            (ErrorKind::Network, 6),
            (ErrorKind::CredentialStore, 1),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn api_error_display_names_status_code_and_request_id() {
        let e = Error::api(
            "the API refused",
            ApiFailure {
                status: 404,
                error_code: Some("InstanceNotFound".into()),
                message: Some("no such instance".into()),
                request_id: Some("rid-1".into()),
                reason: None,
            },
        )
        .with_hint("check the id");
        let s = e.to_string();
        for part in [
            "404",
            "InstanceNotFound",
            "no such instance",
            "rid-1",
            "check the id",
        ] {
            assert!(s.contains(part), "{s}");
        }
    }
}
