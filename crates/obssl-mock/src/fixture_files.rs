//! Fixture files: the `*.json` files of a directory, each an instance id (the file stem) and
//! its JSON value, for the instances' answers (`fixtures`) and their tenants (`tenants`).

use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

/// Reads `dir/*.json` in file-name order; a file that is not JSON is an error naming it.
pub(crate) fn read_fixture_dir(dir: &Path) -> io::Result<Vec<(String, Value)>> {
    let named = |e: io::Error, what: &Path| {
        io::Error::new(e.kind(), format!("fixtures {}: {e}", what.display()))
    };
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| named(e, dir))? {
        let path = entry.map_err(|e| named(e, dir))?.path();
        if path.extension().is_some_and(|ext| ext == "json") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let instance_id = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .filter(|stem| !stem.is_empty())
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "fixture {}: file name is not a UTF-8 instance id",
                            path.display()
                        ),
                    )
                })?
                .to_owned();
            let bytes = fs::read(&path).map_err(|e| named(e, &path))?;
            let data = serde_json::from_slice(&bytes).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("fixture {}: not valid JSON: {e}", path.display()),
                )
            })?;
            Ok((instance_id, data))
        })
        .collect()
}
