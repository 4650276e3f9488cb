//! The two exposition formats Prometheus reads, and the parts of a metric
//! family they write differently: the Prometheus text format 0.0.4 (what the
//! node_exporter textfile collector and a plain scrape read) and OpenMetrics
//! 1.0.0 (what a scraper asks for with `Accept: application/openmetrics-text`).
//!
//! A family is defined once ([`FamilyHead`]: name, help, type) and written in
//! either format. The differences that matter here: a counter's family is
//! named without `_total` in OpenMetrics (its samples still end in `_total`),
//! while the text format names the family after its samples; and an
//! OpenMetrics exposition ends with `# EOF`.

/// An exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposition {
    /// The Prometheus text format, version 0.0.4.
    Text,
    /// OpenMetrics 1.0.0 text.
    OpenMetrics,
}

impl Exposition {
    /// The `Content-Type` of an exposition in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Exposition::Text => "text/plain; version=0.0.4; charset=utf-8",
            Exposition::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// What ends an exposition: `# EOF` in OpenMetrics, nothing in the text format.
    pub fn end(self) -> &'static str {
        match self {
            Exposition::Text => "",
            Exposition::OpenMetrics => "# EOF\n",
        }
    }
}

/// A metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gauge,
    Counter,
}

/// A metric family: its name (for a counter, without `_total`), help text and type.
#[derive(Debug, Clone, Copy)]
pub struct FamilyHead {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
}

impl FamilyHead {
    pub const fn gauge(name: &'static str, help: &'static str) -> FamilyHead {
        FamilyHead {
            name,
            help,
            kind: Kind::Gauge,
        }
    }

    pub const fn counter(name: &'static str, help: &'static str) -> FamilyHead {
        FamilyHead {
            name,
            help,
            kind: Kind::Counter,
        }
    }

    /// The name of the family's samples: a counter's end in `_total`.
    pub fn sample_name(&self) -> String {
        match self.kind {
            Kind::Gauge => self.name.to_string(),
            Kind::Counter => format!("{}_total", self.name),
        }
    }

    /// The `# HELP` and `# TYPE` lines of the family in `format`.
    pub fn head(&self, format: Exposition) -> String {
        let (name, kind) = match (format, self.kind) {
            (_, Kind::Gauge) => (self.name.to_string(), "gauge"),
            (Exposition::Text, Kind::Counter) => (self.sample_name(), "counter"),
            (Exposition::OpenMetrics, Kind::Counter) => (self.name.to_string(), "counter"),
        };
        format!(
            "# HELP {name} {}\n# TYPE {name} {kind}\n",
            escape_help(self.help)
        )
    }

    /// One sample of the family: `name{labels} value` and a newline; `labels`
    /// are pairs of a label name and its (unescaped) value.
    pub fn sample(&self, labels: &[(&str, &str)], value: f64) -> String {
        let name = self.sample_name();
        if labels.is_empty() {
            return format!("{name} {value}\n");
        }
        let labels: Vec<String> = labels
            .iter()
            .map(|(label, v)| format!("{label}=\"{}\"", escape_label_value(v)))
            .collect();
        format!("{name}{{{}}} {value}\n", labels.join(","))
    }
}

/// A label value as both formats want it: `\`, `"` and newline escaped.
pub fn escape_label_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A help text as both formats want it: `\` and newline escaped.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_is_named_per_format_and_its_samples_end_in_total() {
        let requests = FamilyHead::counter("obssl_x_requests", "Requests.");
        assert_eq!(
            requests.head(Exposition::Text),
            "# HELP obssl_x_requests_total Requests.\n# TYPE obssl_x_requests_total counter\n"
        );
        assert_eq!(
            requests.head(Exposition::OpenMetrics),
            "# HELP obssl_x_requests Requests.\n# TYPE obssl_x_requests counter\n"
        );
        assert_eq!(
            requests.sample(&[("outcome", "success")], 3.0),
            "obssl_x_requests_total{outcome=\"success\"} 3\n"
        );
        let up = FamilyHead::gauge("obssl_up", "Up.");
        assert_eq!(up.head(Exposition::Text), up.head(Exposition::OpenMetrics));
        assert_eq!(up.sample(&[], 0.5), "obssl_up 0.5\n");
        assert_eq!(Exposition::OpenMetrics.end(), "# EOF\n");
        assert_eq!(Exposition::Text.end(), "");
    }

    #[test]
    fn label_values_and_help_are_escaped() {
        assert_eq!(escape_label_value(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label_value("a\nb"), r"a\nb");
        assert_eq!(escape_label_value("obcluster-x"), "obcluster-x");
        assert_eq!(escape_help("a\\b\nc"), "a\\\\b\\nc");
    }
}
