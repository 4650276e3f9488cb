//! The opt-in login of `obssl probe`: HandshakeResponse41 with the
//! `mysql_native_password` or `caching_sha2_password` scramble, one auth
//! switch, `caching_sha2_password`'s fast-auth and full-auth answers, OK or
//! ERR, then COM_QUIT.
//!
//! The password is only ever read to compute a scramble, except in one case:
//! `caching_sha2_password`'s full authentication *over TLS* sends it, as the
//! `mysql` client does. Over plaintext, full authentication fails closed (no
//! RSA key is asked for, nothing is sent), and `mysql_clear_password` is never
//! answered. SHA-1 comes from ring (already a dependency), SHA-256 from sha2.

use super::mysql::{
    cap, client_capabilities, handshake_response, parse_error, protocol, read_packet, text,
    write_packet, Cursor, Handshake, ServerError, WireError, CACHING_SHA2, MAX_PACKET, NATIVE,
};
use crate::secret::Secret;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    for part in parts {
        ctx.update(part);
    }
    let mut out = [0u8; 20];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

/// The salt a scramble uses: the first 20 bytes (servers send 20, some
/// with a trailing NUL already stripped).
fn salt20(salt: &[u8]) -> &[u8] {
    &salt[..salt.len().min(20)]
}

/// `mysql_native_password`: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))); empty
/// for an empty password.
pub fn native_scramble(password: &[u8], salt: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let stage1 = sha1(&[password]);
    let stage2 = sha1(&[&stage1]);
    let mix = sha1(&[salt20(salt), &stage2]);
    stage1.iter().zip(mix).map(|(a, b)| a ^ b).collect()
}

/// `caching_sha2_password`: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + salt);
/// empty for an empty password.
pub fn caching_sha2_scramble(password: &[u8], salt: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let stage1 = sha256(&[password]);
    let stage2 = sha256(&[&stage1]);
    let mix = sha256(&[&stage2, salt20(salt)]);
    stage1.iter().zip(mix).map(|(a, b)| a ^ b).collect()
}

/// The scramble of `plugin`, or why obssl does not answer it.
fn scramble(plugin: &str, password: &Secret, salt: &[u8]) -> Result<Vec<u8>, String> {
    let pw = password.expose().as_bytes();
    match plugin {
        NATIVE => Ok(native_scramble(pw, salt)),
        CACHING_SHA2 => Ok(caching_sha2_scramble(pw, salt)),
        "mysql_clear_password" => {
            Err("the server asks for mysql_clear_password (the password in clear): obssl never sends it".into())
        }
        other => Err(format!(
            "the server asks for the authentication plugin {}, which obssl does not speak",
            text(other.as_bytes())
        )),
    }
}

/// How a login ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// The server answered OK.
    Accepted,
    /// The server answered ERR.
    Refused(ServerError),
    /// obssl stopped before the server decided, and why (a plugin it does not
    /// speak, full authentication without TLS).
    NotTried(String),
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Names of the capability bits set in `flags` that obssl knows.
pub fn capability_names(flags: u32) -> String {
    const NAMES: [(u32, &str); 9] = [
        (cap::LONG_PASSWORD, "LONG_PASSWORD"),
        (cap::LONG_FLAG, "LONG_FLAG"),
        (cap::PROTOCOL_41, "PROTOCOL_41"),
        (cap::SSL, "SSL"),
        (cap::TRANSACTIONS, "TRANSACTIONS"),
        (cap::SECURE_CONNECTION, "SECURE_CONNECTION"),
        (cap::PLUGIN_AUTH, "PLUGIN_AUTH"),
        (
            cap::PLUGIN_AUTH_LENENC_CLIENT_DATA,
            "PLUGIN_AUTH_LENENC_CLIENT_DATA",
        ),
        (cap::DEPRECATE_EOF, "DEPRECATE_EOF"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    format!("0x{flags:08x} {}", names.join("|"))
}

/// Logs in as `user` on a connection whose handshake was `hello`; `seq` is
/// the sequence id of the HandshakeResponse (1, or 2 after an SSLRequest);
/// `tls` says whether the stream is TLS. Each packet sent and received is
/// told to `trace` (lengths, flags, user, scramble in hex; never the
/// password). COM_QUIT is sent after an OK.
pub fn login(
    stream: &mut (impl Read + Write),
    hello: &Handshake,
    mut seq: u8,
    user: &str,
    password: &Secret,
    tls: bool,
    trace: &mut dyn FnMut(String),
) -> Result<LoginOutcome, WireError> {
    let capabilities = client_capabilities(hello.capabilities, tls);
    let mut plugin = hello
        .auth_plugin
        .clone()
        .unwrap_or_else(|| NATIVE.to_string());
    if plugin != NATIVE && plugin != CACHING_SHA2 {
        // Answer with the plugin obssl speaks and let the server switch.
        plugin = NATIVE.to_string();
    }
    let auth = scramble(&plugin, password, &hello.salt).map_err(protocol)?;
    let response = handshake_response(capabilities, user, &auth, &plugin);
    trace(format!(
        "> HandshakeResponse41 seq {seq}, {} bytes: capabilities {}, user {}, plugin {plugin}, scramble {} ({} bytes)",
        response.len(),
        capability_names(capabilities),
        user,
        hex(&auth),
        auth.len()
    ));
    write_packet(stream, seq, &response)?;
    // A server may switch plugins once and ask for more data a few times.
    for _ in 0..4 {
        let packet = read_packet(stream, MAX_PACKET)?;
        seq = packet.seq.wrapping_add(1);
        let payload = &packet.payload;
        match payload.first() {
            Some(0x00) => {
                trace(format!("< OK seq {}, {} bytes", packet.seq, payload.len()));
                let quit = [0x01];
                trace("> COM_QUIT seq 0, 1 byte".into());
                // The login is decided; a failure to say goodbye changes nothing.
                let _ = write_packet(stream, 0, &quit);
                return Ok(LoginOutcome::Accepted);
            }
            Some(0xff) => {
                let e = parse_error(payload)?;
                trace(format!(
                    "< ERR seq {}, {} bytes: {e}",
                    packet.seq,
                    payload.len()
                ));
                return Ok(LoginOutcome::Refused(e));
            }
            Some(0xfe) => {
                let mut c = Cursor::new(&payload[1..], "an auth switch request");
                let name = c.nul_terminated().unwrap_or_else(|| c.rest());
                let data = c.rest();
                plugin = text(name);
                let salt = data.strip_suffix(&[0]).unwrap_or(data);
                trace(format!(
                    "< AuthSwitchRequest seq {}, {} bytes: plugin {}, salt {} bytes",
                    packet.seq,
                    payload.len(),
                    plugin,
                    salt.len()
                ));
                let auth = match scramble(&plugin, password, salt) {
                    Ok(auth) => auth,
                    Err(why) => return Ok(LoginOutcome::NotTried(why)),
                };
                trace(format!(
                    "> AuthSwitchResponse seq {seq}, {} bytes: scramble {}",
                    auth.len(),
                    hex(&auth)
                ));
                write_packet(stream, seq, &auth)?;
            }
            Some(0x01) if plugin == CACHING_SHA2 => match payload.get(1) {
                Some(0x03) => {
                    trace(format!("< AuthMoreData seq {}: fast auth ok", packet.seq));
                }
                Some(0x04) => {
                    trace(format!(
                        "< AuthMoreData seq {}: perform full authentication",
                        packet.seq
                    ));
                    if !tls {
                        return Ok(LoginOutcome::NotTried(
                            "caching_sha2_password asks for full authentication without TLS: \
                             obssl never sends the password in clear (nor asks for the \
                             server's RSA key)"
                                .into(),
                        ));
                    }
                    let mut clear = password.expose().as_bytes().to_vec();
                    clear.push(0);
                    trace(format!(
                        "> password over TLS seq {seq}, {} bytes (not shown)",
                        clear.len()
                    ));
                    write_packet(stream, seq, &clear)?;
                }
                _ => return Err(protocol("an unknown caching_sha2_password answer")),
            },
            Some(other) => {
                return Err(protocol(format!(
                    "an answer to the login starting with 0x{other:02x}"
                )))
            }
            None => return Err(protocol("an empty answer to the login")),
        }
    }
    Err(protocol("too many authentication rounds"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::mysql::tests::hello;
    use crate::probe::mysql::Packet;
    use std::io;

    #[test]
    fn native_scramble_matches_the_server_side_check() {
        // The server stores SHA1(SHA1(pw)) and checks
        // SHA1(scramble XOR SHA1(salt + stored)) == stored.
        let salt = b"01234567890123456789";
        let pw = b"secret";
        let s = native_scramble(pw, salt);
        let stored = sha1(&[&sha1(&[pw])]);
        let mix = sha1(&[salt, &stored]);
        let stage1: Vec<u8> = s.iter().zip(mix).map(|(a, b)| a ^ b).collect();
        assert_eq!(sha1(&[&stage1]), stored);
        // The known vector of the PASSWORD() function: SHA1(SHA1("secret")).
        assert_eq!(hex(&stored), "14e65567abdb5135d0cfd9a70b3032c179a49ee7",);
        assert!(native_scramble(b"", salt).is_empty());
    }

    #[test]
    fn caching_sha2_scramble_matches_the_server_side_check() {
        // The server keeps SHA256(SHA256(pw)) and checks
        // SHA256(scramble XOR SHA256(stored + salt)) == stored.
        let salt = b"abcdefghijklmnopqrst";
        let pw = b"secret";
        let s = caching_sha2_scramble(pw, salt);
        assert_eq!(s.len(), 32);
        let stored = sha256(&[&sha256(&[pw])]);
        let mix = sha256(&[&stored, salt]);
        let stage1: Vec<u8> = s.iter().zip(mix).map(|(a, b)| a ^ b).collect();
        assert_eq!(sha256(&[&stage1]), stored);
    }

    /// A scripted server: what it answers, and what the client wrote.
    struct Script {
        answers: io::Cursor<Vec<u8>>,
        written: Vec<u8>,
    }

    impl Script {
        fn new(packets: &[(u8, &[u8])]) -> Self {
            let mut bytes = Vec::new();
            for (seq, payload) in packets {
                write_packet(&mut bytes, *seq, payload).unwrap();
            }
            Script {
                answers: io::Cursor::new(bytes),
                written: Vec::new(),
            }
        }

        fn sent(&self) -> Vec<Packet> {
            let mut r = &self.written[..];
            let mut packets = Vec::new();
            while !r.is_empty() {
                packets.push(read_packet(&mut r, MAX_PACKET).unwrap());
            }
            packets
        }
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.answers.read(buf)
        }
    }

    impl Write for Script {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn run(script: &mut Script, hello: &Handshake, tls: bool) -> (LoginOutcome, Vec<String>) {
        let mut lines = Vec::new();
        let pw = Secret::new("hunter2-very-secret");
        let outcome = login(script, hello, 1, "probe", &pw, tls, &mut |l| lines.push(l)).unwrap();
        for line in &lines {
            assert!(!line.contains("hunter2"), "{line}");
        }
        assert!(!script.written.windows(7).any(|w| w == b"hunter2") || tls);
        (outcome, lines)
    }

    #[test]
    fn native_login_ok_then_quit() {
        let h = hello();
        let mut s = Script::new(&[(2, &[0, 0, 0, 2, 0, 0, 0])]);
        let (outcome, lines) = run(&mut s, &h, false);
        assert_eq!(outcome, LoginOutcome::Accepted);
        let sent = s.sent();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].seq, 1);
        let r = &sent[0].payload;
        assert_eq!(&r[32..38], b"probe\0");
        assert_eq!(r[38], 20);
        assert_eq!(
            &r[39..59],
            &native_scramble(b"hunter2-very-secret", &h.salt)[..]
        );
        assert_eq!(&r[59..], b"mysql_native_password\0");
        assert_eq!(
            sent[1],
            Packet {
                seq: 0,
                payload: vec![1]
            }
        );
        assert!(lines[0].contains("user probe"), "{lines:?}");
        assert!(lines[0].contains("scramble "), "{lines:?}");
    }

    #[test]
    fn refused_login_shows_code_and_message() {
        let mut err = vec![0xff, 0x15, 0x04, b'#'];
        err.extend_from_slice(
            b"28000Access denied for user 'probe'@'localhost' (using password: YES)",
        );
        let mut s = Script::new(&[(2, &err)]);
        let (outcome, _) = run(&mut s, &hello(), false);
        match outcome {
            LoginOutcome::Refused(e) => {
                assert_eq!(e.code, 1045);
                assert_eq!(e.sql_state.as_deref(), Some("28000"));
                assert!(e.message.starts_with("Access denied"));
            }
            other => panic!("{other:?}"),
        }
    }

    /// The caching_sha2_password exchanges of the MySQL documentation
    /// ("caching_sha2_password information"), hand-built.
    fn sha2_hello() -> Handshake {
        Handshake {
            auth_plugin: Some(CACHING_SHA2.into()),
            ..hello()
        }
    }

    #[test]
    fn caching_sha2_fast_auth() {
        let mut s = Script::new(&[(2, &[0x01, 0x03]), (3, &[0, 0, 0, 2, 0, 0, 0])]);
        let (outcome, _) = run(&mut s, &sha2_hello(), false);
        assert_eq!(outcome, LoginOutcome::Accepted);
        let sent = s.sent();
        assert_eq!(sent[0].payload[38], 32);
    }

    #[test]
    fn caching_sha2_full_auth_fails_closed_without_tls() {
        let mut s = Script::new(&[(2, &[0x01, 0x04])]);
        let (outcome, _) = run(&mut s, &sha2_hello(), false);
        assert!(
            matches!(outcome, LoginOutcome::NotTried(ref why) if why.contains("never sends the password")),
            "{outcome:?}"
        );
        // Only the scrambled response went out: no RSA key request, no password.
        assert_eq!(s.sent().len(), 1);
        assert!(!s.written.windows(7).any(|w| w == b"hunter2"));
    }

    #[test]
    fn caching_sha2_full_auth_over_tls_sends_the_password() {
        let mut s = Script::new(&[(2, &[0x01, 0x04]), (4, &[0, 0, 0, 2, 0, 0, 0])]);
        let (outcome, lines) = run(&mut s, &sha2_hello(), true);
        assert_eq!(outcome, LoginOutcome::Accepted);
        let sent = s.sent();
        assert_eq!(sent[1].seq, 3);
        assert_eq!(sent[1].payload, b"hunter2-very-secret\0");
        assert!(lines.iter().any(|l| l.contains("not shown")), "{lines:?}");
    }

    #[test]
    fn auth_switch_to_native_and_refusal_of_clear_password() {
        let h = sha2_hello();
        let mut switch = vec![0xfe];
        switch.extend_from_slice(b"mysql_native_password\0");
        switch.extend_from_slice(b"ABCDEFGHIJKLMNOPQRST\0");
        let mut s = Script::new(&[(2, &switch), (4, &[0, 0, 0, 2, 0, 0, 0])]);
        let (outcome, _) = run(&mut s, &h, false);
        assert_eq!(outcome, LoginOutcome::Accepted);
        let sent = s.sent();
        assert_eq!(sent[1].seq, 3);
        assert_eq!(
            sent[1].payload,
            native_scramble(b"hunter2-very-secret", b"ABCDEFGHIJKLMNOPQRST")
        );

        let mut clear = vec![0xfe];
        clear.extend_from_slice(b"mysql_clear_password\0");
        let mut s = Script::new(&[(2, &clear)]);
        let (outcome, _) = run(&mut s, &h, true);
        assert!(matches!(outcome, LoginOutcome::NotTried(_)), "{outcome:?}");
        assert_eq!(s.sent().len(), 1);
    }
}
