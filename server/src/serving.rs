//! The HTTP/1.1 server loop, with the limits that keep slow or idle clients from holding the
//! server: a bound on open connections, a deadline for each request's header, an idle timeout
//! between requests, and a deadline for each answer. It replaces `axum::serve`, which runs
//! hyper without any timer (a client that sent half a request was never disconnected), and keeps
//! what that gave: TCP_NODELAY on every socket, the client's address as
//! `ConnectInfo<SocketAddr>`, and a graceful shutdown that lets requests in flight finish.
//!
//! The header deadline and the idle timeout are watched here rather than by hyper's own
//! `header_read_timeout`: hyper starts that timer as soon as it waits for the next request, so a
//! kept-alive connection would be closed after the header timeout, not the keep-alive one, and a
//! reverse proxy reusing it would race the close.

use std::{
    convert::Infallible,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc,
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
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
};
use tower::ServiceExt;

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
}

/// Connections answered "busy" at once, beyond which more are simply closed.
const REFUSALS_AT_ONCE: usize = 64;
/// How long a refused connection is given to read the "busy" answer.
const REFUSAL_TIME: Duration = Duration::from_secs(2);
/// What a client told to come back later waits, in seconds.
const RETRY_AFTER_SECS: u32 = 5;

/// Serves `app` on `listener` until `stop` completes, then stops accepting, lets every
/// connection finish the request it is serving, and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
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
        match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => {
                let connection = connection(stream, remote, app.clone(), limits, stop_seen.clone());
                let open = open.clone();
                tokio::spawn(async move {
                    connection.await;
                    drop(permit);
                    drop(open);
                });
            }
            Err(_) => match Arc::clone(&refusals).try_acquire_owned() {
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
}

/// Milliseconds since the connection opened, marking "no header being read".
const NOT_READING_A_HEADER: u64 = u64::MAX;

/// What a connection has been doing, shared between its socket, its requests and its watchdog.
struct Activity {
    opened: Instant,
    /// Last time bytes moved either way (ms since `opened`).
    last_io: AtomicU64,
    /// When the header being read began (ms since `opened`), or [`NOT_READING_A_HEADER`].
    header_since: AtomicU64,
    /// Requests whose answer is not yet completely sent.
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_io: AtomicU64::new(0),
            // The first request's header is due from the moment the connection opens.
            header_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
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
        if bytes > 0 {
            self.last_io.store(self.now(), Ordering::Relaxed);
        }
    }

    fn verdict(&self, limits: &Limits) -> Verdict {
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

/// Counts a request as in flight until its answer's body is dropped (sent, or abandoned).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
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
        if let Poll::Ready(Ok(written)) = polled {
            self.activity.wrote(written);
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(written)) = polled {
            self.activity.wrote(written);
        }
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

/// When a request body last delivered data, and whether it has ended.
struct Progress {
    started: Instant,
    /// Last data received (ms since `started`).
    last_data: AtomicU64,
    ended: AtomicBool,
}

impl Progress {
    fn new(ended: bool) -> Self {
        Self {
            started: Instant::now(),
            last_data: AtomicU64::new(0),
            ended: AtomicBool::new(ended),
        }
    }

    fn data(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_data.store(now, Ordering::Relaxed);
    }

    /// Completes once `timeout` has passed since the last data (or the start); returns whether
    /// the body had ended by then.
    async fn timed_out(&self, timeout: Duration) -> bool {
        loop {
            let last = Duration::from_millis(self.last_data.load(Ordering::Relaxed));
            let deadline = self.started + last + timeout;
            if Instant::now() >= deadline {
                return self.ended.load(Ordering::Relaxed);
            }
            tokio::time::sleep_until(deadline.into()).await;
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
            match &polled {
                Poll::Ready(Some(Ok(frame))) if frame.is_data() => progress.data(),
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
        answer(
            app.clone(),
            remote,
            Arc::clone(&requests),
            limits.request_timeout,
            request,
        )
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
            },
        }
    }
}

/// Hands one request to the portal, with the client's address, within the request timeout.
async fn answer(
    app: Router,
    remote: SocketAddr,
    activity: Arc<Activity>,
    timeout: Duration,
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
        body_ended = progress.timed_out(timeout) => timed_out(body_ended),
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
/// arriving (408), the server's otherwise (503).
fn timed_out(body_ended: bool) -> Response<Body> {
    let (status, message) = if body_ended {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "服务器处理超时，请稍后再试",
        )
    } else {
        (
            StatusCode::REQUEST_TIMEOUT,
            "请求内容传送超时，请检查网络后重试",
        )
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
        }
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
