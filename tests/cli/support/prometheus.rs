//! Prometheus text read back with a real parser.

use prometheus_parse::Scrape;

/// Parses Prometheus text; every sample's family must have HELP and TYPE.
pub fn parse_prometheus(text: &str) -> Scrape {
    for line in text.lines() {
        assert!(!line.trim().is_empty(), "no blank lines:\n{text}");
    }
    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parses");
    for sample in &scrape.samples {
        assert!(
            scrape.docs.contains_key(&sample.metric),
            "HELP for {}",
            sample.metric
        );
        assert!(
            text.contains(&format!("# TYPE {} gauge\n", sample.metric)),
            "TYPE for {}",
            sample.metric
        );
    }
    scrape
}
