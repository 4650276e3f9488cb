//! The nonce cache: the digest challenge kept between invocations, so that
//! the next run signs its first request at once (one round trip, not two).
//!
//! One file per (endpoint, AccessKey ID) under `$XDG_CACHE_HOME/obssl/`
//! (`~/.cache/obssl/` on Linux): `challenge-HASH.json` holds the endpoint,
//! the AccessKey ID, the challenge's parameters as the server sent them
//! (realm, nonce, opaque, algorithm, qop, ...), the last nonce count and
//! when the challenge was received. Never the secret, never H(A1), never a
//! response, never a cookie. Directory 0700, file 0600, written atomically
//! (a temporary file renamed over it).
//!
//! A run *checks out* the entry: under an exclusive lock on
//! `challenge-HASH.lock` (`fs4`), it reads the entry and removes it, so no
//! other process signs with that nonce while this run does; the run puts
//! its challenge back, with its last nonce count, when it ends. Nonce counts
//! of a nonce therefore rise strictly across processes: only one process
//! holds a nonce at a time. A process that finds no entry goes through the
//! normal handshake.
//!
//! An entry is used only while young (60 s unless `OBSSL_NONCE_CACHE_TTL`
//! says otherwise). A file that is not a regular file owned by the user,
//! cannot be read or does not parse is ignored (and replaced at the end of
//! the run), never an error; any failure to write the cache is ignored too.

use fs4::FileExt;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a cached challenge is used unless told otherwise.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// Largest cached entry read (a challenge's parameters are well under 4 KiB).
const MAX_ENTRY_BYTES: u64 = 16 * 1024;

/// A nonce count above this is not worth restoring: http-auth can only step
/// the count forward one (throwaway) signature at a time, about 2 µs each,
/// so restoring costs at most a few ms, well under the round trip it saves.
const MAX_RESTORED_NC: u32 = 2_000;

/// How long a run waits for another process's lock on the entry before it
/// goes without the cache (the cache only saves a round trip; `check -t`
/// and cron must never wait on a lock someone else holds).
const LOCK_WAIT: Duration = Duration::from_millis(200);

/// Where the cache lives and which entry is this client's.
#[derive(Debug, Clone)]
pub struct NonceCache {
    dir: PathBuf,
    stem: String,
    endpoint: String,
    access_key_id: String,
    ttl: Duration,
}

/// A challenge as the cache holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedChallenge {
    /// The challenge's parameters (escaped values, as received).
    pub params: Vec<(String, String)>,
    /// The last nonce count sent with it.
    pub nc: u32,
    /// When the challenge (its nonce) was received, in ms since the epoch.
    pub received_ms: u64,
}

/// The file's content.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    endpoint: String,
    access_key_id: String,
    #[serde(flatten)]
    challenge: CachedChallenge,
}

/// What [`NonceCache::check_out`] found.
#[derive(Debug)]
pub enum Lookup {
    /// A young entry, now held by this run.
    Found(CachedChallenge),
    /// Nothing usable, and why (for `-v`).
    Missing(String),
}

impl NonceCache {
    /// The cache of `endpoint` and `access_key_id` in `dir` (e.g.
    /// `~/.cache/obssl`); entries older than `ttl` are not used.
    pub fn new(dir: PathBuf, endpoint: &str, access_key_id: &str, ttl: Duration) -> NonceCache {
        let stem = format!("challenge-{:016x}", fnv1a(&[endpoint, access_key_id]));
        NonceCache {
            dir,
            stem,
            endpoint: endpoint.to_string(),
            access_key_id: access_key_id.to_string(),
            ttl,
        }
    }

    /// The default directory: `obssl` under the user's cache directory.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("obssl"))
    }

    /// The entry's file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.stem))
    }

    /// Takes the entry out of the cache, under the lock: a young one is
    /// returned and removed (this run holds its nonce until
    /// [`NonceCache::put`]); anything else is removed too.
    pub fn check_out(&self) -> Lookup {
        if self.ttl.is_zero() {
            return Lookup::Missing("the cache's time to live is 0".into());
        }
        let _lock = match self.lock() {
            Ok(lock) => lock,
            Err(why) => return Lookup::Missing(why),
        };
        let path = self.path();
        let found = self.read(&path);
        if found.is_err() && !matches!(&found, Err(why) if why == NO_ENTRY) {
            // Not ours, unreadable or malformed: replaced at the end.
            let _ = fs::remove_file(&path);
        }
        let challenge = match found {
            Ok(challenge) => challenge,
            Err(why) => return Lookup::Missing(why),
        };
        // Held by this run from now on; put back when it ends.
        let _ = fs::remove_file(&path);
        let age = age_of(challenge.received_ms);
        if age >= self.ttl {
            return Lookup::Missing(format!(
                "the cached challenge is {} s old (the limit is {} s)",
                age.as_secs(),
                self.ttl.as_secs()
            ));
        }
        if challenge.nc > MAX_RESTORED_NC {
            return Lookup::Missing("the cached challenge's nonce count is too high".into());
        }
        Lookup::Found(challenge)
    }

    /// Puts `challenge` into the cache (replacing whatever is there),
    /// atomically. Failures are ignored: the cache only saves a round trip.
    pub fn put(&self, challenge: CachedChallenge) {
        let Ok(_lock) = self.lock() else {
            return;
        };
        let entry = Entry {
            endpoint: self.endpoint.clone(),
            access_key_id: self.access_key_id.clone(),
            challenge,
        };
        let Ok(text) = serde_json::to_string(&entry) else {
            return;
        };
        let write = || -> std::io::Result<()> {
            // tempfile creates 0600 files on Unix.
            let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
            file.write_all(text.as_bytes())?;
            file.persist(self.path()).map_err(|e| e.error)?;
            Ok(())
        };
        let _ = write();
    }

    /// Reads the entry at `path` when it is a regular file of this user,
    /// small, and this client's. The file is opened without following a link
    /// and without blocking (a FIFO planted there answers at once), and what
    /// is checked is the file opened, not the path.
    fn read(&self, path: &Path) -> Result<CachedChallenge, String> {
        let file = match open_private(path, false) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(NO_ENTRY.into()),
            Err(_) => {
                return Err("the cache file is not a regular file of this user; ignored".into())
            }
        };
        let meta = file
            .metadata()
            .map_err(|e| format!("the cache file cannot be read ({e}); ignored"))?;
        if !meta.file_type().is_file() || !owned_by_me(&meta) {
            return Err("the cache file is not a regular file of this user; ignored".into());
        }
        let mut text = String::new();
        std::io::Read::take(&file, MAX_ENTRY_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("the cache file cannot be read ({e}); ignored"))?;
        if text.len() as u64 > MAX_ENTRY_BYTES {
            return Err("the cache file is too large; ignored".into());
        }
        let entry: Entry = serde_json::from_str(&text)
            .map_err(|_| "the cache file is malformed; ignored".to_string())?;
        if entry.endpoint != self.endpoint || entry.access_key_id != self.access_key_id {
            return Err("the cache file belongs to another endpoint or key; ignored".into());
        }
        Ok(entry.challenge)
    }

    /// Creates the directory (0700) and takes the exclusive lock on this
    /// entry, waiting at most [`LOCK_WAIT`]; an error (why, for `-v`) when
    /// the directory is not a directory of this user, the lock file is not
    /// a regular file of this user, or another process holds the lock.
    fn lock(&self) -> Result<File, String> {
        create_private_dir(&self.dir)
            .ok_or_else(|| "the cache directory is not a directory of this user".to_string())?;
        let path = self.dir.join(format!("{}.lock", self.stem));
        let file = match open_private(&path, true) {
            Ok(file) => file,
            // Something planted in place of the lock file (a link): removed
            // (never followed) and made anew.
            Err(_) if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) => {
                let _ = fs::remove_file(&path);
                open_private(&path, true)
                    .map_err(|e| format!("the cache lock cannot be made ({e})"))?
            }
            Err(e) => return Err(format!("the cache lock cannot be made ({e})")),
        };
        let meta = file
            .metadata()
            .map_err(|e| format!("the cache lock cannot be read ({e})"))?;
        if !meta.file_type().is_file() || !owned_by_me(&meta) {
            return Err("the cache lock is not a regular file of this user".into());
        }
        // fs4 (flock), not std's File::lock (stable from Rust 1.89): obssl builds with Rust 1.88.
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            match FileExt::try_lock(&file) {
                Ok(()) => return Ok(file),
                Err(fs4::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(format!(
                        "another obssl holds the cache (waited {} ms)",
                        LOCK_WAIT.as_millis()
                    ))
                }
                Err(e) => return Err(format!("the cache lock cannot be taken ({e:?})")),
            }
        }
    }
}

/// Opens `path` for reading (and, with `create`, for writing, created with
/// mode 0600), never following a link and never blocking on a FIFO.
fn open_private(path: &Path, create: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    if create {
        options.write(true).create(true).truncate(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        options.custom_flags(
            (rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32,
        );
    }
    options.open(path)
}

const NO_ENTRY: &str = "no cached challenge";

/// How long ago `received_ms` was (zero for a time in the future).
pub fn age_of(received_ms: u64) -> Duration {
    let received = UNIX_EPOCH + Duration::from_millis(received_ms);
    SystemTime::now()
        .duration_since(received)
        .unwrap_or(Duration::ZERO)
}

/// `time` in ms since the epoch.
pub fn epoch_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Creates `dir` (mode 0700) when missing; `None` when it is not a
/// directory owned by this user.
fn create_private_dir(dir: &Path) -> Option<()> {
    if fs::symlink_metadata(dir).is_err() {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).ok()?;
    }
    let meta = fs::symlink_metadata(dir).ok()?;
    if !meta.is_dir() || !owned_by_me(&meta) {
        return None;
    }
    // A directory of this user that others may write into is made private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).ok()?;
        }
    }
    Some(())
}

#[cfg(unix)]
fn owned_by_me(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.uid() == rustix::process::geteuid().as_raw()
}

#[cfg(not(unix))]
fn owned_by_me(_: &fs::Metadata) -> bool {
    true
}

/// FNV-1a (64 bits) of `parts`, each followed by a zero byte: a stable file
/// name for an entry.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(nc: u32) -> CachedChallenge {
        CachedChallenge {
            params: vec![("realm".into(), "r".into()), ("nonce".into(), "n1".into())],
            nc,
            received_ms: epoch_ms(SystemTime::now()),
        }
    }

    #[test]
    fn an_entry_is_checked_out_once() {
        let dir = tempfile::tempdir().unwrap();
        let cache = NonceCache::new(dir.path().join("obssl"), "http://e", "ak", DEFAULT_TTL);
        assert!(matches!(cache.check_out(), Lookup::Missing(_)));
        cache.put(challenge(4));
        match cache.check_out() {
            Lookup::Found(found) => assert_eq!(found, challenge(4).clone_with(found.received_ms)),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(cache.check_out(), Lookup::Missing(_)),
            "taken twice"
        );
    }

    #[test]
    fn modes_are_private_and_old_or_foreign_entries_are_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("obssl");
        let cache = NonceCache::new(root.clone(), "http://e", "ak", DEFAULT_TTL);
        cache.put(challenge(1));
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&cache.path()), 0o600);
        let other = NonceCache::new(root.clone(), "http://e", "other-key", DEFAULT_TTL);
        assert_ne!(other.path(), cache.path());
        assert!(matches!(other.check_out(), Lookup::Missing(_)));
        let mut old = challenge(1);
        old.received_ms -= 61_000;
        cache.put(old);
        assert!(matches!(cache.check_out(), Lookup::Missing(why) if why.contains("old")));
        fs::write(cache.path(), "not json").unwrap();
        assert!(matches!(cache.check_out(), Lookup::Missing(why) if why.contains("malformed")));
        assert!(!cache.path().exists(), "a malformed file is removed");
    }

    #[test]
    fn a_held_lock_is_waited_for_briefly_then_the_cache_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = NonceCache::new(dir.path().join("obssl"), "http://e", "ak", DEFAULT_TTL);
        cache.put(challenge(1));
        let held = cache.lock().unwrap();
        let started = std::time::Instant::now();
        match cache.check_out() {
            Lookup::Missing(why) => assert!(why.contains("another obssl"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(held);
        assert!(
            matches!(cache.check_out(), Lookup::Found(_)),
            "kept for later"
        );
    }

    #[test]
    fn planted_files_never_block_nor_get_followed_and_the_directory_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("obssl");
        fs::create_dir(&root).unwrap();
        fs::set_permissions(&root, fs::Permissions::from_mode(0o777)).unwrap();
        let cache = NonceCache::new(root.clone(), "http://e", "ak", DEFAULT_TTL);
        // A FIFO as the entry, a link (to a file elsewhere) as the lock.
        let fifo = std::process::Command::new("mkfifo")
            .arg(cache.path())
            .status()
            .unwrap();
        assert!(fifo.success());
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&elsewhere, "untouched").unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(format!("{}.lock", cache.stem))).unwrap();
        let started = std::time::Instant::now();
        assert!(matches!(cache.check_out(), Lookup::Missing(_)));
        assert!(started.elapsed() < Duration::from_secs(2), "blocked");
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "untouched");
        let mode = fs::metadata(&root).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        // Both replaced: the cache works again.
        cache.put(challenge(3));
        assert!(matches!(cache.check_out(), Lookup::Found(found) if found.nc == 3));
        assert!(
            fs::symlink_metadata(root.join(format!("{}.lock", cache.stem)))
                .unwrap()
                .is_file()
        );
    }

    impl CachedChallenge {
        fn clone_with(mut self, received_ms: u64) -> CachedChallenge {
            self.received_ms = received_ms;
            self
        }
    }
}
