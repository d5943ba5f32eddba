//! Clients that hold connections by being slow on purpose: trickling a body, never reading an
//! answer, or opening connection after connection from one address.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Options, TestApp, spawn_app_with};

fn address(app: &TestApp) -> std::net::SocketAddr {
    app.origin
        .trim_start_matches("http://")
        .parse()
        .expect("the test server's address")
}

/// A client with no pooled connection of its own.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

/// Reads what the server sends until it closes the connection (a reset counts as closing),
/// or `None` if it is still open after `wait`.
async fn read_until_closed(
    stream: &mut (impl AsyncReadExt + Unpin),
    wait: Duration,
) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    tokio::time::timeout(wait, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(read) => received.extend_from_slice(&chunk[..read]),
            }
        }
    })
    .await
    .ok()?;
    Some(received)
}

#[tokio::test]
async fn a_form_trickled_a_byte_at_a_time_is_answered_408_and_its_connection_closed() {
    let app = spawn_app_with(Options {
        min_body_bytes_per_sec: Some(100),
        slow_client_grace_secs: Some(1),
        ..Options::default()
    })
    .await;
    let stream = tokio::net::TcpStream::connect(address(&app))
        .await
        .expect("connected");
    let (mut from_server, mut to_server) = stream.into_split();
    // A sign-in form announced at 10 KB, then sent one byte every 100 ms: 10 bytes a second,
    // which would hold the connection for almost three hours.
    let host = address(&app);
    let header = format!(
        "POST /api/sign_in HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
         Accept: text/html\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 10000\r\n\r\n"
    );
    to_server.write_all(header.as_bytes()).await.expect("sent");
    let trickle = tokio::spawn(async move {
        for _ in 0..10_000 {
            if to_server.write_all(b"a").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let started = Instant::now();
    let received = read_until_closed(&mut from_server, Duration::from_secs(10)).await;
    trickle.abort();
    let received = received.expect("the trickling client was never disconnected");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "disconnected after {took:?}");
    // The answer may be lost to a reset when the server closes on unread bytes; when it
    // arrives it says what happened, in Chinese.
    if !received.is_empty() {
        let answer = String::from_utf8_lossy(&received);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("请求内容传送过慢"), "{answer}");
    }
    // Others are served as before.
    let health = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

/// Four megabytes: more than the kernel buffers between the server and a client that reads
/// through a small receive buffer.
fn big_file() -> String {
    "平安开平，安全生产人人有责。\n".repeat(4 * 1024 * 1024 / 42)
}

#[tokio::test]
async fn a_client_that_never_reads_a_large_answer_is_disconnected_while_readers_get_it_whole() {
    let big = big_file();
    let app = spawn_app_with(Options {
        site_files: &[("big.txt", &big)],
        min_answer_bytes_per_sec: Some(10_000),
        slow_client_grace_secs: Some(1),
        ..Options::default()
    })
    .await;
    // A reader at full speed gets every byte.
    let whole = fresh_client()
        .get(app.url("/big.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.bytes().await.unwrap().len(), big.len());

    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("small buffer");
    let mut stream = socket.connect(address(&app)).await.expect("connected");
    stream
        .write_all(b"GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("sent");
    // The client reads nothing for a while, as a script holding sockets would.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let received = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("the connection stayed open although its client stopped reading");
    assert!(
        received.len() < big.len(),
        "the whole answer ({} bytes) waited for a client that read nothing",
        received.len()
    );
    let health = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

/// Opens a connection and sends the start of a request header, never its end.
async fn half_a_request(app: &TestApp) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(address(app))
        .await
        .expect("connected");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("sent");
    stream
}

#[tokio::test]
async fn one_address_beyond_its_share_of_connections_is_told_busy_until_it_lets_one_go() {
    let app = spawn_app_with(Options {
        max_connections_per_address: Some(3),
        // Loopback is the test's own address here, not a trusted proxy's.
        proxy_addresses: Some(""),
        ..Options::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(half_a_request(&app).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let busy = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "5");
    assert_eq!(busy.text().await.unwrap(), "服务器繁忙，请稍后再试");

    held.pop();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = fresh_client()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status();
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {status} after a connection closed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_trusted_reverse_proxy_is_not_held_to_the_per_address_cap() {
    // Loopback is a trusted proxy by default: nginx on the same machine.
    let app = spawn_app_with(Options {
        max_connections_per_address: Some(3),
        ..Options::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..6 {
        held.push(half_a_request(&app).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let served = fresh_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
}
