//! The table of many instances fits the terminal (`COLUMNS`): ids, dates and
//! timestamps are never broken, the least important columns go first.

use crate::support::{home, obssl_for, start_mock, Run};
use obssl_mock::MockConfig;

const IDS: [&str; 5] = [
    "obxxx",
    "obcluster-expiring-soon",
    "obcluster-legacy-date",
    "mock-not-found",
    "obcluster-nulls",
];

fn table_at(columns: Option<&str>) -> Run {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let mut cmd = obssl_for(&mock, h.path());
    cmd.arg("get").args(IDS);
    if let Some(columns) = columns {
        cmd.env("COLUMNS", columns);
    }
    Run::of(&mut cmd)
}

#[test]
fn at_80_columns_ids_and_dates_stay_whole_and_the_table_fits() {
    let r = table_at(Some("80"));
    assert_eq!(r.code, 5, "{}", r.stderr);
    for line in r.stdout.lines() {
        assert!(line.chars().count() <= 80, "{line:?}\n{}", r.stdout);
    }
    // One line per instance, between the header and the bottom border; the
    // error wraps onto a second line rather than being cut.
    assert_eq!(r.stdout.lines().count(), 4 + IDS.len() + 1, "{}", r.stdout);
    for id in IDS {
        assert!(r.stdout.contains(&format!("│ {id} ")), "{id}\n{}", r.stdout);
    }
    assert!(r.stdout.contains("2026-12-10"), "{}", r.stdout);
    assert!(r.stdout.contains("2027-09-20"), "{}", r.stdout);
    assert!(!r.stdout.contains("Auto-update"), "{}", r.stdout);
    assert!(r.stdout.contains("error: HTTP 404"), "{}", r.stdout);
    assert!(r.stdout.contains("InstanceNotFound"), "{}", r.stdout);
}

#[test]
fn a_pipe_without_columns_gets_every_column_and_the_full_timestamps() {
    let r = table_at(None);
    assert!(r.stdout.contains("Auto-update"), "{}", r.stdout);
    assert!(r.stdout.contains("2026-12-10T04:11:13Z"), "{}", r.stdout);
    assert!(
        r.stdout.contains("error: HTTP 404 InstanceNotFound"),
        "{}",
        r.stdout
    );
    // Wide enough for everything: the full form too.
    let r = table_at(Some("200"));
    assert!(r.stdout.contains("2026-12-10T04:11:13Z"), "{}", r.stdout);
}

/// An error cell wraps in a narrow table instead of being cut: its reason stays
/// (`HTTP 200, not JSON`, never a bare `HTTP 200` that reads like a success).
#[test]
fn a_narrowed_error_cell_keeps_its_reason() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    for columns in ["40", "60", "200"] {
        let r = Run::of(obssl_for(&mock, h.path()).env("COLUMNS", columns).args([
            "get",
            "obcluster-demo",
            "mock-not-json",
            "mock-success-false",
        ]));
        assert_eq!(r.code, 5, "{}", r.stderr);
        assert_eq!(
            ssl_cell(&r.stdout, "mock-not-json"),
            "error: HTTP 200, not JSON",
            "{columns}:\n{}",
            r.stdout
        );
        assert_eq!(
            ssl_cell(&r.stdout, "mock-success-false"),
            "error: HTTP 200 E001R000",
            "{columns}:\n{}",
            r.stdout
        );
        assert!(!r.stdout.contains('…'), "{columns}:\n{}", r.stdout);
    }
}

/// The SSL cell of `id`'s row, its lines joined by spaces.
fn ssl_cell(table: &str, id: &str) -> String {
    let mut words = Vec::new();
    let mut in_row = false;
    for line in table.lines().filter(|l| l.starts_with('│')) {
        let cells: Vec<&str> = line.trim_matches('│').split('┆').map(str::trim).collect();
        if !cells[0].is_empty() {
            in_row = cells[0] == id;
        }
        if in_row {
            words.push(cells[1].to_string());
        }
    }
    words.join(" ")
}

/// The two-column tables of `get` (one instance) and `ca` fit the terminal as the fleet
/// table does: values and labels wrap at spaces, a URL stays whole, and `(in N days)`
/// is never broken.
#[test]
fn get_and_ca_tables_fit_the_width_without_breaking_a_url_or_a_time_left() {
    let mock = start_mock(MockConfig::default());
    let h = home();
    let url = format!("{}/ca/OceanBase-CA.zip", mock.base_url());
    for (args, columns) in [
        (&["get", "obcluster-expiring-soon"][..], "60"),
        (&["ca", "obcluster-demo"][..], "60"),
    ] {
        let r = Run::of(
            obssl_for(&mock, h.path())
                .env("COLUMNS", columns)
                .args(args),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let limit: usize = columns.parse().unwrap();
        for line in r.stdout.lines() {
            assert!(
                line.chars().count() <= limit,
                "{args:?} {columns}: {line:?}\n{}",
                r.stdout
            );
        }
        assert!(
            r.stdout.contains(&url),
            "{args:?} {columns}: URL whole\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("(in 3 days)")
                || r.stdout.contains("(in 2 days)")
                || r.stdout.contains(" days)"),
            "{args:?} {columns}\n{}",
            r.stdout
        );
        assert!(
            r.stdout
                .lines()
                .all(|l| !l.trim_end_matches(['│', ' ']).ends_with("(in")),
            "{args:?} {columns}: a time left broken\n{}",
            r.stdout
        );
    }
    // A URL longer than the room is shown whole, not cut or broken.
    let r = Run::of(
        obssl_for(&mock, h.path())
            .env("COLUMNS", "40")
            .args(["get", "obxxx"]),
    );
    assert!(
        r.stdout.contains("https://oceanbase-aliyun-docs.oss-cn-hangzhou.aliyuncs.com/mc_certification/OceanBase-CA.zip"),
        "{}",
        r.stdout
    );
}
