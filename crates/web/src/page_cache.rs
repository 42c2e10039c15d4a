//! Rendered public pages (the showcase, its lists and records, exhibitions, search) kept in
//! memory for visitors who are not signed in, with an `ETag` (a revalidation answers 304) and a
//! gzip copy made once. A page is kept under the generation of public data it was rendered in
//! (`gongjiang_db::public_changes`): once a commit anywhere changes what public pages show,
//! every instance's generation moves on within a fraction of a second and its pages are
//! rendered again.

use crate::AppState;
use crate::context::Ctx;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongjiang_db::public_changes::Generation;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Pages larger than this are served but not kept.
const MOST_BYTES_A_PAGE: usize = 2 << 20;
/// All pages kept together, before the cache starts again empty.
const MOST_BYTES: usize = 256 << 20;

struct Cached {
    headers: HeaderMap,
    etag: HeaderValue,
    plain: Bytes,
    gzip: Option<Bytes>,
}

#[derive(Default)]
struct Pages {
    generation: u64,
    bytes: usize,
    map: HashMap<String, Arc<Cached>>,
}

pub struct PageCache {
    generation: Generation,
    pages: RwLock<Pages>,
    /// The pages being rendered: who asks for one meanwhile waits for it rather than renders
    /// it again (a page linked from a newspaper gets hundreds of visitors in its first second).
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl PageCache {
    pub fn new(generation: Generation) -> PageCache {
        PageCache {
            generation,
            pages: RwLock::default(),
            rendering: Mutex::default(),
        }
    }

    fn get(&self, key: &str, generation: u64) -> Option<Arc<Cached>> {
        let pages = self.pages.read().ok()?;
        (pages.generation == generation)
            .then(|| pages.map.get(key).cloned())
            .flatten()
    }

    /// The turn to render `key`: one at a time, so that the others find it kept once it is.
    async fn turn(&self, key: &str) -> Turn<'_> {
        let lock = {
            let Ok(mut rendering) = self.rendering.lock() else {
                return Turn {
                    cache: self,
                    key: key.to_owned(),
                    _guard: None,
                };
            };
            rendering.entry(key.to_owned()).or_default().clone()
        };
        Turn {
            cache: self,
            key: key.to_owned(),
            _guard: Some(lock.lock_owned().await),
        }
    }

    fn put(&self, key: String, generation: u64, page: Arc<Cached>) {
        let Ok(mut pages) = self.pages.write() else {
            return;
        };
        // A page rendered under an older generation may show what has changed since.
        if generation < pages.generation {
            return;
        }
        let size = page.plain.len() + page.gzip.as_ref().map_or(0, Bytes::len);
        if generation > pages.generation || pages.bytes + size > MOST_BYTES {
            *pages = Pages {
                generation,
                ..Pages::default()
            };
        }
        pages.bytes += size;
        pages.map.insert(key, page);
    }
}

/// A render of one page under way; when it ends, the next in line looks in the cache again.
struct Turn<'a> {
    cache: &'a PageCache,
    key: String,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Ok(mut rendering) = self.cache.rendering.lock()
            && let Some(lock) = rendering.get(&self.key)
            // Only this turn and the map hold it: nobody else waits.
            && Arc::strong_count(lock) <= 2
        {
            rendering.remove(&self.key);
        }
    }
}

/// Whether `path` is a public page this cache keeps.
fn cacheable(path: &str) -> bool {
    path == "/search" || path == "/showcase" || path.starts_with("/showcase/")
}

/// Whether the client takes gzip (and has not refused it with `q=0`).
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name == "gzip" || name == "*") && !refused
        })
}

fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || t.trim() == etag.to_str().unwrap_or(""))
}

fn respond(page: &Cached, request: &HeaderMap) -> Response {
    let mut headers = page.headers.clone();
    headers.insert(header::ETAG, page.etag.clone());
    // Kept by browsers, asked again each time: a change shows at once, an unchanged page is a 304.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"),
    );
    if matches_etag(request, &page.etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = headers.get(&name) {
                response.headers_mut().insert(name, v.clone());
            }
        }
        return response;
    }
    let body = match &page.gzip {
        Some(gzip) if accepts_gzip(request) => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            gzip.clone()
        }
        _ => page.plain.clone(),
    };
    headers.remove(header::CONTENT_LENGTH);
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response
}

thread_local! {
    /// One deflate state a thread, reset for each page: a new one allocates and zeroes about
    /// 300 KB, which under load cost more than compressing the page (the profile of issue 13).
    static DEFLATE: RefCell<flate2::Compress> =
        RefCell::new(flate2::Compress::new(flate2::Compression::new(6), false));
}

/// The gzip member header (RFC 1952): deflate, no flags, no time, unknown system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// `bytes` gzipped, when that makes them smaller.
pub(crate) fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    out.extend_from_slice(&GZIP_HEADER);
    DEFLATE.with_borrow_mut(|deflate| {
        deflate.reset();
        let start = deflate.total_in();
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.len());
            }
            let read = usize::try_from(deflate.total_in() - start).ok()?;
            let status = deflate
                .compress_vec(&bytes[read..], &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(());
            }
        }
    })?;
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE: the length modulo 2^32.
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    (out.len() < bytes.len()).then(|| Bytes::from(out))
}

/// Serves a public page from the cache, or renders it and keeps it. Runs inside the context
/// middleware, so it knows who asks and in which language.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (anonymous, key) = match req.extensions().get::<Ctx>() {
        Some(ctx) => (
            ctx.me.is_none(),
            format!("{} {}", ctx.tr.locale.code(), ctx.here),
        ),
        None => (false, String::new()),
    };
    if !anonymous
        || !matches!(*req.method(), Method::GET | Method::HEAD)
        || !cacheable(req.uri().path())
    {
        return next.run(req).await;
    }
    let cache = &state.public_pages;
    // Read before rendering: what is rendered is at least as new as this generation.
    let generation = cache.generation.current();
    if let Some(page) = cache.get(&key, generation) {
        return respond(&page, req.headers());
    }
    let _turn = cache.turn(&key).await;
    let generation = cache.generation.current();
    if let Some(page) = cache.get(&key, generation) {
        return respond(&page, req.headers());
    }
    let request_headers = req.headers().clone();
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK
        || !is_html
        || response.headers().contains_key(header::SET_COOKIE)
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let plain = match axum::body::to_bytes(body, MOST_BYTES_A_PAGE).await {
        Ok(b) => b,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let digest = Sha256::digest(&plain);
    let etag = HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    let page = Arc::new(Cached {
        gzip: gzip(&plain),
        headers: parts.headers,
        etag,
        plain,
    });
    cache.put(key, generation, page.clone());
    respond(&page, &request_headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_taken_only_when_offered() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, gzip;q=0.8"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn gzip_reads_back_as_it_was_each_time_the_state_is_reused() {
        use std::io::Read;
        let page = "<p>职工技术创新成果 工艺改进 数控机床</p>\n".repeat(4000);
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let random: Vec<u8> = (0..50_000)
            .map(|_| {
                // xorshift: bytes deflate cannot shorten.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        for _ in 0..3 {
            for text in [page.as_bytes(), b"<p>short</p>".repeat(20).as_slice()] {
                let packed = gzip(text).expect("smaller");
                assert!(packed.len() < text.len());
                let mut back = Vec::new();
                flate2::read::GzDecoder::new(&packed[..])
                    .read_to_end(&mut back)
                    .unwrap();
                assert_eq!(back, text);
            }
            assert!(gzip(&random).is_none(), "noise is kept as it is");
            assert!(gzip(b"").is_none());
        }
    }

    #[test]
    fn one_render_of_a_page_at_a_time_and_nothing_left_behind() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let cache = Arc::new(PageCache::new(Generation::default()));
            let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let mut all = Vec::new();
            for n in 0..8 {
                let (cache, busy, most) = (cache.clone(), busy.clone(), most.clone());
                let key = if n % 2 == 0 { "a" } else { "b" };
                all.push(tokio::spawn(async move {
                    let _turn = cache.turn(key).await;
                    let now = busy.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    busy.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                }));
            }
            for task in all {
                task.await.unwrap();
            }
            // Two keys, each rendered by one at a time.
            assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 2);
            assert!(cache.rendering.lock().unwrap().is_empty());
        });
    }

    #[test]
    fn an_older_generation_never_replaces_a_newer_one() {
        let cache = PageCache::new(Generation::default());
        let page = |text: &'static str| {
            Arc::new(Cached {
                headers: HeaderMap::new(),
                etag: HeaderValue::from_static("\"x\""),
                plain: Bytes::from_static(text.as_bytes()),
                gzip: None,
            })
        };
        cache.put("a".into(), 2, page("new"));
        cache.put("a".into(), 1, page("old"));
        assert_eq!(cache.get("a", 2).unwrap().plain, "new");
        assert!(cache.get("a", 3).is_none(), "a newer generation drops it");
        cache.put("b".into(), 3, page("b"));
        assert!(cache.get("a", 3).is_none());
    }
}
