//! `--field NAME`: one bare value and a newline; for many instances
//! `ID<TAB>value` lines.

use super::shared::{plain_value, Answers};
use crate::api::SslStatus;
use crate::sanitize::visible;
use serde_json::Value;

/// The value of `field` (already resolved to the API's spelling). A null or
/// missing value prints as an empty value; a failed instance prints nothing
/// (its error goes to stderr).
pub fn render(answers: Answers, field: &str) -> String {
    match answers {
        Answers::One(status) => format!("{}\n", text(status, field)),
        Answers::Many(outcomes) => outcomes
            .iter()
            .filter_map(|outcome| {
                let status = outcome.result.as_ref().ok()?;
                Some(format!(
                    "{}\t{}\n",
                    visible(&outcome.instance_id),
                    text(status, field)
                ))
            })
            .collect(),
    }
}

/// The plain text of `field`, found case-insensitively; empty when null or missing.
fn text(status: &SslStatus, field: &str) -> String {
    let value: Option<&Value> = status
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(field))
        .map(|(_, v)| v);
    plain_value(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::fleet::Outcome;
    use serde_json::json;

    #[test]
    fn values_are_bare() {
        let data = json!({"enableSSL": "OPEN", "certValid": true, "n": 3, "caUrl": null});
        let one = |field| render(Answers::One(data.as_object().unwrap()), field);
        assert_eq!(one("enableSSL"), "OPEN\n");
        assert_eq!(one("enablessl"), "OPEN\n");
        assert_eq!(one("certValid"), "true\n");
        assert_eq!(one("n"), "3\n");
        assert_eq!(one("caUrl"), "\n");
        assert_eq!(one("validPeriod"), "\n");
    }

    #[test]
    fn many_are_id_tab_value_and_failures_print_nothing() {
        let outcomes = [
            Outcome {
                instance_id: "ob-a".into(),
                name: None,
                result: Ok(json!({"forceSSL": "OPEN"}).as_object().unwrap().clone()),
            },
            Outcome {
                instance_id: "ob-c".into(),
                name: None,
                result: Err(Error::auth("refused")),
            },
        ];
        assert_eq!(render(Answers::Many(&outcomes), "forceSSL"), "ob-a\tOPEN\n");
        assert_eq!(render(Answers::Many(&outcomes), "caUrl"), "ob-a\t\n");
        assert_eq!(render(Answers::Many(&outcomes[1..]), "forceSSL"), "");
    }
}
