//! The HTTP/1.1 server loop, with the limits that keep slow or idle clients from holding the
//! server: a bound on open connections and on those of one address, a deadline for each
//! request's header, an idle timeout between requests, a deadline for each answer, and a
//! minimum rate for request bodies and for answers that the client is slow to take. It replaces `axum::serve`, which runs
//! hyper without any timer (a client that sent half a request was never disconnected), and keeps
//! what that gave: TCP_NODELAY on every socket, the client's address as
//! `ConnectInfo<SocketAddr>`, and a graceful shutdown that lets requests in flight finish.
//!
//! The header deadline and the idle timeout are watched here rather than by hyper's own
//! `header_read_timeout`: hyper starts that timer as soon as it waits for the next request, so a
//! kept-alive connection would be closed after the header timeout, not the keep-alive one, and a
//! reverse proxy reusing it would race the close.

use std::{
    collections::HashMap,
    convert::Infallible,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{Request, Response, StatusCode, header},
    response::IntoResponse,
};
use hyper::body::{Buf, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
};
use tower::ServiceExt;

use crate::middleware::client_ip::TrustedAddresses;

/// How long the server waits for clients; see the `AQXC_*` settings in [`crate::config`].
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// From a connection's start, or from the first byte of a request that follows another,
    /// until that request's header is complete.
    pub header_timeout: Duration,
    /// How long a handler may take to start its answer, counted from the last byte of the
    /// request body received (so a slow upload that keeps sending is not cut, a stalled one is).
    pub request_timeout: Duration,
    /// How long a connection may sit idle between requests.
    pub keep_alive: Duration,
    /// Connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
    /// Connections one address may hold at once (0: no cap); more are answered 503 and closed.
    pub max_connections_per_address: usize,
    /// How fast a request body must arrive.
    pub body_rate: MinimumRate,
    /// How fast a client must take an answer the server is waiting to send.
    pub answer_rate: MinimumRate,
}

/// A slowest acceptable average rate, applied once a grace period is over.
#[derive(Clone, Copy, Debug)]
pub struct MinimumRate {
    /// Bytes a second; 0 means no minimum.
    pub bytes_per_sec: u64,
    pub grace: Duration,
}

impl MinimumRate {
    /// Whether `bytes` moved in `elapsed` is too slow. Never within the grace period, so that
    /// a phone that pauses for a moment is not cut.
    fn too_slow(&self, bytes: u64, elapsed: Duration) -> bool {
        self.bytes_per_sec > 0
            && elapsed > self.grace
            && u128::from(bytes) * 1000 < u128::from(self.bytes_per_sec) * elapsed.as_millis()
    }
}

/// Connections answered "busy" at once, beyond which more are simply closed.
const REFUSALS_AT_ONCE: usize = 64;
/// How long a refused connection is given to read the "busy" answer.
const REFUSAL_TIME: Duration = Duration::from_secs(2);
/// What a client told to come back later waits, in seconds.
const RETRY_AFTER_SECS: u32 = 5;

/// Serves `app` on `listener` until `stop` completes, then stops accepting, lets every
/// connection finish the request it is serving, and returns once all are closed. The `proxies`
/// (every visitor's connections arrive through them) are exempt from the per-address cap.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    proxies: TrustedAddresses,
    stop: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = PerAddress::new(limits.max_connections_per_address, proxies);
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    let (stopping, stop_seen) = watch::channel(false);
    // Each connection holds a receiver; all are gone when the last connection closed.
    let (all_closed, open) = watch::channel(());
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, remote) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: pause instead of spinning.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // Without TCP_NODELAY a streamed response waits ~40 ms for the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        let admitted = per_address
            .admit(remote.ip())
            .and_then(|slot| Some((slot, Arc::clone(&permits).try_acquire_owned().ok()?)));
        match admitted {
            Some((slot, permit)) => {
                let connection = connection(stream, remote, app.clone(), limits, stop_seen.clone());
                let open = open.clone();
                tokio::spawn(async move {
                    connection.await;
                    drop(permit);
                    drop(slot);
                    drop(open);
                });
            }
            None => match Arc::clone(&refusals).try_acquire_owned() {
                Ok(refusal) => {
                    tracing::warn!(%remote, "too many connections: answered 503");
                    tokio::spawn(async move {
                        refuse_busy(stream).await;
                        drop(refusal);
                    });
                }
                Err(_) => drop(stream),
            },
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    drop(open);
    all_closed.closed().await;
}

/// The connections open from each address, for the per-address cap.
#[derive(Clone)]
struct PerAddress {
    cap: usize,
    exempt: TrustedAddresses,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl PerAddress {
    fn new(cap: usize, exempt: TrustedAddresses) -> Self {
        Self {
            cap,
            exempt,
            open: Arc::default(),
        }
    }

    /// A place for one more connection from `ip`, held until dropped, or `None` when that
    /// address already holds as many as it may. Trusted proxies and an unset cap always get
    /// one that counts nothing.
    fn admit(&self, ip: IpAddr) -> Option<AddressSlot> {
        let ip = ip.to_canonical();
        if self.cap == 0 || self.exempt.contains(ip) {
            return Some(AddressSlot {
                ip: None,
                open: Arc::clone(&self.open),
            });
        }
        let ip = address_group(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(ip).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            ip: Some(ip),
            open: Arc::clone(&self.open),
        })
    }
}

/// The address a connection counts against: an IPv6 client's whole /64, which one machine is
/// usually given (and can pick any address from), or an IPv4 address itself.
fn address_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !u128::from(u64::MAX);
            IpAddr::V6(std::net::Ipv6Addr::from(prefix))
        }
    }
}

/// One connection counted against its address; the count goes down (and the address is
/// forgotten at zero, so the map holds only addresses with open connections) when dropped.
struct AddressSlot {
    ip: Option<IpAddr>,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let Some(ip) = self.ip else { return };
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&ip);
            }
        }
    }
}

/// Answers a connection beyond the limit with a 503 and closes it. The request's header is read
/// first (HTTP clients take an answer that arrives before their request as an error), and what
/// follows is read and discarded until the client closes, so that closing does not reset the
/// connection before the answer is read.
async fn refuse_busy(mut stream: TcpStream) {
    let body = "服务器繁忙，请稍后再试";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         retry-after: {RETRY_AFTER_SECS}\r\ncache-control: no-store\r\n\
         x-content-type-options: nosniff\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut header = Vec::new();
    let mut chunk = [0u8; 2048];
    let _ = tokio::time::timeout(REFUSAL_TIME / 2, async {
        while header.len() < 8192 && !header.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(read) => header.extend_from_slice(&chunk[..read]),
            }
        }
    })
    .await;
    let _ = tokio::time::timeout(REFUSAL_TIME, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        while stream.read(&mut chunk).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// What [`Activity::verdict`] finds on a connection.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Fine,
    /// No request for longer than the keep-alive timeout.
    Idle,
    /// A request's header started (or the connection opened) too long ago and is not complete.
    HeaderTooSlow,
    /// The client takes the answer too slowly (or not at all) while the server waits on it.
    ReaderTooSlow,
}

/// Milliseconds since the connection opened, marking "no header being read".
const NOT_READING_A_HEADER: u64 = u64::MAX;
/// Milliseconds since the connection opened, marking "writing is not waiting on the client".
const NOT_BLOCKED: u64 = u64::MAX;

/// What a connection has been doing, shared between its socket, its requests and its watchdog.
struct Activity {
    opened: Instant,
    /// Last time bytes moved either way (ms since `opened`).
    last_io: AtomicU64,
    /// When the header being read began (ms since `opened`), or [`NOT_READING_A_HEADER`].
    header_since: AtomicU64,
    /// Requests whose answer is not yet completely sent.
    in_flight: AtomicUsize,
    /// Since when the socket has refused the answer's bytes (ms since `opened`), or
    /// [`NOT_BLOCKED`].
    blocked_since: AtomicU64,
    /// Milliseconds the current answers' writing spent waiting on the client before that.
    blocked_for: AtomicU64,
    /// Bytes the client took since the current answers' writing first had to wait on it (those
    /// before merely filled the socket's buffers).
    taken_while_waited: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_io: AtomicU64::new(0),
            // The first request's header is due from the moment the connection opens.
            header_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            blocked_since: AtomicU64::new(NOT_BLOCKED),
            blocked_for: AtomicU64::new(0),
            taken_while_waited: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    fn read(&self, bytes: usize) {
        if bytes == 0 {
            return;
        }
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        // Bytes between requests are the start of the next request's header.
        if self.in_flight.load(Ordering::Acquire) == 0 {
            let _ = self.header_since.compare_exchange(
                NOT_READING_A_HEADER,
                now,
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
        }
    }

    fn wrote(&self, bytes: usize) {
        if bytes == 0 {
            return;
        }
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        let since = self.blocked_since.swap(NOT_BLOCKED, Ordering::AcqRel);
        if since != NOT_BLOCKED {
            self.blocked_for
                .fetch_add(now.saturating_sub(since), Ordering::AcqRel);
        }
        if since != NOT_BLOCKED || self.blocked_for.load(Ordering::Acquire) > 0 {
            self.taken_while_waited
                .fetch_add(bytes as u64, Ordering::AcqRel);
        }
    }

    /// The socket's buffer is full: the answer now waits on the client.
    fn write_blocked(&self) {
        let now = self.now();
        let _ = self.blocked_since.compare_exchange(
            NOT_BLOCKED,
            now,
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
    }

    /// A new answer starts being measured from scratch.
    fn answer_starts(&self) {
        self.blocked_since.store(NOT_BLOCKED, Ordering::Release);
        self.blocked_for.store(0, Ordering::Release);
        self.taken_while_waited.store(0, Ordering::Release);
    }

    /// Whether the client, while the server waits on it now, has taken the answer more slowly
    /// than `rate` over all the time the answer waited on it. Judged only while waiting, so a
    /// handler that is slow to produce its answer is never blamed on the client.
    fn reader_too_slow(&self, rate: &MinimumRate) -> bool {
        let since = self.blocked_since.load(Ordering::Acquire);
        if since == NOT_BLOCKED {
            return false;
        }
        let waited = self.blocked_for.load(Ordering::Acquire) + self.now().saturating_sub(since);
        rate.too_slow(
            self.taken_while_waited.load(Ordering::Acquire),
            Duration::from_millis(waited),
        )
    }

    fn verdict(&self, limits: &Limits) -> Verdict {
        // Before the in-flight check: hyper may still hold the end of an answer whose body it
        // has already dropped.
        if self.reader_too_slow(&limits.answer_rate) {
            return Verdict::ReaderTooSlow;
        }
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Verdict::Fine;
        }
        let now = self.now();
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        match self.header_since.load(Ordering::Acquire) {
            NOT_READING_A_HEADER => {
                let idle = now.saturating_sub(self.last_io.load(Ordering::Relaxed));
                if idle > millis(limits.keep_alive) {
                    Verdict::Idle
                } else {
                    Verdict::Fine
                }
            }
            since if now.saturating_sub(since) > millis(limits.header_timeout) => {
                Verdict::HeaderTooSlow
            }
            _ => Verdict::Fine,
        }
    }
}

impl Activity {
    /// Takes note of what a write on the socket did.
    fn wrote_or_blocked(&self, polled: &Poll<std::io::Result<usize>>) {
        match polled {
            Poll::Ready(Ok(written)) => self.wrote(*written),
            Poll::Pending => self.write_blocked(),
            Poll::Ready(Err(_)) => {}
        }
    }
}

/// Counts a request as in flight until its answer's body is dropped (sent, or abandoned).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> Self {
        if activity.in_flight.fetch_add(1, Ordering::AcqRel) == 0 {
            activity.answer_starts();
        }
        // The header is complete: hyper has handed the request over.
        activity
            .header_since
            .store(NOT_READING_A_HEADER, Ordering::Release);
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.last_io.store(self.0.now(), Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A socket that tells its connection's [`Activity`] when bytes move.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            self.activity.read(buf.filled().len() - before);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.activity.wrote_or_blocked(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.activity.wrote_or_blocked(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Milliseconds since a request started, marking "its body not read yet".
const NOT_READ_YET: u64 = u64::MAX;
/// How often a request body's rate is looked at.
const RATE_CHECK: Duration = Duration::from_millis(250);

/// When a request body last delivered data, how much, and whether it has ended.
struct Progress {
    started: Instant,
    /// Last data received (ms since `started`).
    last_data: AtomicU64,
    /// When the handler first asked for the body (ms since `started`), or [`NOT_READ_YET`]:
    /// the body's rate counts from then, so a handler that reads late is not blamed on the
    /// client.
    first_read: AtomicU64,
    /// Body bytes received.
    bytes: AtomicU64,
    ended: AtomicBool,
}

/// Why a request was cut before its answer.
#[derive(Debug, PartialEq, Eq)]
enum Cut {
    /// Nothing happened for the request timeout; whether the body had ended by then.
    Stalled { body_ended: bool },
    /// The body arrived more slowly than the minimum rate.
    BodyTooSlow,
}

impl Progress {
    fn new(ended: bool) -> Self {
        Self {
            started: Instant::now(),
            last_data: AtomicU64::new(0),
            first_read: AtomicU64::new(NOT_READ_YET),
            bytes: AtomicU64::new(0),
            ended: AtomicBool::new(ended),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    fn polled(&self) {
        if self.first_read.load(Ordering::Relaxed) == NOT_READ_YET {
            let _ = self.first_read.compare_exchange(
                NOT_READ_YET,
                self.now(),
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
        }
    }

    fn data(&self, bytes: usize) {
        self.last_data.store(self.now(), Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Whether the body, still arriving, has come more slowly than `rate` since the handler
    /// first asked for it.
    fn too_slow(&self, rate: &MinimumRate) -> bool {
        let first_read = self.first_read.load(Ordering::Acquire);
        if self.ended.load(Ordering::Relaxed) || first_read == NOT_READ_YET {
            return false;
        }
        let reading_for = Duration::from_millis(self.now().saturating_sub(first_read));
        rate.too_slow(self.bytes.load(Ordering::Relaxed), reading_for)
    }

    /// Completes once `timeout` has passed since the last data (or the start), or once the
    /// body is found slower than `rate`.
    async fn cut(&self, timeout: Duration, rate: MinimumRate) -> Cut {
        loop {
            let last = Duration::from_millis(self.last_data.load(Ordering::Relaxed));
            let deadline = self.started + last + timeout;
            if Instant::now() >= deadline {
                return Cut::Stalled {
                    body_ended: self.ended.load(Ordering::Relaxed),
                };
            }
            if self.too_slow(&rate) {
                return Cut::BodyTooSlow;
            }
            let wake = if rate.bytes_per_sec > 0 && !self.ended.load(Ordering::Relaxed) {
                deadline.min(Instant::now() + RATE_CHECK)
            } else {
                deadline
            };
            tokio::time::sleep_until(wake.into()).await;
        }
    }
}

/// A body that reports its data to a request's [`Progress`], or keeps a request counted as in
/// flight until it is dropped.
struct Tracked<B> {
    inner: B,
    progress: Option<Arc<Progress>>,
    _in_flight: Option<InFlight>,
}

impl<B> hyper::body::Body for Tracked<B>
where
    B: hyper::body::Body + Unpin,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Some(progress) = &self.progress {
            progress.polled();
            match &polled {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        progress.data(data.remaining());
                    }
                }
                Poll::Ready(None) => progress.ended.store(true, Ordering::Relaxed),
                _ => {}
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves one connection until it closes, the client is too slow or idle, or the server stops.
async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    app: Router,
    limits: Limits,
    mut stop_seen: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        stream,
        activity: Arc::clone(&activity),
    });
    let requests = Arc::clone(&activity);
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        answer(app.clone(), remote, Arc::clone(&requests), limits, request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Deadlines are watched below, not by hyper's timer (see the module's documentation).
    builder.header_read_timeout(None);
    let connection = builder.serve_connection(io, service).with_upgrades();
    let mut connection = std::pin::pin!(connection);
    let tick = (limits.header_timeout.min(limits.keep_alive) / 4)
        .clamp(Duration::from_millis(100), Duration::from_secs(1));
    let mut watchdog = tokio::time::interval(tick);
    watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut closing = false;
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%remote, %error, "connection ended with an error");
                }
                break;
            }
            _ = stop_seen.wait_for(|stop| *stop), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            _ = watchdog.tick() => match activity.verdict(&limits) {
                Verdict::Fine => {}
                Verdict::Idle => {
                    if !closing {
                        closing = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
                Verdict::HeaderTooSlow => {
                    tracing::debug!(%remote, "closed a connection that did not send its request header in time");
                    break;
                }
                Verdict::ReaderTooSlow => {
                    tracing::info!(%remote, "closed a connection whose client took its answer too slowly");
                    break;
                }
            },
        }
    }
}

/// Hands one request to the portal, with the client's address, within the request timeout and
/// while its body arrives fast enough.
async fn answer(
    app: Router,
    remote: SocketAddr,
    activity: Arc<Activity>,
    limits: Limits,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let in_flight = InFlight::start(activity);
    let progress = Arc::new(Progress::new(hyper::body::Body::is_end_stream(
        request.body(),
    )));
    let mut request = request.map(|body| {
        Body::new(Tracked {
            inner: body,
            progress: Some(Arc::clone(&progress)),
            _in_flight: None,
        })
    });
    request.extensions_mut().insert(ConnectInfo(remote));
    let response = tokio::select! {
        response = app.oneshot(request) => match response {
            Ok(response) => response,
            Err(never) => match never {},
        },
        cut = progress.cut(limits.request_timeout, limits.body_rate) => timed_out(cut),
    };
    Ok(response.map(|body| {
        Body::new(Tracked {
            inner: body,
            progress: None,
            _in_flight: Some(in_flight),
        })
    }))
}

/// The answer when a request took too long: the client's fault if its body never finished
/// arriving or arrived too slowly (408), the server's otherwise (503).
fn timed_out(cut: Cut) -> Response<Body> {
    let (status, message) = match cut {
        Cut::Stalled { body_ended: true } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "服务器处理超时，请稍后再试",
        ),
        Cut::Stalled { body_ended: false } => (
            StatusCode::REQUEST_TIMEOUT,
            "请求内容传送超时，请检查网络后重试",
        ),
        Cut::BodyTooSlow => (
            StatusCode::REQUEST_TIMEOUT,
            "请求内容传送过慢，请检查网络后重试",
        ),
    };
    tracing::warn!(%status, "a request timed out");
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CONNECTION, "close"),
        ],
        message,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_millis(50),
            request_timeout: Duration::from_secs(60),
            keep_alive: Duration::from_millis(200),
            max_connections: 1,
            max_connections_per_address: 2,
            body_rate: MinimumRate {
                bytes_per_sec: 1000,
                grace: Duration::from_millis(50),
            },
            answer_rate: MinimumRate {
                bytes_per_sec: 1000,
                grace: Duration::from_millis(50),
            },
        }
    }

    #[test]
    fn a_rate_is_judged_only_after_its_grace_period() {
        let rate = limits().body_rate;
        assert!(!rate.too_slow(0, Duration::from_millis(50)));
        assert!(rate.too_slow(0, Duration::from_millis(51)));
        // 1000 bytes a second: 100 bytes in 100 ms pass, 99 do not.
        assert!(!rate.too_slow(100, Duration::from_millis(100)));
        assert!(rate.too_slow(99, Duration::from_millis(100)));
        let off = MinimumRate {
            bytes_per_sec: 0,
            ..rate
        };
        assert!(!off.too_slow(0, Duration::from_secs(3600)));
    }

    #[test]
    fn a_client_that_stops_taking_its_answer_is_too_slow_but_a_slow_handler_is_not() {
        let activity = Arc::new(Activity::new());
        let request = InFlight::start(Arc::clone(&activity));
        // The handler takes its time: nothing waits on the client.
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(activity.verdict(&limits()), Verdict::Fine);
        // The socket's buffers fill up, then the client takes nothing more.
        activity.wrote(64 * 1024);
        activity.write_blocked();
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(activity.verdict(&limits()), Verdict::ReaderTooSlow);
        // Even once hyper dropped the answer's body, its last bytes still wait.
        drop(request);
        assert_eq!(activity.verdict(&limits()), Verdict::ReaderTooSlow);
    }

    #[test]
    fn a_client_that_keeps_taking_its_answer_is_fine() {
        let activity = Arc::new(Activity::new());
        let _request = InFlight::start(Arc::clone(&activity));
        for _ in 0..4 {
            activity.write_blocked();
            std::thread::sleep(Duration::from_millis(30));
            // 30 ms waited, 1000 bytes taken: well above 1000 bytes a second.
            activity.wrote(1000);
        }
        activity.write_blocked();
        assert_eq!(activity.verdict(&limits()), Verdict::Fine);
    }

    #[test]
    fn a_body_read_too_slowly_is_cut_but_one_not_yet_asked_for_is_not() {
        let progress = Progress::new(false);
        std::thread::sleep(Duration::from_millis(80));
        assert!(!progress.too_slow(&limits().body_rate));
        progress.polled();
        progress.data(10);
        std::thread::sleep(Duration::from_millis(80));
        assert!(progress.too_slow(&limits().body_rate));
        progress.ended.store(true, Ordering::Relaxed);
        assert!(!progress.too_slow(&limits().body_rate));
    }

    #[test]
    fn each_address_holds_at_most_its_share_of_connections_but_proxies_any_number() {
        let proxies = TrustedAddresses::parse("10.0.0.1").unwrap();
        let per_address = PerAddress::new(2, proxies);
        let visitor: IpAddr = "192.0.2.7".parse().unwrap();
        let first = per_address.admit(visitor).unwrap();
        let second = per_address.admit(visitor).unwrap();
        assert!(per_address.admit(visitor).is_none());
        assert!(per_address.admit("192.0.2.8".parse().unwrap()).is_some());
        drop(first);
        assert!(per_address.admit(visitor).is_some());
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let held: Vec<_> = (0..10).map(|_| per_address.admit(proxy).unwrap()).collect();
        assert_eq!(held.len(), 10);
        drop(held);
        // One IPv6 machine picking addresses from its /64 is one address.
        let one = per_address.admit("2001:db8::1".parse().unwrap()).unwrap();
        let two = per_address.admit("2001:db8::2".parse().unwrap()).unwrap();
        assert!(
            per_address
                .admit("2001:db8::ffff:3".parse().unwrap())
                .is_none()
        );
        assert!(
            per_address
                .admit("2001:db8:0:1::1".parse().unwrap())
                .is_some()
        );
        drop((one, two));
        // Addresses without connections are forgotten.
        drop(second);
        assert!(per_address.open.lock().unwrap().is_empty());
    }

    #[test]
    fn a_connection_that_sends_no_header_in_time_is_too_slow() {
        let activity = Activity::new();
        assert_eq!(activity.verdict(&limits()), Verdict::Fine);
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(activity.verdict(&limits()), Verdict::HeaderTooSlow);
    }

    #[test]
    fn a_request_in_flight_is_never_cut_and_idleness_counts_from_its_end() {
        let activity = Arc::new(Activity::new());
        let request = InFlight::start(Arc::clone(&activity));
        std::thread::sleep(Duration::from_millis(80));
        // Body bytes while the request is served start no header deadline.
        activity.read(100);
        assert_eq!(activity.verdict(&limits()), Verdict::Fine);
        drop(request);
        assert_eq!(activity.verdict(&limits()), Verdict::Fine);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(activity.verdict(&limits()), Verdict::Idle);
        // The next request's first byte starts its header deadline.
        activity.read(1);
        assert_eq!(activity.verdict(&limits()), Verdict::Fine);
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(activity.verdict(&limits()), Verdict::HeaderTooSlow);
    }
}
