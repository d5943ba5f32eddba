//! Pages for anonymous visitors, kept in memory for a moment and sent again.
//!
//! Rendering a page reads the database and runs the whole view tree: a few thousand pages a
//! second on two cores, against tens of thousands for a file from memory. Yet nearly every
//! visitor is anonymous and a page changes only when somebody publishes. So the first anonymous
//! view of a page is kept, and the next ones get the same bytes.
//!
//! The same bytes for everyone, so they are compressed once: a page's inline bootstrap runs by
//! its hash, not a per-response nonce (`app::shell`), and the information pages carry no
//! visitor's CSRF token (their only form, the elderly-mode switch, is guarded by its origin).
//! From its second view on, a kept page is compressed in the background (brotli 11, gzip 9) and
//! then sent in the browser's encoding as it is; a page rendered again with the same bytes
//! keeps its compressed forms. A page that does carry a token (the sign-in form) is kept with a
//! hole where the token goes and filled per response, for the compression layer to compress.
//!
//! Only holes the server chose are filled: a page about to be kept is rendered with a fresh
//! random stand-in for the CSRF token (never the visitor's cookie, which a visitor can set to
//! any text the page contains). Every response, the first included, is then the template filled
//! with that visitor's token.
//!
//! Freshness:
//! - any state-changing request whose session resolved to a signed-in staff member empties the
//!   cache when it is done (a cookie that merely looks like a session does not), on every
//!   instance (`site_changes`);
//! - every entry lives at most the configured time (two seconds by default), which bounds what
//!   changes without staff: leaderboards, countdowns, imports from the command line;
//! - a request with any cookie besides the CSRF token and the elderly-mode setting (a staff
//!   session, a contest player) is never served from or stored in the cache, as its page can
//!   show personal state.
//!
//! Memory: every byte a kept page holds counts against the bound (`AQXC_PAGE_CACHE_MAX_BYTES`),
//! its key (the URL, which a visitor chooses: `/?x=<4 KB>` is another page) and headers
//! included, and pages past their time are swept out as new ones are kept.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::{
    foundation::request::{CSRF_COOKIE, CsrfToken},
    prefs::{ELDER_COOKIE, elder_mode_of},
};

use crate::compression::Encoded;

/// Put into a response's extensions by the session middleware when the request's session
/// resolved to a signed-in staff member: only such a request's change empties the cache.
#[derive(Clone, Copy, Debug)]
pub struct StaffRequest;

/// Largest page kept; bigger ones (a draw with thousands of enterprises) are rendered each time.
const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// What a kept page costs besides its key, headers and body: the map's slot, the page's own
/// fields, the pieces of its template.
const ENTRY_OVERHEAD_BYTES: usize = 256;
/// Largest page the server renders at all.
const MAX_RENDERED_BYTES: usize = 64 * 1024 * 1024;
/// Pages compressed at once in the background (at most one core's worth).
const MAX_PREPARING: usize = 1;

/// The kept pages and what decides their freshness.
pub struct PageCache {
    lifetime: Duration,
    /// When the kept pages add up to more (every byte counted), the cache starts again empty.
    max_total_bytes: usize,
    /// Bumped by every staff change; a page rendered across a bump is not kept.
    generation: AtomicU64,
    pages: Mutex<Pages>,
}

struct Pages {
    by_key: HashMap<Key, Arc<Page>>,
    /// The pages' sizes added up (see [`footprint`]).
    total_bytes: usize,
    /// When pages past their time were last swept out.
    swept_at: Instant,
}

impl Default for Pages {
    fn default() -> Self {
        Self {
            by_key: HashMap::new(),
            total_bytes: 0,
            swept_at: Instant::now(),
        }
    }
}

/// What the cache holds, for an operator (and a test) to see that its bound holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheStats {
    pub pages: usize,
    /// The bytes the bound is checked against.
    pub accounted_bytes: usize,
    /// The URLs (and hosts) of the kept pages, counted afresh.
    pub key_bytes: usize,
    /// The bodies of the kept pages, counted afresh.
    pub body_bytes: usize,
    /// Pages past their time still held.
    pub expired: usize,
    pub max_bytes: usize,
}

/// What a page's content can depend on for an anonymous visitor.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    host: Option<HeaderValue>,
    uri: String,
    elder: bool,
}

struct Page {
    kept_at: Instant,
    /// Its [`footprint`], set when it is kept.
    size: usize,
    headers: HeaderMap,
    body: Template,
    /// The page in each encoding, once prepared (only for a page without holes).
    encoded: OnceLock<Encoded>,
    /// Whether preparing it has been started.
    preparing: AtomicBool,
}

/// Bytes with holes where the visitor's CSRF token goes.
struct Template {
    pieces: Vec<Bytes>,
}

impl Key {
    fn len(&self) -> usize {
        self.uri.len() + self.host.as_ref().map_or(0, HeaderValue::len)
    }
}

/// The bytes a kept page holds: its key, headers and body, and a fixed overhead.
fn footprint(key: &Key, page: &Page) -> usize {
    let headers: usize = page
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    ENTRY_OVERHEAD_BYTES + key.len() + headers + page.body.len()
}

impl PageCache {
    /// A cache keeping each page for `lifetime` (zero turns it off), in at most `max_bytes`.
    pub fn new(lifetime: Duration, max_bytes: usize) -> Self {
        Self {
            lifetime,
            max_total_bytes: max_bytes,
            generation: AtomicU64::new(0),
            pages: Mutex::new(Pages::default()),
        }
    }

    fn lookup(&self, key: &Key) -> Option<Arc<Page>> {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        pages
            .by_key
            .get(key)
            .filter(|page| page.kept_at.elapsed() < self.lifetime)
            .cloned()
    }

    /// What the cache holds now.
    pub fn stats(&self) -> CacheStats {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        CacheStats {
            pages: pages.by_key.len(),
            accounted_bytes: pages.total_bytes,
            key_bytes: pages.by_key.keys().map(Key::len).sum(),
            body_bytes: pages.by_key.values().map(|page| page.body.len()).sum(),
            expired: pages
                .by_key
                .values()
                .filter(|page| page.kept_at.elapsed() >= self.lifetime)
                .count(),
            max_bytes: self.max_total_bytes,
        }
    }

    /// Drops the pages past their time, at most once per lifetime (so keeping a page stays
    /// cheap while every page lives at most about twice its time in memory).
    fn sweep(&self, pages: &mut Pages) {
        if pages.swept_at.elapsed() < self.lifetime {
            return;
        }
        let lifetime = self.lifetime;
        pages
            .by_key
            .retain(|_, page| page.kept_at.elapsed() < lifetime);
        pages.total_bytes = pages.by_key.values().map(|page| page.size).sum();
        pages.swept_at = Instant::now();
    }

    fn keep(&self, key: Key, mut page: Page, rendered_in: u64) {
        let size = footprint(&key, &page);
        if size > self.max_total_bytes {
            return;
        }
        page.size = size;
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        // Rendered again with the same bytes (the usual case when its time ran out): the
        // compressed forms still hold.
        if let Some(old) = pages.by_key.get(&key)
            && old.body.pieces == page.body.pieces
            && let Some(encoded) = old.encoded.get()
        {
            let _ = page.encoded.set(encoded.clone());
        }
        // Checked under the lock that `forget_all` takes, so a page rendered before a change
        // cannot be kept after the cache was emptied for it.
        if self.generation.load(Ordering::SeqCst) != rendered_in {
            return;
        }
        self.sweep(&mut pages);
        if let Some(old) = pages.by_key.remove(&key) {
            pages.total_bytes -= old.size;
        }
        if pages.total_bytes + size > self.max_total_bytes {
            *pages = Pages::default();
        }
        pages.by_key.insert(key, Arc::new(page));
        pages.total_bytes += size;
    }

    /// Empties the cache; pages being rendered now are not kept.
    pub fn forget_all(&self) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        *pages = Pages::default();
    }
}

/// What the page-cache middleware works with: this instance's pages, and the changes that
/// empty them on every instance.
#[derive(Clone)]
pub struct CachedPages {
    pub cache: Arc<PageCache>,
    pub changes: Arc<crate::site_changes::SiteChanges>,
}

pub async fn serve(
    State(CachedPages { cache, changes }): State<CachedPages>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET {
        let changes_state = super::csrf::changes_state(request.method());
        let response = next.run(request).await;
        if changes_state && response.extensions().get::<StaffRequest>().is_some() {
            changes.changed().await;
        }
        return response;
    }
    if cache.lifetime.is_zero() {
        return next.run(request).await;
    }
    let Some(key) = cacheable_request(&request) else {
        return next.run(request).await;
    };
    let token = request
        .extensions()
        .get::<CsrfToken>()
        .map(|token| token.0.clone())
        .unwrap_or_default();

    if let Some(page) = cache.lookup(&key) {
        return page.respond_again(request.headers(), &token);
    }

    // Rendered with a stand-in token, so that the template's holes are where the server put
    // them and nowhere else.
    let placeholder = app::staff::session::random_token();
    request
        .extensions_mut()
        .insert(CsrfToken(placeholder.clone()));
    let rendered_in = cache.generation.load(Ordering::SeqCst);
    let response = next.run(request).await;
    if !is_html(&response) {
        return response;
    }
    let keep = cacheable_response(&response);
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_RENDERED_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "rendering a page failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = Page::from_response(&parts.headers, &body, &placeholder);
    let mut response = page.respond(&token);
    *response.status_mut() = parts.status;
    *response.extensions_mut() = parts.extensions;
    if keep && body.len() <= MAX_PAGE_BYTES && std::str::from_utf8(&body).is_ok() {
        cache.keep(key, page, rendered_in);
    }
    response
}

/// The key of a GET request whose page is the same for every anonymous visitor: no cookie
/// but the CSRF token and the elderly-mode choice, each at most once.
fn cacheable_request(request: &Request) -> Option<Key> {
    let headers = request.headers();
    let (mut tokens, mut elders) = (0, 0);
    for value in headers.get_all(header::COOKIE) {
        for pair in value.to_str().ok()?.split(';') {
            let name = pair.trim().split_once('=').map_or(pair.trim(), |(n, _)| n);
            match name {
                "" => {}
                CSRF_COOKIE => tokens += 1,
                ELDER_COOKIE => elders += 1,
                _ => return None,
            }
        }
    }
    if tokens > 1 || elders > 1 {
        return None;
    }
    Some(Key {
        host: headers.get(header::HOST).cloned(),
        uri: request.uri().to_string(),
        elder: elder_mode_of(headers),
    })
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"))
}

/// A complete, successful HTML page that sets nothing for the visitor.
fn cacheable_response(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && is_html(response)
        && !headers.contains_key(header::SET_COOKIE)
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("no-store") || value.contains("private"))
}

impl Page {
    /// The page from a rendered response, with holes where the server's stand-in `token` is.
    fn from_response(headers: &HeaderMap, body: &Bytes, token: &str) -> Page {
        let mut headers = headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        Page {
            kept_at: Instant::now(),
            size: 0,
            headers,
            body: Template::new(body.clone(), token),
            encoded: OnceLock::new(),
            preparing: AtomicBool::new(false),
        }
    }

    /// The page for one more visitor: prepared bytes in their encoding when there are, else
    /// filled with their token (and compressed on the way out by the compression layer).
    fn respond_again(self: &Arc<Self>, request_headers: &HeaderMap, token: &str) -> Response {
        if !self.body.has_holes() {
            match self.encoded.get() {
                Some(encoded) => {
                    let (bytes, encoding) = encoded.pick(request_headers);
                    let mut response = self.with_headers(Body::from(bytes));
                    let headers = response.headers_mut();
                    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                    if let Some(value) = encoding.header_value() {
                        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(value));
                    }
                    return response;
                }
                None => self.prepare(),
            }
        }
        self.respond(token)
    }

    fn respond(&self, token: &str) -> Response {
        self.with_headers(Body::from(self.body.fill(token)))
    }

    fn with_headers(&self, body: Body) -> Response {
        let mut response = Response::new(body);
        *response.headers_mut() = self.headers.clone();
        response
    }

    /// Compresses the page in the background, once, when a compressing slot is free (else a
    /// later view asks again).
    fn prepare(self: &Arc<Self>) {
        static PREPARING: AtomicUsize = AtomicUsize::new(0);
        if self.preparing.swap(true, Ordering::SeqCst) {
            return;
        }
        if PREPARING.fetch_add(1, Ordering::SeqCst) >= MAX_PREPARING {
            PREPARING.fetch_sub(1, Ordering::SeqCst);
            self.preparing.store(false, Ordering::SeqCst);
            return;
        }
        let page = self.clone();
        tokio::task::spawn_blocking(move || {
            match Encoded::best(page.body.fill(""), true) {
                Ok(encoded) => {
                    let _ = page.encoded.set(encoded);
                }
                Err(error) => tracing::warn!(%error, "compressing a kept page failed"),
            }
            PREPARING.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

impl Template {
    /// Cuts `text` at every occurrence of `token` (a random value the server chose, so it
    /// occurs nowhere else).
    fn new(text: Bytes, token: &str) -> Template {
        let mut pieces = Vec::new();
        let mut from = 0;
        if !token.is_empty() {
            for at in memchr::memmem::find_iter(&text, token.as_bytes()) {
                pieces.push(text.slice(from..at));
                from = at + token.len();
            }
        }
        pieces.push(text.slice(from..));
        Template { pieces }
    }

    fn has_holes(&self) -> bool {
        self.pieces.len() > 1
    }

    fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    fn fill(&self, token: &str) -> Bytes {
        if let [whole] = self.pieces.as_slice() {
            return whole.clone();
        }
        // The CSRF guard only passes tokens of its own alphabet; escaped all the same, since
        // the holes sit inside markup.
        let token = app::foundation::html::escape(token);
        let mut out = Vec::with_capacity(self.len() + (self.pieces.len() - 1) * token.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(token.as_bytes());
            }
            out.extend_from_slice(piece);
        }
        out.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_page_gets_each_visitors_token_everywhere() {
        let body = Bytes::from_static(
            b"<form><input value=\"T0ken-of-the-visitor\"></form><p>T0ken-of-the-visitor</p>",
        );
        let template = Template::new(body, "T0ken-of-the-visitor");
        assert!(template.has_holes());
        assert_eq!(
            &template.fill("other-token")[..],
            b"<form><input value=\"other-token\"></form><p>other-token</p>"
        );
    }

    #[test]
    fn holes_are_found_by_bytes_even_beside_bytes_that_are_not_utf8() {
        let template = Template::new(Bytes::from_static(b"<p>\xffT0ken</p>"), "T0ken");
        assert_eq!(&template.fill("mine")[..], b"<p>\xffmine</p>");
        assert_eq!(
            &template.fill("\"><h1>")[..],
            b"<p>\xff&quot;&gt;&lt;h1&gt;</p>"
        );
    }

    #[test]
    fn a_page_without_the_token_is_one_piece() {
        let template = Template::new(Bytes::from_static(b"<p>hello</p>"), "T0ken");
        assert!(!template.has_holes());
        assert_eq!(&template.fill("mine")[..], b"<p>hello</p>");
    }

    fn request(cookie: Option<&str>) -> Request {
        let mut builder = Request::builder().uri("/articles?page=2");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_anonymous_visitors_share_pages() {
        assert!(cacheable_request(&request(None)).is_some());
        let elder = cacheable_request(&request(Some("aqxc_csrf=abc; aqxc_elder=1"))).unwrap();
        assert!(elder.elder);
        assert!(cacheable_request(&request(Some("aqxc_session=s"))).is_none());
        assert!(cacheable_request(&request(Some("aqxc_elder=0; aqxc_player=p"))).is_none());
    }

    fn kept(cache: &PageCache, uri: String, body: &'static [u8]) {
        let key = Key {
            host: Some(HeaderValue::from_static("www.kaiping.gov.cn")),
            uri,
            elder: false,
        };
        let page = Page::from_response(&HeaderMap::new(), &Bytes::from_static(body), "T0ken");
        cache.keep(key, page, cache.generation.load(Ordering::SeqCst));
    }

    #[test]
    fn long_urls_count_against_the_bound_and_it_holds() {
        let cache = PageCache::new(Duration::from_secs(60), 64 * 1024);
        for n in 0..200 {
            kept(
                &cache,
                format!("/?x={n}{}", "a".repeat(4096)),
                b"<p>short</p>",
            );
        }
        let stats = cache.stats();
        assert!(stats.pages > 0 && stats.pages < 200, "{stats:?}");
        assert!(
            stats.key_bytes + stats.body_bytes <= stats.accounted_bytes,
            "{stats:?}"
        );
        assert!(stats.accounted_bytes <= 64 * 1024, "{stats:?}");
    }

    #[test]
    fn pages_past_their_time_are_swept_out_when_others_are_kept() {
        let cache = PageCache::new(Duration::from_millis(30), 1024 * 1024);
        for n in 0..50 {
            kept(&cache, format!("/?n={n}"), b"<p>page</p>");
        }
        assert_eq!(cache.stats().pages, 50);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.stats().expired, 50);
        kept(&cache, "/fresh".to_string(), b"<p>page</p>");
        let stats = cache.stats();
        assert_eq!((stats.pages, stats.expired), (1, 0), "{stats:?}");
        assert_eq!(
            stats.accounted_bytes,
            ENTRY_OVERHEAD_BYTES + "www.kaiping.gov.cn/fresh".len() + "<p>page</p>".len()
        );
    }

    #[test]
    fn a_cookie_named_twice_is_not_shared() {
        assert!(cacheable_request(&request(Some("aqxc_elder=1; aqxc_elder=0"))).is_none());
        assert!(cacheable_request(&request(Some("aqxc_csrf=a; aqxc_csrf=b"))).is_none());
    }
}
