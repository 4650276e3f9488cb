//! `--field NAME`: one bare value and a newline.

use super::plain_value;
use crate::api::SslStatus;

/// The value of `field` (already resolved to the API's spelling) followed by a
/// newline. A null or missing value prints as an empty line.
pub fn render_field(status: &SslStatus, field: &str) -> String {
    let value = status
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(field))
        .map(|(_, v)| v);
    format!("{}\n", plain_value(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_bare() {
        let data = json!({"enableSSL": "OPEN", "certValid": true, "n": 3, "caUrl": null});
        let status = data.as_object().unwrap();
        assert_eq!(render_field(status, "enableSSL"), "OPEN\n");
        assert_eq!(render_field(status, "certValid"), "true\n");
        assert_eq!(render_field(status, "n"), "3\n");
        assert_eq!(render_field(status, "caUrl"), "\n");
        assert_eq!(render_field(status, "validPeriod"), "\n");
    }
}
