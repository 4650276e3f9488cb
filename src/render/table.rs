//! `-o table`: for one instance a two-column table of every field (known
//! ones with human labels), for many a row per instance. States and the
//! expiry are coloured alike in both (see [`crate::style`]).

use super::error::short_error;
use super::shared::{
    new_table, pairs_table, plain_value, table_text, wrap, Answers, Pair, MISSING,
};
use crate::api::{SslStatus, KNOWN_FIELDS};
use crate::expiry::{describe_time_left, parse_valid_period};
use crate::fleet::Outcome;
use crate::sanitize::visible;
use crate::style::{expiry_tone, value_cell, Palette, Tone};
use comfy_table::Cell;
use jiff::Timestamp;
use serde_json::Value;

/// The columns of the table of many instances (`Name` only when the
/// instance list gave names: `--all`, or `--names`).
pub const FLEET_HEADER: [&str; 8] = [
    "Instance ID",
    "Name",
    "SSL",
    "Forced",
    "Cert valid",
    "Expires",
    "Time left",
    "Auto-update",
];

/// The columns of [`FLEET_HEADER`], by index.
const ID: usize = 0;
const NAME: usize = 1;
const SSL: usize = 2;
const EXPIRES: usize = 5;
const TIME_LEFT: usize = 6;

/// When the table does not fit the terminal, it is narrowed step by step
/// until it does: first the expiry timestamp becomes a date, then these
/// columns are dropped in this order (least important first). The instance
/// id, SSL (or the error) and the expiry date always stay, and ids, names,
/// dates and timestamps are never broken.
const DROP_ORDER: [usize; 5] = [7, 4, 3, TIME_LEFT, NAME];

/// The least room an error keeps in a narrowed table (the text wraps at spaces
/// in the room left, never cut: its reason stays, e.g. `HTTP 200, not JSON`).
const MIN_ERROR_WIDTH: usize = 16;

/// The width the tables fit in: `COLUMNS` when it is a number, else the
/// terminal's width when stdout is a terminal, else none (no limit: a pipe
/// gets every column and every word whole).
pub fn available_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
        .or_else(|| comfy_table::Table::new().width().map(usize::from))
}

/// The table of `answers`, coloured by `palette`; `now` dates the time left.
/// It fits in [`available_width`].
pub fn render(answers: Answers, now: Timestamp, palette: &Palette) -> String {
    render_in(answers, now, palette, available_width())
}

/// [`render`] within `width` columns (`None`: no limit).
fn render_in(answers: Answers, now: Timestamp, palette: &Palette, width: Option<usize>) -> String {
    match answers {
        Answers::One(status) => one(status, now, palette, width),
        Answers::Many(outcomes) => many(outcomes, now, palette, width),
    }
}

/// One instance: the known fields in a fixed order (missing ones as `-`),
/// then any field obssl does not know, under its API name.
fn one(status: &SslStatus, now: Timestamp, palette: &Palette, width: Option<usize>) -> String {
    let mut pairs = Vec::new();
    for (name, label) in KNOWN_FIELDS {
        let value = status.get(name);
        let (value, tone) = if name == "validPeriod" {
            match Expiry::of(value, now) {
                // The date, then the time left ("(in 2 days)" wraps as one word).
                Some(e) => (format!("{} ({})", e.date, e.left), e.tone),
                None => (MISSING.to_string(), None),
            }
        } else {
            let text = plain_value(value).unwrap_or_else(|| MISSING.to_string());
            let tone = crate::style::tone_of(name, &text);
            (text, tone)
        };
        pairs.push(Pair {
            label: label.to_string(),
            value,
            tone,
        });
    }
    for (name, value) in status {
        if KNOWN_FIELDS.iter().any(|(known, _)| known == name) {
            continue;
        }
        pairs.push(Pair {
            label: visible(name).into_owned(),
            value: plain_value(Some(value)).unwrap_or_else(|| MISSING.to_string()),
            tone: None,
        });
    }
    pairs_table(&pairs, palette, width)
}

/// One row per instance, in the order given; a failed instance shows its
/// error. Within `width`, narrowed as [`DROP_ORDER`] says.
fn many(outcomes: &[Outcome], now: Timestamp, palette: &Palette, width: Option<usize>) -> String {
    let rows: Vec<FleetRow> = outcomes.iter().map(|o| FleetRow::of(o, now)).collect();
    let layout = Layout::fitting(&rows, width);
    let mut header = Vec::new();
    for &column in &layout.columns {
        header.push(FLEET_HEADER[column]);
    }
    let mut table = new_table(header);
    table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    palette.apply(&mut table);
    for row in &rows {
        let cells: Vec<Cell> = match &row.cells {
            Ok(cells) => layout
                .columns
                .iter()
                .map(|&column| {
                    let (text, tone) = match column {
                        EXPIRES if layout.dates_only => (&row.date, row.tone),
                        EXPIRES | TIME_LEFT => (&cells[column], row.tone),
                        _ => (&cells[column], None),
                    };
                    match (column, tone) {
                        (ID | NAME, _) => Cell::new(text),
                        (EXPIRES | TIME_LEFT, tone) => palette.cell(tone, text.as_str()),
                        (column, _) => value_cell(FLEET_FIELDS[column], text, palette),
                    }
                })
                .collect(),
            Err(error) => layout
                .columns
                .iter()
                .map(|&column| match column {
                    ID => Cell::new(&row.id),
                    NAME => Cell::new(&row.name),
                    SSL => palette.cell(Some(Tone::Bad), wrap(error, layout.error_width)),
                    _ => Cell::new(""),
                })
                .collect(),
        };
        table.add_row(cells);
    }
    table_text(&table)
}

/// The API field behind each state column of [`FLEET_HEADER`].
const FLEET_FIELDS: [&str; 8] = [
    "",
    "",
    "enableSSL",
    "forceSSL",
    "certValid",
    "",
    "",
    "autoUpdate",
];

/// One instance's row before layout: every column's text, or the error.
struct FleetRow {
    id: String,
    /// The name, made visible (empty when the list gave none).
    name: String,
    /// The text of each column of [`FLEET_HEADER`], or `error: ...`.
    cells: Result<[String; 8], String>,
    /// The expiry as a date alone (`2026-12-10`), for narrow tables.
    date: String,
    /// The colour of the expiry and the time left.
    tone: Option<Tone>,
}

impl FleetRow {
    fn of(outcome: &Outcome, now: Timestamp) -> FleetRow {
        let id = visible(&outcome.instance_id).into_owned();
        let name = outcome
            .name
            .as_deref()
            .map_or_else(String::new, |name| visible(name).into_owned());
        match &outcome.result {
            Ok(status) => {
                let text = |name: &str| plain_value(status.get(name)).unwrap_or(MISSING.into());
                let (expires, left, tone) = match Expiry::of(status.get("validPeriod"), now) {
                    Some(e) => (e.date, e.left, e.tone),
                    None => (MISSING.to_string(), MISSING.to_string(), None),
                };
                // A timestamp shortens to its date; anything else stays whole.
                let date = match expires.get(..10) {
                    Some(day) if parse_valid_period(&expires).is_some() => day.to_string(),
                    _ => expires.clone(),
                };
                FleetRow {
                    cells: Ok([
                        id.clone(),
                        name.clone(),
                        text("enableSSL"),
                        text("forceSSL"),
                        text("certValid"),
                        expires,
                        left,
                        text("autoUpdate"),
                    ]),
                    id,
                    name,
                    date,
                    tone,
                }
            }
            Err(e) => FleetRow {
                cells: Err(format!("error: {}", short_error(e))),
                date: String::new(),
                tone: None,
                id,
                name,
            },
        }
    }
}

/// Which columns the table of many instances shows, and how wide errors may be.
#[derive(Debug, PartialEq)]
struct Layout {
    /// Indexes into [`FLEET_HEADER`], in display order.
    columns: Vec<usize>,
    /// Expiry timestamps shown as dates.
    dates_only: bool,
    /// Errors are cut to this many characters.
    error_width: usize,
}

impl Layout {
    /// The widest layout that fits `width`: every column when there is no
    /// limit; else narrowed step by step ([`DROP_ORDER`]). When even the
    /// narrowest does not fit, the narrowest (ids and dates stay whole).
    fn fitting(rows: &[FleetRow], width: Option<usize>) -> Layout {
        let errors = || rows.iter().filter_map(|row| row.cells.as_ref().err());
        let longest_error = errors().map(|e| chars(e)).max().unwrap_or(0);
        // An error wraps at spaces: its longest word is the least room it needs.
        let longest_word = errors()
            .flat_map(|e| e.split(' ').map(chars))
            .max()
            .unwrap_or(0);
        let error_room = longest_error.min(MIN_ERROR_WIDTH.max(longest_word));
        // The name column only when some instance has a name.
        let named = rows.iter().any(|row| !row.name.is_empty());
        let shown = |column: &usize| named || *column != NAME;
        let Some(width) = width else {
            return Layout {
                columns: (0..FLEET_HEADER.len()).filter(shown).collect(),
                dates_only: false,
                error_width: longest_error,
            };
        };
        let mut candidates = vec![(Vec::new(), false), (Vec::new(), true)];
        for dropped in 1..=DROP_ORDER.len() {
            candidates.push((DROP_ORDER[..dropped].to_vec(), true));
        }
        let mut chosen = None;
        for (dropped, dates_only) in candidates {
            let columns: Vec<usize> = (0..FLEET_HEADER.len())
                .filter(|c| shown(c) && !dropped.contains(c))
                .collect();
            let widths: Vec<usize> = columns
                .iter()
                .map(|&c| column_width(rows, c, dates_only, error_room))
                .collect();
            let total = table_width(&widths);
            let fits = total <= width;
            chosen = Some((columns, dates_only, widths, total));
            if fits {
                break;
            }
        }
        let (columns, dates_only, widths, total) = chosen.expect("there is a layout");
        // The errors take the room left over, up to their whole length.
        let ssl = widths[columns.iter().position(|&c| c == SSL).expect("SSL stays")];
        let error_width = (ssl + width.saturating_sub(total)).min(longest_error);
        Layout {
            columns,
            dates_only,
            error_width: error_width.max(ssl.min(longest_error)),
        }
    }
}

/// The width of `column` in rows: its header, its texts, and errors (for
/// the SSL column) counted as at most `error_room`.
fn column_width(rows: &[FleetRow], column: usize, dates_only: bool, error_room: usize) -> usize {
    rows.iter()
        .map(|row| match (&row.cells, column) {
            (Ok(_), EXPIRES) if dates_only => chars(&row.date),
            (Ok(cells), _) => chars(&cells[column]),
            (Err(_), SSL) => error_room,
            (Err(_), ID) => chars(&row.id),
            (Err(_), NAME) => chars(&row.name),
            (Err(_), _) => 0,
        })
        .chain([chars(FLEET_HEADER[column])])
        .max()
        .unwrap_or(0)
}

/// The width of a table whose columns have `widths`: a border, and each
/// column padded by a space on either side and followed by a border.
fn table_width(widths: &[usize]) -> usize {
    1 + widths.iter().map(|w| w + 3).sum::<usize>()
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `validPeriod` as the tables show it.
struct Expiry {
    /// The date as the API gave it.
    date: String,
    /// "in 11 days", "expired 2 days ago", or "unrecognised date".
    left: String,
    /// Red once expired, yellow when expiring soon (none for an unrecognised date).
    tone: Option<Tone>,
}

impl Expiry {
    /// The expiry of `value` at `now`; `None` when it is null or missing.
    fn of(value: Option<&Value>, now: Timestamp) -> Option<Expiry> {
        let date = plain_value(value)?;
        Some(match parse_valid_period(&date) {
            Some(expiry) => Expiry {
                left: describe_time_left(expiry, now),
                tone: expiry_tone(expiry, now),
                date,
            },
            None => Expiry {
                date,
                left: "unrecognised date".to_string(),
                tone: None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-29T00:00:00Z".parse().unwrap()
    }

    fn one_table(data: &Value, palette: &Palette) -> String {
        render_in(
            Answers::One(data.as_object().unwrap()),
            now(),
            palette,
            None,
        )
    }

    fn plain_table(data: &Value) -> String {
        one_table(data, &Palette::default())
    }

    use crate::render::fixtures::{ok, outcome};

    fn not_found(id: &str) -> Outcome {
        outcome(id, Err(crate::render::fixtures::not_found(id)))
    }

    #[test]
    fn labels_expiry_and_time_left() {
        let data = json!({"instanceId": "obxxx", "enableSSL": "OPEN", "certValid": true,
                          "validPeriod": "2026-12-10T04:11:13Z"});
        let out = plain_table(&data);
        assert!(out.contains("SSL enabled"), "{out}");
        assert!(out.contains("2026-12-10T04:11:13Z (in 11 days)"), "{out}");
        assert!(out.contains("true"));
    }

    #[test]
    fn nulls_and_missing_fields_show_a_dash_and_extras_appear() {
        let data = json!({"validPeriod": null, "caUrl": null, "tlsVersion": "TLSv1.3",
                          "nested": {"a": 1}});
        let out = plain_table(&data);
        let dash_rows = out.lines().filter(|l| l.contains(" - ")).count();
        assert_eq!(dash_rows, KNOWN_FIELDS.len(), "{out}");
        assert!(
            out.contains("tlsVersion") && out.contains("TLSv1.3"),
            "{out}"
        );
        assert!(out.contains(r#"{"a":1}"#), "{out}");
    }

    #[test]
    fn colour_marks_states_and_expiry_only_when_on() {
        let data = json!({"enableSSL": "OPEN", "forceSSL": "CLOSE", "certValid": true,
                          "validPeriod": "2026-12-10T04:11:13Z"});
        let plain = one_table(&data, &Palette::new(false));
        assert!(!plain.contains('\x1b'), "{plain}");
        assert_eq!(plain, plain_table(&data));
        let coloured = one_table(&data, &Palette::new(true));
        for (sgr, text) in [
            ("\x1b[38;5;2m", "OPEN"),
            ("\x1b[38;5;1m", "CLOSE"),
            ("\x1b[38;5;2m", "true"),
            ("\x1b[38;5;3m", "2026-12-10"),
        ] {
            let line = coloured.lines().find(|l| l.contains(text)).unwrap();
            assert!(line.contains(sgr), "{text}: {line:?}");
        }
        let label_line = coloured
            .lines()
            .find(|l| l.contains("Instance ID"))
            .unwrap();
        assert!(!label_line.contains('\x1b'), "{label_line:?}");
    }

    #[test]
    fn an_unparsable_date_is_shown_not_fatal() {
        let data = json!({"validPeriod": "next tuesday"});
        let out = plain_table(&data);
        assert!(out.contains("next tuesday (unrecognised date)"), "{out}");
    }

    #[test]
    fn fleet_rows_follow_the_input_and_show_errors() {
        let outcomes = [
            ok(
                "ob-z",
                json!({"enableSSL": "OPEN", "validPeriod": "2026-12-10T04:11:13Z"}),
            ),
            not_found("ob-a"),
        ];
        let out = render_in(Answers::Many(&outcomes), now(), &Palette::default(), None);
        assert!(
            out.find("ob-z").unwrap() < out.find("ob-a").unwrap(),
            "{out}"
        );
        assert!(out.contains("in 11 days"), "{out}");
        assert!(out.contains("error: HTTP 404 InstanceNotFound"), "{out}");
        assert!(!out.contains('\x1b'), "{out}");
    }

    #[test]
    fn the_fleet_table_colours_like_the_single_table() {
        let outcomes = [
            ok(
                "ob-z",
                json!({"enableSSL": "OPEN", "forceSSL": "CLOSE", "certValid": true,
                       "validPeriod": "2026-11-28T00:00:00Z", "autoUpdate": "OPEN"}),
            ),
            not_found("ob-a"),
        ];
        let out = render_in(Answers::Many(&outcomes), now(), &Palette::new(true), None);
        let row = out.lines().find(|l| l.contains("ob-z")).unwrap();
        for (sgr, text) in [
            ("\x1b[38;5;2m", "OPEN"),
            ("\x1b[38;5;1m", "CLOSE"),
            ("\x1b[38;5;1m", "expired 1 day ago"),
        ] {
            assert!(row.contains(&format!("{sgr}{text}")), "{text}: {row:?}");
        }
        let error_row = out.lines().find(|l| l.contains("ob-a")).unwrap();
        assert!(error_row.contains("\x1b[38;5;1merror:"), "{error_row:?}");
    }

    fn fleet() -> Vec<Outcome> {
        vec![
            ok(
                "obcluster-expiring-soon",
                json!({"enableSSL": "OPEN", "forceSSL": "CLOSE", "certValid": true,
                       "validPeriod": "2026-12-10T04:11:13Z", "autoUpdate": "OPEN"}),
            ),
            ok(
                "obcluster-legacy-date",
                json!({"enableSSL": "OPEN", "validPeriod": "2027-09-20 07:55:03.0"}),
            ),
            not_found("obcluster-missing-instance"),
        ]
    }

    #[test]
    fn names_get_a_column_beside_the_id_that_goes_last_when_narrowed() {
        let mut outcomes = fleet();
        outcomes[0].name = Some("orders \u{1b}[31mprod".into());
        outcomes[2].name = Some("gone".into());
        let render = |width| render_in(Answers::Many(&outcomes), now(), &Palette::default(), width);
        let out = render(None);
        let header = out.lines().nth(1).unwrap();
        assert!(header.starts_with("│ Instance ID "), "{header}");
        assert!(header.contains("┆ Name "), "{header}");
        // Server text made visible; an unnamed instance has an empty cell; an
        // error row keeps its name.
        assert!(out.contains("┆ orders \\u{1b}[31mprod ┆ OPEN "), "{out}");
        assert!(out.contains("│ obcluster-legacy-date      ┆ "), "{out}");
        assert!(out.contains("┆ gone "), "{out}");
        // Narrowed, the name is the last column to go: never before Time left.
        let mut dropped = false;
        for width in 60..=200 {
            let out = render(Some(width));
            let header = out.lines().nth(1).unwrap();
            if !header.contains("Name") {
                dropped = true;
                assert!(
                    !header.contains("Time left"),
                    "{width}: Name goes last\n{out}"
                );
            }
        }
        assert!(dropped, "at 60 columns the name column is dropped");
    }

    fn width_of(line: &str) -> usize {
        line.chars().count()
    }

    #[test]
    fn a_narrow_table_never_breaks_ids_or_dates_and_fits_the_width() {
        let outcomes = fleet();
        for width in 70..=200 {
            let out = render_in(
                Answers::Many(&outcomes),
                now(),
                &Palette::default(),
                Some(width),
            );
            for line in out.lines() {
                assert!(width_of(line) <= width, "{width}: {line:?}\n{out}");
            }
            for whole in [
                "obcluster-expiring-soon",
                "obcluster-legacy-date",
                "obcluster-missing-instance",
            ] {
                assert!(out.contains(whole), "{width}: {whole}\n{out}");
            }
            assert!(
                out.contains("2026-12-10") && out.contains("2027-09-20"),
                "{width}\n{out}"
            );
            // One row per instance (an error may take two lines): no value is cut.
            let lines = out.lines().count();
            assert!(
                (3 + outcomes.len() + 1..=3 + outcomes.len() + 2).contains(&lines),
                "{width}\n{out}"
            );
            assert!(!out.contains('…'), "{width}\n{out}");
            assert!(out.contains("InstanceNotFound"), "{width}\n{out}");
        }
    }

    #[test]
    fn narrowing_goes_by_the_stated_priority() {
        let outcomes = fleet();
        let header = |width| {
            let out = render_in(Answers::Many(&outcomes), now(), &Palette::default(), width);
            let line = out.lines().nth(1).unwrap().to_string();
            (line, out)
        };
        let (wide, out) = header(None);
        let unnamed = || FLEET_HEADER.iter().filter(|h| **h != "Name");
        assert!(unnamed().all(|h| wide.contains(h)), "{wide}");
        assert!(!wide.contains("Name"), "no names, no name column: {wide}");
        assert!(out.contains("2026-12-10T04:11:13Z"), "{out}");
        assert!(out.contains("error: HTTP 404 InstanceNotFound"), "{out}");
        // Timestamps become dates first, then Auto-update, Cert valid, Forced, Time left go.
        let (h, out) = header(Some(118));
        assert!(unnamed().all(|c| h.contains(c)), "{h}");
        assert!(!out.contains("T04:11:13Z"), "{out}");
        let (h, _) = header(Some(100));
        assert!(
            !h.contains("Auto-update") && h.contains("Cert valid"),
            "{h}"
        );
        let (h, out) = header(Some(80));
        assert!(
            !h.contains("Cert valid") && !h.contains("Forced") && h.contains("Time left"),
            "{h}"
        );
        // The error wraps in the room left, its reason whole.
        assert!(out.contains("InstanceNotFound"), "{out}");
        assert!(!out.contains('…'), "{out}");
        let (h, _) = header(Some(70));
        assert!(
            !h.contains("Time left") && h.contains("Expires") && h.contains("SSL"),
            "{h}"
        );
        // Narrower than the narrowest layout: ids and dates still whole.
        let (_, out) = header(Some(30));
        assert!(
            out.contains("obcluster-missing-instance") && out.contains("2027-09-20"),
            "{out}"
        );
    }

    #[test]
    fn long_error_text_wraps_at_spaces_and_keeps_every_word() {
        assert_eq!(
            wrap("error: HTTP 404 InstanceNotFound", 16),
            "error: HTTP 404\nInstanceNotFound"
        );
        assert_eq!(
            wrap("error: HTTP 200, not JSON", 16),
            "error: HTTP 200,\nnot JSON"
        );
        assert_eq!(wrap("a-very-long-word x", 5), "a-very-long-word\nx");
        assert_eq!(wrap("short", 12), "short");
    }
}
