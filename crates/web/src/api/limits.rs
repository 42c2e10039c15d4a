//! Rate limits of the JSON API: each caller (a signed-in user, or an address when anonymous)
//! may make `api_requests_per_minute` requests a minute on each instance. Every answer says
//! where the caller stands (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`); a
//! request over the limit is refused with 429 `rate_limited` and `Retry-After`.
//! Kept in memory: a window of a minute is too short to be worth a database round trip, and a
//! caller spread over several instances gets each instance's allowance (docs/api.md).

use crate::AppState;
use crate::context::Ctx;
use crate::error::WebError;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Windows of callers not seen for this long are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(300);

/// Request counts by caller in fixed one-minute windows.
#[derive(Default)]
pub struct RateLimits {
    windows: Mutex<HashMap<String, (Instant, i64)>>,
}

/// Where a caller stands in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub allowed: bool,
    pub remaining: i64,
    /// Seconds until the window ends.
    pub reset: u64,
}

impl RateLimits {
    /// Counts one request of `caller` at `now` against `limit` a minute.
    pub fn count(&self, caller: &str, limit: i64, now: Instant) -> Standing {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < FORGET_AFTER);
        }
        let entry = windows.entry(caller.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        let reset = WINDOW
            .saturating_sub(now.duration_since(entry.0))
            .as_secs()
            .max(1);
        Standing {
            allowed: entry.1 <= limit,
            remaining: (limit - entry.1).max(0),
            reset,
        }
    }
}

/// Counts the request and adds the headers; refuses it over the limit.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.settings.api_requests_per_minute;
    if limit == 0 {
        return next.run(req).await;
    }
    let caller = match req.extensions().get::<Ctx>() {
        Some(ctx) => match &ctx.me {
            Some(me) => format!("user:{}", me.user.id),
            None => format!("addr:{}", ctx.origin),
        },
        None => "unknown".to_owned(),
    };
    let standing = state.api_limits.count(&caller, limit, Instant::now());
    let mut response = if standing.allowed {
        next.run(req).await
    } else {
        let mut refused = WebError::RateLimited.into_response();
        if let Ok(v) = HeaderValue::from_str(&standing.reset.to_string()) {
            refused.headers_mut().insert("retry-after", v);
        }
        refused
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", limit.to_string()),
        ("ratelimit-remaining", standing.remaining.to_string()),
        ("ratelimit-reset", standing.reset.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_gets_the_limit_a_minute_and_a_fresh_window_after_it() {
        let limits = RateLimits::default();
        let start = Instant::now();
        for n in 1..=3 {
            let s = limits.count("user:1", 3, start);
            assert!(s.allowed);
            assert_eq!(s.remaining, 3 - n);
        }
        let over = limits.count("user:1", 3, start + Duration::from_secs(10));
        assert!(!over.allowed);
        assert_eq!(over.reset, 50);
        assert!(
            limits.count("user:2", 3, start).allowed,
            "callers are apart"
        );
        let later = limits.count("user:1", 3, start + Duration::from_secs(61));
        assert!(later.allowed);
        assert_eq!(later.remaining, 2);
    }
}
