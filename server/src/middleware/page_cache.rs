//! Pages for anonymous visitors, kept in memory for a moment and sent again.
//!
//! Rendering a page reads SQLite and runs the whole view tree: a few thousand pages a second on
//! two cores, against tens of thousands for a file from memory. Yet nearly every visitor is
//! anonymous and a page changes only when somebody publishes. So the first anonymous view of a
//! page is kept, and the next ones get the same bytes with the two values that must differ per
//! response put back in: the CSP nonce of the inline hydration script and the visitor's CSRF
//! token.
//!
//! Only placeholders the server chose are filled: a page about to be kept is rendered with a
//! fresh random stand-in for the CSRF token (never the visitor's cookie, which a visitor can set
//! to any text the page contains), and its own fresh nonce. Every response, the first included,
//! is then the template filled with that visitor's values.
//!
//! Freshness:
//! - any state-changing request whose session resolved to a signed-in staff member empties the
//!   cache when it is done (a cookie that merely looks like a session does not);
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

use app::{
    foundation::request::{CSRF_COOKIE, CsrfToken},
    prefs::{ELDER_COOKIE, elder_mode_of},
};

/// Put into a response's extensions by the session middleware when the request's session
/// resolved to a signed-in staff member: only such a request's change empties the cache.
#[derive(Clone, Copy, Debug)]
pub struct StaffRequest;

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
    if cache.lifetime.is_zero() {
        return next.run(request).await;
    }
    if request.method() != Method::GET {
        let changes_state = super::csrf::changes_state(request.method());
        let response = next.run(request).await;
        if changes_state && response.extensions().get::<StaffRequest>().is_some() {
            changes.changed().await;
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
    let mut response = page.respond(&fresh_nonce(), &token);
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
    /// The page from a rendered response, with holes where the render's nonce and the
    /// server's stand-in `token` are.
    fn from_response(headers: &HeaderMap, body: &Bytes, token: &str) -> Page {
        let mut headers = headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        let policy = headers
            .remove(header::CONTENT_SECURITY_POLICY)
            .and_then(|value| value.to_str().ok().map(str::to_owned));
        let nonce = policy.as_deref().and_then(nonce_of).map(str::to_owned);
        let mut values = vec![(token, Hole::CsrfToken)];
        if let Some(nonce) = nonce.as_deref() {
            values.push((nonce, Hole::Nonce));
        }
        Page {
            kept_at: Instant::now(),
            headers,
            policy: policy.map(|policy| Template::new(Bytes::from(policy), &values)),
            body: Template::new(body.clone(), &values),
        }
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
    /// Cuts `text` at every occurrence of the given values (random values the server chose,
    /// so they occur nowhere else).
    fn new(text: Bytes, values: &[(&str, Hole)]) -> Template {
        let mut found: Vec<(usize, usize, Hole)> = values
            .iter()
            .filter(|(value, _)| !value.is_empty())
            .flat_map(|(value, hole)| {
                memchr::memmem::find_iter(&text, value.as_bytes())
                    .map(move |at| (at, value.len(), *hole))
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
        Template { pieces, holes }
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
        );
        assert_eq!(
            String::from_utf8(template.fill("fresh", "other-token")).unwrap(),
            "<script nonce=\"fresh\">x</script><form><input value=\"other-token\"></form>fresh"
        );
    }

    #[test]
    fn holes_are_found_by_bytes_even_beside_bytes_that_are_not_utf8() {
        let template = Template::new(
            Bytes::from_static(b"<p>\xffT0ken</p>"),
            &[("T0ken", Hole::CsrfToken)],
        );
        assert_eq!(template.fill("n", "mine"), b"<p>\xffmine</p>");
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

    #[test]
    fn a_cookie_named_twice_is_not_shared() {
        assert!(cacheable_request(&request(Some("aqxc_elder=1; aqxc_elder=0"))).is_none());
        assert!(cacheable_request(&request(Some("aqxc_csrf=a; aqxc_csrf=b"))).is_none());
    }
}
