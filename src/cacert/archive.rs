//! Unpacking a CA archive in memory (nothing is extracted to disk), within
//! limits that hold whatever the archive claims: at most [`MAX_ENTRIES`]
//! entries, and at most [`MAX_UNCOMPRESSED_BYTES`] read out of all of them
//! together, counted on the bytes actually decompressed (a ZIP bomb's
//! declared sizes are never trusted: the reading stops at the cap).

use super::cert::CaCert;
use super::parse::{certificates_in, describe};
use std::io::{Cursor, Read};

/// Most entries (files and folders) a CA archive may hold.
pub const MAX_ENTRIES: usize = 64;

/// Most bytes all the entries of a CA archive may decompress to together.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 8 * 1024 * 1024;

/// What an archive held: its certificates (each once, with the files it was
/// found in) and the files passed over, with why.
#[derive(Debug, Clone, Default)]
pub struct Unpacked {
    pub certificates: Vec<CaCert>,
    pub skipped: Vec<(String, String)>,
}

/// Why an archive could not be read: a sentence without the URL (the caller
/// names it).
pub type ArchiveError = String;

/// Reads the ZIP `bytes` and every certificate in it.
pub fn unpack(bytes: &[u8]) -> Result<Unpacked, ArchiveError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("the download is not a readable ZIP archive ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "the ZIP archive has {} entries, over the limit of {MAX_ENTRIES}",
            archive.len()
        ));
    }
    let mut unpacked = Unpacked::default();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| {
            format!(
                "entry {} of the ZIP archive cannot be read ({e})",
                index + 1
            )
        })?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        let allowed = MAX_UNCOMPRESSED_BYTES - total;
        let mut content = Vec::new();
        // One byte more than allowed tells "at the cap" from "over it".
        (&mut entry)
            .take(allowed + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{name} in the ZIP archive cannot be read ({e})"))?;
        if content.len() as u64 > allowed {
            return Err(format!(
                "the ZIP archive unpacks to more than {} MiB, the limit",
                MAX_UNCOMPRESSED_BYTES / (1024 * 1024)
            ));
        }
        total += content.len() as u64;
        match certificates_in(&content) {
            Ok(found) => {
                for der in found {
                    add(&mut unpacked, &der, &name)?;
                }
            }
            Err(why) => unpacked.skipped.push((name, why)),
        }
    }
    if unpacked.certificates.is_empty() {
        return Err("the ZIP archive holds no certificate in PEM, DER or PKCS#7 form".into());
    }
    Ok(unpacked)
}

/// Adds the certificate `der` found in `source`: once per certificate (by
/// fingerprint), with every file it was found in.
fn add(unpacked: &mut Unpacked, der: &[u8], source: &str) -> Result<(), ArchiveError> {
    let described = describe(der).map_err(|e| format!("{source}: {e}"))?;
    match unpacked
        .certificates
        .iter_mut()
        .find(|c| c.fingerprint == described.fingerprint)
    {
        Some(known) => {
            if !known.sources.iter().any(|s| s == source) {
                known.sources.push(source.to_string());
            }
        }
        None => unpacked.certificates.push(CaCert {
            sources: vec![source.to_string()],
            ..described
        }),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in files {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn the_mock_archive_gives_one_certificate_from_three_files() {
        // The archive the mock serves (`mock::ca_archive`), made of the same files.
        let archive = zip_of(&[
            (
                "OceanBase-CA/OceanBase-CA.pem",
                include_bytes!("../../crates/obssl-mock/src/ca/OceanBase-CA.pem"),
            ),
            (
                "OceanBase-CA/OceanBase-CA.crt",
                include_bytes!("../../crates/obssl-mock/src/ca/OceanBase-CA.crt"),
            ),
            (
                "OceanBase-CA/OceanBase-CA.p7b",
                include_bytes!("../../crates/obssl-mock/src/ca/OceanBase-CA.p7b"),
            ),
            (
                "OceanBase-CA/README.txt",
                include_bytes!("../../crates/obssl-mock/src/ca/README.txt"),
            ),
        ]);
        let unpacked = unpack(&archive).unwrap();
        assert_eq!(unpacked.certificates.len(), 1);
        assert_eq!(
            unpacked.certificates[0].sources,
            [
                "OceanBase-CA/OceanBase-CA.pem",
                "OceanBase-CA/OceanBase-CA.crt",
                "OceanBase-CA/OceanBase-CA.p7b"
            ]
        );
        assert_eq!(unpacked.skipped.len(), 1);
        assert_eq!(unpacked.skipped[0].0, "OceanBase-CA/README.txt");
    }

    #[test]
    fn limits_hold_whatever_the_archive_declares() {
        let many: Vec<(String, Vec<u8>)> = (0..=MAX_ENTRIES)
            .map(|i| (format!("f{i}.txt"), vec![b'x']))
            .collect();
        let files: Vec<(&str, &[u8])> = many
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_slice()))
            .collect();
        let e = unpack(&zip_of(&files)).unwrap_err();
        assert!(e.contains("65 entries, over the limit of 64"), "{e}");
        let zeros = vec![0u8; MAX_UNCOMPRESSED_BYTES as usize + 1];
        let e = unpack(&zip_of(&[("bomb.bin", &zeros)])).unwrap_err();
        assert!(e.contains("more than 8 MiB"), "{e}");
        let e = unpack(b"PK\x03\x04 not really").unwrap_err();
        assert!(e.contains("not a readable ZIP"), "{e}");
        let e = unpack(&zip_of(&[("a.txt", b"hello")])).unwrap_err();
        assert!(e.contains("no certificate"), "{e}");
    }

    #[test]
    fn a_bomb_that_lies_about_its_size_still_stops() {
        let zeros = vec![0u8; MAX_UNCOMPRESSED_BYTES as usize + 1024];
        let mut bytes = zip_of(&[("bomb.pem", &zeros)]);
        // Declare 100 bytes uncompressed in the local and the central header.
        let patch = |bytes: &mut Vec<u8>, signature: &[u8], offset: usize| {
            let at = bytes
                .windows(4)
                .position(|w| w == signature)
                .expect("header present");
            bytes[at + offset..at + offset + 4].copy_from_slice(&100u32.to_le_bytes());
        };
        patch(&mut bytes, b"PK\x03\x04", 22);
        patch(&mut bytes, b"PK\x01\x02", 24);
        let e = unpack(&bytes).unwrap_err();
        assert!(e.contains("more than 8 MiB"), "{e}");
    }
}
