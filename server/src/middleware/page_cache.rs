//! Pages for anonymous visitors, kept in memory for a moment and sent again.
//!
//! Rendering a page reads SQLite and runs the whole view tree: a few thousand pages a second on
//! two cores, against tens of thousands for a file from memory. Yet nearly every visitor is
//! anonymous and a page changes only when somebody publishes. So the first anonymous view of a
//! page is kept, and the next ones get the same bytes with the two values that must differ per
//! response put back in: the CSP nonce of the inline hydration script and the visitor's CSRF
//! token.
//!
//! Freshness:
//! - any state-changing request of a signed-in staff member empties the cache when it is done;
//! - every entry lives at most the configured time (two seconds by default), which bounds what
//!   changes without staff: leaderboards, countdowns, imports from the command line;
//! - a request with any cookie besides the CSRF token and the elderly-mode setting (a staff
//!   session, a contest player) is never served from or stored in the cache, as its page can
//!   show personal state.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
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

use app::{prefs::ELDER_COOKIE, request::CSRF_COOKIE, request::CsrfToken};

/// Largest page kept; bigger ones (a draw with thousands of enterprises) are rendered each time.
const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// When the kept pages add up to more, the cache starts again empty.
const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;
/// Largest page the server renders at all.
const MAX_RENDERED_BYTES: usize = 64 * 1024 * 1024;

/// The kept pages and what decides their freshness.
pub struct PageCache {
    lifetime: Duration,
    /// Bumped by every staff change; a page rendered across a bump is not kept.
    generation: AtomicU64,
    pages: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<Key, Arc<Page>>,
    total_bytes: usize,
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
    headers: HeaderMap,
    policy: Option<Template>,
    body: Template,
}

/// Bytes with holes where the per-response values go.
struct Template {
    pieces: Vec<Bytes>,
    holes: Vec<Hole>,
}

#[derive(Clone, Copy)]
enum Hole {
    Nonce,
    CsrfToken,
}

impl PageCache {
    /// A cache keeping each page for `lifetime`; zero turns it off.
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
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

    fn keep(&self, key: Key, page: Page, rendered_in: u64) {
        let size = page.body.len();
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        // Checked under the lock that `forget_all` takes, so a page rendered before a change
        // cannot be kept after the cache was emptied for it.
        if self.generation.load(Ordering::SeqCst) != rendered_in {
            return;
        }
        if pages.total_bytes + size > MAX_TOTAL_BYTES {
            *pages = Pages::default();
        }
        if let Some(old) = pages.by_key.insert(key, Arc::new(page)) {
            pages.total_bytes -= old.body.len();
        }
        pages.total_bytes += size;
    }

    fn forget_all(&self) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        *pages = Pages::default();
    }
}

pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    if cache.lifetime.is_zero() {
        return next.run(request).await;
    }
    if request.method() != Method::GET {
        let staff_change = super::csrf::changes_state(request.method())
            && super::cookie(request.headers(), app::staff::session::SESSION_COOKIE)
                .is_some_and(|token| !token.is_empty());
        let response = next.run(request).await;
        if staff_change {
            cache.forget_all();
        }
        return response;
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
        return page.respond(&fresh_nonce(), &token);
    }

    let rendered_in = cache.generation.load(Ordering::SeqCst);
    let response = next.run(request).await;
    if !cacheable_response(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_RENDERED_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "rendering a page failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if body.len() <= MAX_PAGE_BYTES
        && let Some(page) = Page::from_response(&parts.headers, &body, &token)
    {
        cache.keep(key, page, rendered_in);
    }
    Response::from_parts(parts, Body::from(body))
}

/// The key of a GET request whose page is the same for every anonymous visitor.
fn cacheable_request(request: &Request) -> Option<Key> {
    let headers = request.headers();
    let mut elder = false;
    for value in headers.get_all(header::COOKIE) {
        for pair in value.to_str().ok()?.split(';') {
            let (name, value) = pair.trim().split_once('=').unwrap_or((pair.trim(), ""));
            match name {
                "" | CSRF_COOKIE => {}
                ELDER_COOKIE => elder = value == "1",
                _ => return None,
            }
        }
    }
    Some(Key {
        host: headers.get(header::HOST).cloned(),
        uri: request.uri().to_string(),
        elder,
    })
}

/// A complete, successful HTML page that sets nothing for the visitor.
fn cacheable_response(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|kind| kind.starts_with("text/html"))
        && !headers.contains_key(header::SET_COOKIE)
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("no-store") || value.contains("private"))
}

/// A random nonce in the form Leptos uses: 16 random bytes, base64url.
fn fresh_nonce() -> String {
    let mut token = app::staff::session::random_token();
    token.truncate(22);
    token
}

/// The nonce in a page's `script-src 'nonce-…'`.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(&policy[start..start + length]).filter(|nonce| !nonce.is_empty())
}

impl Page {
    /// The page kept from a rendered response; `None` when the body is not UTF-8.
    fn from_response(headers: &HeaderMap, body: &Bytes, token: &str) -> Option<Page> {
        let mut headers = headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        let policy = headers
            .remove(header::CONTENT_SECURITY_POLICY)
            .and_then(|value| value.to_str().ok().map(str::to_owned));
        let nonce = policy.as_deref().and_then(nonce_of).map(str::to_owned);
        let mut values = Vec::new();
        if let Some(nonce) = nonce.as_deref() {
            values.push((nonce, Hole::Nonce));
        }
        if token.len() >= 16 {
            values.push((token, Hole::CsrfToken));
        }
        let policy = match policy {
            Some(policy) => Some(Template::new(Bytes::from(policy), &values)?),
            None => None,
        };
        Some(Page {
            kept_at: Instant::now(),
            headers,
            policy,
            body: Template::new(body.clone(), &values)?,
        })
    }

    fn respond(&self, nonce: &str, token: &str) -> Response {
        let mut response = Response::new(Body::from(self.body.fill(nonce, token)));
        *response.headers_mut() = self.headers.clone();
        if let Some(policy) = &self.policy
            && let Ok(value) = HeaderValue::from_bytes(&policy.fill(nonce, token))
        {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
        response
    }
}

impl Template {
    /// Cuts `text` at every occurrence of the given values; `None` when it is not UTF-8 (such a
    /// page is not kept).
    fn new(text: Bytes, values: &[(&str, Hole)]) -> Option<Template> {
        let haystack = std::str::from_utf8(&text).ok()?;
        let mut found: Vec<(usize, usize, Hole)> = values
            .iter()
            .flat_map(|(value, hole)| {
                haystack
                    .match_indices(value)
                    .map(move |(at, _)| (at, value.len(), *hole))
            })
            .collect();
        found.sort_by_key(|(at, ..)| *at);
        let mut pieces = Vec::with_capacity(found.len() + 1);
        let mut holes = Vec::with_capacity(found.len());
        let mut from = 0;
        for (at, length, hole) in found {
            if at < from {
                continue; // overlapping matches: impossible for random values, but stay sound
            }
            pieces.push(text.slice(from..at));
            holes.push(hole);
            from = at + length;
        }
        pieces.push(text.slice(from..));
        Some(Template { pieces, holes })
    }

    fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    fn fill(&self, nonce: &str, token: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() + self.holes.len() * 43);
        for (piece, hole) in self
            .pieces
            .iter()
            .zip(self.holes.iter().map(Some).chain([None]))
        {
            out.extend_from_slice(piece);
            match hole {
                Some(Hole::Nonce) => out.extend_from_slice(nonce.as_bytes()),
                Some(Hole::CsrfToken) => out.extend_from_slice(token.as_bytes()),
                None => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_page_gets_the_new_nonce_and_token_everywhere() {
        let body = Bytes::from_static(
            b"<script nonce=\"N0nce\">x</script><form><input value=\"T0ken-of-the-visitor\"></form>N0nce",
        );
        let template = Template::new(
            body,
            &[
                ("N0nce", Hole::Nonce),
                ("T0ken-of-the-visitor", Hole::CsrfToken),
            ],
        )
        .expect("the page is UTF-8");
        assert_eq!(
            String::from_utf8(template.fill("fresh", "other-token")).unwrap(),
            "<script nonce=\"fresh\">x</script><form><input value=\"other-token\"></form>fresh"
        );
    }

    #[test]
    fn a_page_that_is_not_utf8_is_not_kept() {
        assert!(Template::new(Bytes::from_static(b"<p>\xff</p>"), &[("p", Hole::Nonce)]).is_none());
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        assert_eq!(
            nonce_of("default-src 'self'; script-src 'self' 'nonce-abc_-1' 'wasm-unsafe-eval'"),
            Some("abc_-1")
        );
        assert_eq!(nonce_of("default-src 'self'"), None);
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
}
