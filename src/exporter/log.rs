//! The exporter's log: one line per event on stderr, as text
//! (`TIME LEVEL EVENT: message`) or as a JSON object per line
//! (`--log-format json`), through the output boundary. Events are told once
//! per change of state (a refresh that starts failing, an instance that goes
//! down or comes back), never once per scrape; `-v` adds one line per
//! refresh and per HTTP request.
//!
//! Nothing logged holds a secret: the messages are obssl's own errors (which
//! never carry the secret, a nonce or an `Authorization` value) and the
//! request lines of scrapes (method and path; no header is logged).

use crate::formats::LogFormat;
use crate::output::warn_line;
use crate::sanitize::visible;
use serde_json::{Map, Value};

/// How bad an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Where the exporter's events go.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    format: LogFormat,
    verbose: u8,
}

impl Log {
    pub fn new(format: LogFormat, verbose: u8) -> Log {
        Log { format, verbose }
    }

    /// True with `-v`: events of every refresh and request are logged too.
    pub fn verbose(&self) -> bool {
        self.verbose > 0
    }

    /// Logs `event` (a short name, e.g. `refresh`) with its message and fields.
    pub fn event(&self, level: Level, event: &str, message: &str, fields: &[(&str, Value)]) {
        warn_line(&self.line(jiff::Timestamp::now(), level, event, message, fields));
    }

    /// As [`Log::event`], only with `-v`.
    pub fn detail(&self, event: &str, message: &str, fields: &[(&str, Value)]) {
        if self.verbose() {
            self.event(Level::Info, event, message, fields);
        }
    }

    fn line(
        &self,
        now: jiff::Timestamp,
        level: Level,
        event: &str,
        message: &str,
        fields: &[(&str, Value)],
    ) -> String {
        let time = now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ");
        match self.format {
            LogFormat::Text => {
                format!("{time} {:<5} {event}: {}", level.as_str(), visible(message))
            }
            LogFormat::Json => {
                let mut object = Map::new();
                object.insert("time".into(), time.to_string().into());
                object.insert("level".into(), level.as_str().into());
                object.insert("event".into(), event.into());
                object.insert("message".into(), message.into());
                for (name, value) in fields {
                    object.insert((*name).into(), value.clone());
                }
                Value::Object(object).to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_line_is_text_or_one_json_object() {
        let now = "2026-12-03T07:00:00.123456Z".parse().unwrap();
        let fields = [("instances", json!(3))];
        let text = Log::new(LogFormat::Text, 0).line(
            now,
            Level::Warn,
            "refresh",
            "failed:\x1b[31m x",
            &fields,
        );
        assert_eq!(
            text,
            "2026-12-03T07:00:00.123Z warn  refresh: failed:\\u{1b}[31m x"
        );
        let json = Log::new(LogFormat::Json, 0).line(now, Level::Info, "start", "up", &fields);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            value,
            json!({"time": "2026-12-03T07:00:00.123Z", "level": "info", "event": "start",
                   "message": "up", "instances": 3})
        );
    }
}
