//! The MySQL protocol step of `obssl probe`, by hand: one packet read (with a
//! size cap), the server's initial handshake (v10) parsed, the 32-byte
//! SSLRequest, HandshakeResponse41, OK and ERR packets. The login itself
//! (scrambles, auth switch, COM_QUIT) is in [`super::auth`].
//!
//! Everything a server sends is untrusted: a packet is read only up to
//! [`MAX_PACKET`] bytes (a bigger header is refused before anything is
//! allocated), every field is bounds-checked, and the texts kept (server
//! version, error messages) are lossy UTF-8 of at most [`MAX_TEXT`] bytes,
//! made visible by whoever shows them.
//!
//! The password is only ever read to compute a scramble, except in one case:
//! `caching_sha2_password`'s full authentication *over TLS* sends it, as the
//! `mysql` client does. Over plaintext, full authentication fails closed (no
//! RSA key is asked for, nothing is sent), and `mysql_clear_password` is never
//! answered.

use std::fmt;
use std::io::{self, Read, Write};

/// The largest packet obssl reads. A real initial handshake is about 100
/// bytes, an OK or ERR packet a few hundred.
pub const MAX_PACKET: usize = 16 * 1024;

/// The most bytes of a server text (version, error message) obssl keeps.
pub const MAX_TEXT: usize = 256;

/// Capability flags obssl knows by name.
pub mod cap {
    pub const LONG_PASSWORD: u32 = 0x0000_0001;
    pub const LONG_FLAG: u32 = 0x0000_0004;
    pub const PROTOCOL_41: u32 = 0x0000_0200;
    pub const SSL: u32 = 0x0000_0800;
    pub const TRANSACTIONS: u32 = 0x0000_2000;
    pub const SECURE_CONNECTION: u32 = 0x0000_8000;
    pub const PLUGIN_AUTH: u32 = 0x0008_0000;
    pub const PLUGIN_AUTH_LENENC_CLIENT_DATA: u32 = 0x0020_0000;
    pub const DEPRECATE_EOF: u32 = 0x0100_0000;
}

/// `mysql_native_password`.
pub const NATIVE: &str = "mysql_native_password";
/// `caching_sha2_password`.
pub const CACHING_SHA2: &str = "caching_sha2_password";

/// utf8mb4_general_ci, what obssl asks for (it sends no text but the user name).
const CHARSET: u8 = 45;
/// The max packet size obssl announces.
const CLIENT_MAX_PACKET: u32 = MAX_PACKET as u32;

/// Why the protocol step failed.
#[derive(Debug)]
pub enum WireError {
    /// Reading or writing the socket failed (a timeout included).
    Io(io::Error),
    /// The server closed the connection.
    Closed,
    /// The server sent something that is not the protocol.
    Protocol(String),
    /// The server answered with an ERR packet.
    Server(ServerError),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Io(e) if is_timeout(e) => f.write_str("no answer in time"),
            WireError::Io(e) => write!(f, "{e}"),
            WireError::Closed => f.write_str("the server closed the connection"),
            WireError::Protocol(why) => write!(f, "not the MySQL protocol: {why}"),
            WireError::Server(e) => write!(f, "{e}"),
        }
    }
}

/// Whether an I/O error is a read or write timeout.
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl From<io::Error> for WireError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            WireError::Closed
        } else {
            WireError::Io(e)
        }
    }
}

pub(super) fn protocol(why: impl Into<String>) -> WireError {
    WireError::Protocol(why.into())
}

/// An ERR packet: error code, SQL state and message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerError {
    pub code: u16,
    pub sql_state: Option<String>,
    pub message: String,
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "server error {}", self.code)?;
        if let Some(state) = &self.sql_state {
            write!(f, " ({state})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One packet: its sequence id and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub seq: u8,
    pub payload: Vec<u8>,
}

/// Reads one packet of at most `cap` bytes: a bigger length in the header is
/// refused before anything is allocated, and a connection that ends early is
/// [`WireError::Closed`].
pub fn read_packet(reader: &mut impl Read, cap: usize) -> Result<Packet, WireError> {
    let mut header = [0u8; 4];
    reader.read_exact(&mut header)?;
    let len = usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
    if len > cap {
        return Err(protocol(format!(
            "a packet of {len} bytes announced, more than the {cap} obssl reads"
        )));
    }
    let mut payload = vec![0u8; len];
    reader
        .read_exact(&mut payload)
        .map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => {
                protocol(format!("a packet of {len} bytes announced, fewer sent"))
            }
            _ => WireError::from(e),
        })?;
    Ok(Packet {
        seq: header[3],
        payload,
    })
}

/// Writes one packet (payloads obssl builds are far below 16 MiB).
pub fn write_packet(writer: &mut impl Write, seq: u8, payload: &[u8]) -> Result<(), WireError> {
    let len = u32::try_from(payload.len()).expect("a small packet");
    let mut bytes = Vec::with_capacity(payload.len() + 4);
    bytes.extend_from_slice(&len.to_le_bytes()[..3]);
    bytes.push(seq);
    bytes.extend_from_slice(payload);
    writer.write_all(&bytes)?;
    writer.flush()?;
    Ok(())
}

/// The server's initial handshake (protocol version 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// At most [`MAX_TEXT`] bytes, lossy UTF-8; not yet made visible.
    pub server_version: String,
    pub connection_id: u32,
    /// auth-plugin-data parts 1 and 2 (the salt, usually 20 bytes).
    pub salt: Vec<u8>,
    pub capabilities: u32,
    pub charset: u8,
    pub status: u16,
    /// The default authentication plugin, when the server names one.
    pub auth_plugin: Option<String>,
}

impl Handshake {
    /// Whether the server offers TLS (`CLIENT_SSL`).
    pub fn offers_tls(&self) -> bool {
        self.capabilities & cap::SSL != 0
    }
}

/// A byte cursor that fails with a protocol error instead of panicking.
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Cursor { bytes, what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if self.bytes.len() < n {
            return Err(protocol(format!("{} ends too early", self.what)));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, WireError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, WireError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Up to the next NUL (consumed), or `None` when there is none.
    pub(super) fn nul_terminated(&mut self) -> Option<&'a [u8]> {
        let at = self.bytes.iter().position(|&b| b == 0)?;
        let text = &self.bytes[..at];
        self.bytes = &self.bytes[at + 1..];
        Some(text)
    }

    pub(super) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Server text as obssl keeps it: lossy UTF-8, at most [`MAX_TEXT`] bytes.
pub(super) fn text(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_TEXT)];
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parses an ERR packet (`0xff`, code, `#` and SQL state, message).
pub fn parse_error(payload: &[u8]) -> Result<ServerError, WireError> {
    let mut c = Cursor::new(payload, "an ERR packet");
    if c.u8()? != 0xff {
        return Err(protocol("not an ERR packet"));
    }
    let code = c.u16()?;
    let mut sql_state = None;
    if c.bytes.first() == Some(&b'#') && c.bytes.len() >= 6 {
        c.take(1)?;
        sql_state = Some(text(c.take(5)?));
    }
    Ok(ServerError {
        code,
        sql_state,
        message: text(c.rest()),
    })
}

/// Parses the server's first packet: a v10 handshake, or the ERR packet a
/// server sends instead (too many connections, host blocked).
pub fn parse_handshake(payload: &[u8]) -> Result<Handshake, WireError> {
    match payload.first() {
        None => return Err(protocol("an empty first packet")),
        Some(0xff) => return Err(WireError::Server(parse_error(payload)?)),
        Some(10) => {}
        Some(other) => {
            return Err(protocol(format!(
                "protocol version {other} in the first packet, not 10"
            )))
        }
    }
    let mut c = Cursor::new(&payload[1..], "the initial handshake");
    let version = c
        .nul_terminated()
        .ok_or_else(|| protocol("the server version is not terminated"))?;
    let connection_id = c.u32()?;
    let mut salt = c.take(8)?.to_vec();
    let _filler = c.u8()?;
    let mut capabilities = u32::from(c.u16()?);
    let mut charset = 0;
    let mut status = 0;
    let mut auth_plugin = None;
    if !c.is_empty() {
        charset = c.u8()?;
        status = c.u16()?;
        capabilities |= u32::from(c.u16()?) << 16;
        let data_len = usize::from(c.u8()?);
        let _reserved = c.take(10)?;
        if capabilities & cap::SECURE_CONNECTION != 0 {
            // Part 2 is max(13, len - 8) bytes, its last one a NUL.
            let part2 = data_len.saturating_sub(8).max(13);
            let part2 = c.take(part2.min(c.bytes.len()))?;
            let part2 = part2.strip_suffix(&[0]).unwrap_or(part2);
            salt.extend_from_slice(part2);
        }
        if capabilities & cap::PLUGIN_AUTH != 0 {
            let name = c.nul_terminated().unwrap_or_else(|| c.rest());
            auth_plugin = Some(text(name));
        }
    }
    Ok(Handshake {
        server_version: text(version),
        connection_id,
        salt,
        capabilities,
        charset,
        status,
        auth_plugin,
    })
}

/// The capabilities obssl asks for: those it speaks, as far as the server has them.
pub fn client_capabilities(server: u32, tls: bool) -> u32 {
    let wanted = cap::LONG_PASSWORD
        | cap::LONG_FLAG
        | cap::PROTOCOL_41
        | cap::TRANSACTIONS
        | cap::SECURE_CONNECTION
        | cap::PLUGIN_AUTH
        | cap::PLUGIN_AUTH_LENENC_CLIENT_DATA
        | cap::DEPRECATE_EOF;
    let mut flags = wanted & server;
    if tls {
        flags |= cap::SSL;
    }
    flags
}

/// The 32-byte SSLRequest: capabilities, max packet, charset, 23 zero bytes.
pub fn ssl_request(capabilities: u32) -> Vec<u8> {
    let mut p = Vec::with_capacity(32);
    p.extend_from_slice(&capabilities.to_le_bytes());
    p.extend_from_slice(&CLIENT_MAX_PACKET.to_le_bytes());
    p.push(CHARSET);
    p.extend_from_slice(&[0; 23]);
    p
}

/// HandshakeResponse41: the SSLRequest's fields, then the user (NUL
/// terminated), the auth response and the plugin name.
pub fn handshake_response(capabilities: u32, user: &str, auth: &[u8], plugin: &str) -> Vec<u8> {
    let mut p = ssl_request(capabilities);
    p.extend_from_slice(user.as_bytes());
    p.push(0);
    // A scramble is 20 or 32 bytes: its length is one byte, both as the
    // length-encoded integer of PLUGIN_AUTH_LENENC_CLIENT_DATA and as the
    // length byte of SECURE_CONNECTION.
    p.push(u8::try_from(auth.len()).expect("a scramble is short"));
    p.extend_from_slice(auth);
    if capabilities & cap::PLUGIN_AUTH != 0 {
        p.extend_from_slice(plugin.as_bytes());
        p.push(0);
    }
    p
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The initial handshake of MariaDB 10.11.19 (`/usr/sbin/mariadbd`, TLS
    /// on), recorded on 127.0.0.1 with its 4-byte header.
    pub const MARIADB_HELLO: &[u8] = &[
        0x64, 0x00, 0x00, 0x00, 0x0a, 0x35, 0x2e, 0x35, 0x2e, 0x35, 0x2d, 0x31, 0x30, 0x2e, 0x31,
        0x31, 0x2e, 0x31, 0x39, 0x2d, 0x4d, 0x61, 0x72, 0x69, 0x61, 0x44, 0x42, 0x2d, 0x30, 0x2b,
        0x64, 0x65, 0x62, 0x31, 0x32, 0x75, 0x31, 0x00, 0x03, 0x00, 0x00, 0x00, 0x22, 0x3c, 0x4b,
        0x44, 0x52, 0x50, 0x77, 0x2c, 0x00, 0xfe, 0xff, 0x08, 0x02, 0x00, 0xff, 0x81, 0x15, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x6f, 0x6b, 0x4b, 0x76, 0x33, 0x38,
        0x5d, 0x4d, 0x49, 0x68, 0x4e, 0x30, 0x00, 0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61,
        0x74, 0x69, 0x76, 0x65, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x00,
    ];

    pub(crate) fn hello() -> Handshake {
        let packet = read_packet(&mut &MARIADB_HELLO[..], MAX_PACKET).unwrap();
        assert_eq!(packet.seq, 0);
        parse_handshake(&packet.payload).unwrap()
    }

    #[test]
    fn the_recorded_mariadb_handshake() {
        let h = hello();
        assert_eq!(h.server_version, "5.5.5-10.11.19-MariaDB-0+deb12u1");
        assert_eq!(h.connection_id, 3);
        assert_eq!(h.salt.len(), 20);
        assert_eq!(&h.salt[..8], b"\"<KDRPw,");
        assert!(h.offers_tls());
        assert_eq!(h.charset, 8);
        assert_eq!(h.status, 2);
        assert_eq!(h.auth_plugin.as_deref(), Some(NATIVE));
        assert!(h.capabilities & cap::PLUGIN_AUTH != 0);
    }

    #[test]
    fn packet_caps_and_truncation() {
        // 0xffffff announced: refused before anything is read or allocated.
        let e = read_packet(&mut &[0xff, 0xff, 0xff, 0, 1, 2][..], MAX_PACKET).unwrap_err();
        assert!(e.to_string().contains("16777215 bytes announced"), "{e}");
        let e = read_packet(&mut &[10, 0, 0, 0, 1, 2][..], MAX_PACKET).unwrap_err();
        assert!(e.to_string().contains("fewer sent"), "{e}");
        assert!(matches!(
            read_packet(&mut &[10, 0][..], MAX_PACKET),
            Err(WireError::Closed)
        ));
        // Every truncation of the recorded handshake is an error, never a panic.
        let payload = &MARIADB_HELLO[4..];
        for end in 0..payload.len() - 22 {
            let _ = parse_handshake(&payload[..end]);
        }
        assert!(parse_handshake(&payload[..20]).is_err());
    }

    #[test]
    fn garbage_and_err_first_packets() {
        let e = parse_handshake(b"HTTP/1.1 400 Bad Request").unwrap_err();
        assert!(e.to_string().contains("protocol version 72"), "{e}");
        // ERR 1040 as MariaDB sends it before the handshake (no SQL state).
        let mut err = vec![0xff, 0x10, 0x04];
        err.extend_from_slice(b"Too many connections");
        match parse_handshake(&err) {
            Err(WireError::Server(e)) => {
                assert_eq!(e.code, 1040);
                assert_eq!(e.message, "Too many connections");
            }
            other => panic!("{other:?}"),
        }
        // A server version without its NUL.
        assert!(parse_handshake(&[10, b'5', b'.', b'7']).is_err());
        // A long version is cut to MAX_TEXT bytes.
        let mut long = vec![10];
        long.extend(std::iter::repeat_n(b'x', 5000));
        long.push(0);
        long.extend_from_slice(&[1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0]);
        assert_eq!(
            parse_handshake(&long).unwrap().server_version.len(),
            MAX_TEXT
        );
    }

    #[test]
    fn ssl_request_is_32_bytes() {
        let caps = client_capabilities(hello().capabilities, true);
        let p = ssl_request(caps);
        assert_eq!(p.len(), 32);
        assert_eq!(
            u32::from_le_bytes([p[0], p[1], p[2], p[3]]) & cap::SSL,
            cap::SSL
        );
        assert_eq!(p[8], CHARSET);
        assert!(p[9..].iter().all(|&b| b == 0));
        // Without TLS the bit is not asked for.
        assert_eq!(
            client_capabilities(hello().capabilities, false) & cap::SSL,
            0
        );
    }
}
