//! The one fake MySQL server of the wire tests: a listener on a free loopback port whose
//! every connection is served by a function (a greeting and then silence, garbage, a
//! cut-off packet, TLS that is too old...), and the packets they send.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// A fake server on a free port of 127.0.0.1 answering every connection with `serve`
/// (each in its own thread).
pub fn fake_mysql(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    serve_on(listener, serve);
    port
}

/// Serves every connection of `listener` with `serve` (each in its own thread).
pub fn serve_on(listener: TcpListener, serve: impl Fn(TcpStream) + Send + Sync + 'static) {
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(stream));
        }
    });
}

/// A fake server whose every connection gets `greeting` and is then held open until the
/// client closes it (with an empty greeting: never answered at all).
pub fn greeting_server(greeting: Vec<u8>) -> u16 {
    fake_mysql(move |mut stream| {
        let _ = stream.write_all(&greeting);
        hold(stream);
    })
}

/// A MySQL v10 initial handshake packet (sequence 0) of server `version`, connection
/// `connection_id`, with `capabilities` (4.1 protocol, secure connection and plugin auth,
/// with or without `CLIENT_SSL` = 0x800).
pub fn greeting(version: &[u8], connection_id: u32, capabilities: u32) -> Vec<u8> {
    let mut payload = greeting_payload_to_capabilities(version, connection_id, capabilities as u16);
    payload.push(45); // utf8mb4
    payload.extend_from_slice(&2u16.to_le_bytes()); // autocommit
    payload.extend_from_slice(&((capabilities >> 16) as u16).to_le_bytes());
    payload.push(21);
    payload.extend_from_slice(&[0; 10]);
    payload.extend_from_slice(b"ijklmnopqrst\0");
    payload.extend_from_slice(b"mysql_native_password\0");
    packet(0, &payload)
}

/// A v10 greeting that ends after the lower capability flags (an old server's short form).
pub fn short_greeting(version: &[u8], connection_id: u32, capabilities: u16) -> Vec<u8> {
    packet(
        0,
        &greeting_payload_to_capabilities(version, connection_id, capabilities),
    )
}

fn greeting_payload_to_capabilities(
    version: &[u8],
    connection_id: u32,
    capabilities: u16,
) -> Vec<u8> {
    let mut payload = vec![10];
    payload.extend_from_slice(version);
    payload.push(0);
    payload.extend_from_slice(&connection_id.to_le_bytes());
    payload.extend_from_slice(b"abcdefgh\0");
    payload.extend_from_slice(&capabilities.to_le_bytes());
    payload
}

/// A MySQL packet: the 3-byte length, the sequence number, the payload.
pub fn packet(seq: u8, payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_le_bytes()[..3].to_vec();
    bytes.push(seq);
    bytes.extend_from_slice(payload);
    bytes
}

/// Capabilities of a MySQL 5.7 server without TLS: long password, found rows, long flag,
/// connect with db, protocol 4.1, transactions, secure connection, multi results, plugin auth.
pub const NO_SSL_CAPABILITIES: u32 =
    0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x2_0000 | 0x8_0000;

/// Holds the connection open, reading until the client goes (at most a minute), without
/// answering.
pub fn hold(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}
