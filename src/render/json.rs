//! `-o json`: the API's `data` object, pretty-printed, every field in the API's order.

use crate::api::SslStatus;

pub fn render_json(status: &SslStatus) -> String {
    let mut text = serde_json::to_string_pretty(status).expect("a JSON map always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_order_survive() {
        let data: SslStatus =
            serde_json::from_str(r#"{"zeta":1,"enableSSL":"OPEN","nested":{"b":2,"a":1}}"#)
                .unwrap();
        let out = render_json(&data);
        let back: SslStatus = serde_json::from_str(&out).unwrap();
        assert_eq!(back, data);
        assert!(out.find("zeta").unwrap() < out.find("enableSSL").unwrap());
        assert!(out.ends_with("}\n"));
    }
}
