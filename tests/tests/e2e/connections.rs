//! The server binary under connection attacks, over real sockets, with the low open-files
//! limit many service managers give a process (set with `prlimit`, soft and hard, so the
//! server cannot raise it): half-sent request heads, bodies that never finish, idle
//! keep-alive connections, and more connections from one address than it allows. During and
//! after each, a client from another address is served at once, and the server closes the
//! held connections itself within the configured time. (Before: with 1,024 files, 1,100
//! half-sent heads took the server offline for good; nothing ever closed them.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use lastmile_tests::Server;

const HEADER_TIMEOUT_S: u64 = 2;

fn attacker(port: u16, first_bytes: &[u8]) -> Option<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.write_all(first_bytes).ok()?;
    Some(s)
}

/// A client from 127.0.0.2 (another address, on loopback): the status of /v1/health, and
/// how long it took (0 when it got no answer within 5 s).
fn bystander(port: u16) -> (u16, Duration) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let started = Instant::now();
    let status = rt.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let socket = tokio::net::TcpSocket::new_v4().ok()?;
        socket.bind("127.0.0.2:0".parse().ok()?).ok()?;
        let mut stream = socket.connect(([127, 0, 0, 1], port).into()).await.ok()?;
        stream.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.ok()?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await.ok()?.ok()?;
        String::from_utf8_lossy(&answer).split(' ').nth(1)?.parse::<u16>().ok()
    });
    (status.unwrap_or(0), started.elapsed())
}

/// Whether the server has closed `s` (end of stream, a reset, or a final answer such as 408).
fn closed_by_server(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(20))).expect("timeout");
    let mut buf = [0u8; 512];
    let mut seen = Vec::new();
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn idle_and_half_sent_connections_cannot_take_the_server_offline() {
    let server = Server::start_wrapped(
        &["prlimit", "--nofile=256:256", "--"],
        &[("LASTMILE_HEADER_TIMEOUT_SECS", "2"), ("LASTMILE_BODY_TIMEOUT_SECS", "2")],
    )
    .expect("server under prlimit (util-linux)");
    let port = server.port;

    // 60 half-sent heads, 18 bodies that never finish, 18 idle keep-alive connections (one
    // full request, then nothing): 96, the limit for one address with 256 files (256 less 64
    // kept free, half of it).
    let mut held: Vec<TcpStream> = Vec::new();
    held.extend((0..60).filter_map(|_| attacker(port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")));
    let body = b"POST /v1/devices/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"invite";
    held.extend((0..18).filter_map(|_| attacker(port, body)));
    for _ in 0..18 {
        if let Some(mut s) = attacker(port, b"GET /v1/live HTTP/1.1\r\nHost: x\r\n\r\n") {
            s.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
            let mut buf = [0u8; 256];
            assert!(s.read(&mut buf).is_ok_and(|n| buf[..n].starts_with(b"HTTP/1.1 200")), "a first answer");
            held.push(s);
        }
    }
    assert_eq!(held.len(), 96, "every attacking connection was accepted");

    // More from the same address: refused at once, clearly.
    let mut extra = attacker(port, b"").expect("connect");
    extra.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
    let mut answer = String::new();
    let _ = extra.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("Retry-After"), "{answer:?}");

    // Meanwhile another address is served at once.
    let (status, took) = bystander(port);
    assert_eq!(status, 200, "{}", server.log());
    assert!(took < Duration::from_secs(1), "served in {took:?} during the attack");

    // The server closes every held connection itself, soon after the header and body timeouts.
    let deadline = Instant::now() + Duration::from_secs(HEADER_TIMEOUT_S + 4);
    let mut open = held.len();
    while Instant::now() < deadline && open > 0 {
        std::thread::sleep(Duration::from_millis(250));
        open = held.iter_mut().map(closed_by_server).filter(|closed| !closed).count();
    }
    assert_eq!(open, 0, "connections the server never closed; log:\n{}", server.log());
    let (status, took) = bystander(port);
    assert!(status == 200 && took < Duration::from_secs(1), "after the attack: {status} in {took:?}");
}

/// A flood from one address beyond what the open-files limit allows (128 files): the server
/// holds what fits (the limit less what it keeps for itself, half of it for one address) and
/// refuses the rest at once with 503, instead of failing to accept, so that another address
/// is still served; then it closes the held connections itself.
#[test]
fn a_flood_beyond_the_open_files_limit_degrades_into_refusals() {
    let server =
        Server::start_wrapped(&["prlimit", "--nofile=128:128", "--"], &[("LASTMILE_HEADER_TIMEOUT_SECS", "2")])
            .expect("server under prlimit");
    let port = server.port;
    let mut held: Vec<TcpStream> =
        (0..300).filter_map(|_| attacker(port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")).collect();
    let refused = held.iter_mut().map(closed_by_server).filter(|closed| *closed).count();
    assert!(refused >= 200, "most of the flood refused at once: {refused} of {}", held.len());
    let (status, took) = bystander(port);
    assert!(
        status == 200 && took < Duration::from_secs(1),
        "during the flood: {status} in {took:?}; log:\n{}",
        server.log()
    );
    let deadline = Instant::now() + Duration::from_secs(HEADER_TIMEOUT_S + 4);
    let mut open = held.len();
    while Instant::now() < deadline && open > 0 {
        std::thread::sleep(Duration::from_millis(250));
        open = held.iter_mut().map(closed_by_server).filter(|closed| !closed).count();
    }
    assert_eq!(open, 0, "connections the server never closed");
}
