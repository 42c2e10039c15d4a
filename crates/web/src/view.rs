//! What every page shares: the layout (navigation, language, CSRF token, notices), form errors
//! in the user's language, and responses for HTML and Excel downloads.

use crate::context::{Ctx, urlencode};
use crate::error::WebResult;
use crate::i18n::Tr;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gongjiang_domain::Invalid;
use gongjiang_domain::authz::Action;
use std::collections::HashMap;

/// The frame around every page.
pub struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub can_audit: bool,
    /// Which navigation entry is current.
    pub section: &'static str,
    pub title: String,
    /// The current path, URL-encoded, for the language links to come back to.
    pub here: String,
    pub lang: &'static str,
    /// A message after a successful action (`?done=<key>`).
    pub notice: Option<String>,
}

impl Layout {
    pub fn new(ctx: &Ctx, section: &'static str, title: impl Into<String>) -> Layout {
        let notice = ctx
            .here
            .split_once('?')
            .and_then(|(_, q)| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "done").map(|(_, v)| v))
            .map(|key| format!("done.{key}"))
            .filter(|key| ctx.tr.has(key))
            .map(|key| ctx.tr.t_string(&key));
        let caller = ctx.caller();
        Layout {
            tr: ctx.tr,
            csrf: ctx.csrf.clone(),
            user_name: ctx.me.as_ref().map(|m| m.user.display_name.clone()),
            is_admin: ctx
                .me
                .as_ref()
                .is_some_and(|m| gongjiang_db::users::to_domain(&m.grants).is_admin()),
            can_audit: caller.is_some_and(|c| c.may_somewhere(Action::ReadAudit)),
            section,
            title: title.into(),
            here: urlencode(&ctx.here),
            lang: ctx.tr.locale.code(),
            notice,
        }
    }

    /// A shipped file's fingerprinted URL (see `assets::url`).
    pub fn asset(&self, name: &str) -> String {
        crate::assets::url(name)
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.tr.t(key)
    }

    pub fn tf(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.tf(key, &[(name, &value.to_string())])
    }

    pub fn datetime(&self, ms: &i64) -> String {
        gongjiang_domain::clock::format_datetime(*ms)
    }

    pub fn unit_kind<C: std::fmt::Display + ?Sized>(&self, kind: &C) -> String {
        self.tr.t_string(&format!("unit_kind.{kind}"))
    }

    /// The name of a stored code in the interface's language (`level.municipal`).
    pub fn code<C: std::fmt::Display + ?Sized>(&self, group: &str, code: &C) -> String {
        let key = format!("{group}.{code}");
        if self.tr.has(&key) {
            self.tr.t_string(&key)
        } else {
            code.to_string()
        }
    }

    pub fn role(&self, role: &str) -> String {
        self.tr.t_string(&format!("role.{role}"))
    }

    pub fn action(&self, action: &str) -> String {
        let key = format!("audit_action.{action}");
        if self.tr.has(&key) {
            self.tr.t_string(&key)
        } else {
            action.to_owned()
        }
    }
}

impl Tr {
    pub fn t_string(&self, key: &str) -> String {
        self.tf(key, &[])
    }
}

/// Field errors of a form, translated, to show next to each field and in a summary.
#[derive(Default)]
pub struct FormErrors {
    pub fields: HashMap<String, String>,
    pub summary: Vec<String>,
}

impl FormErrors {
    pub fn from_invalid(tr: Tr, invalid: &Invalid) -> FormErrors {
        let mut out = FormErrors::default();
        for e in &invalid.0 {
            let message = tr.error(&e.code, &e.params);
            out.summary.push(format!(
                "{}: {message}",
                tr.t_string(&format!("field.{}", e.field))
            ));
            out.fields.entry(e.field.clone()).or_insert(message);
        }
        out
    }

    pub fn general(tr: Tr, code: &str) -> FormErrors {
        FormErrors {
            fields: HashMap::new(),
            summary: vec![tr.error(code, &[])],
        }
    }

    pub fn get(&self, field: &str) -> Option<&String> {
        self.fields.get(field)
    }

    pub fn any(&self) -> bool {
        !self.summary.is_empty()
    }
}

pub fn html<T: Template>(page: &T) -> WebResult<Response> {
    Ok(Html(page.render()?).into_response())
}

pub fn html_status<T: Template>(status: StatusCode, page: &T) -> WebResult<Response> {
    Ok((status, Html(page.render()?)).into_response())
}

/// How a file is handed to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown in the page (pictures).
    Inline,
    /// Saved, never opened in the site's origin (documents, exports).
    Attachment,
}

/// The one way to send a file: its type as stored (never guessed by the browser: `nosniff`),
/// a sandbox that keeps anything it holds from running in the site's origin, its name in
/// UTF-8 (Chinese file names survive), and how long a browser may keep it (`private`: only
/// the browser of whoever was allowed to fetch it, or `no-store` for exports).
pub fn send_file(
    bytes: Vec<u8>,
    content_type: &str,
    name: &str,
    disposition: Disposition,
    cache: &'static str,
) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_POLICY),
    );
    let kind = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let encoded = urlencode(name).replace('+', "%20");
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{kind}; filename=\"file\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The content security policy of every file sent: nothing loads, nothing runs.
pub const FILE_POLICY: &str = "default-src 'none'; sandbox";

/// An `.xlsx` file to download.
pub fn xlsx(bytes: Vec<u8>, filename: &str) -> Response {
    send_file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename,
        Disposition::Attachment,
        "no-store",
    )
}

/// Page numbers for a list: current, total pages, and links that keep the other filters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(base: &str, params: &[(&str, &str)], page: i64, size: i64, total: i64) -> Pager {
        let pages = ((total + size - 1) / size).max(1);
        let link = |p: i64| {
            let mut pairs: Vec<(&str, String)> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect();
            pairs.push(("page", p.to_string()));
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// The `file` field of a multipart upload: its file name and bytes (`None` if absent).
pub async fn uploaded_file(
    multipart: &mut axum::extract::Multipart,
) -> crate::error::WebResult<Option<(String, Vec<u8>)>> {
    let bad_upload = || crate::error::WebError::Invalid(Invalid::one("file", "bad_upload"));
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| bad_upload())? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            file = Some((
                name,
                field.bytes().await.map_err(|_| bad_upload())?.to_vec(),
            ));
        }
    }
    Ok(file)
}

/// `?w=240` on a thumbnail's address asks for the small size (`srcset` on one-pixel screens).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ThumbnailWidth {
    pub w: Option<u32>,
}

impl ThumbnailWidth {
    pub fn size(&self) -> gongjiang_app::PictureSize {
        match self.w {
            Some(w) if w <= 240 => gongjiang_app::PictureSize::Small,
            _ => gongjiang_app::PictureSize::Thumbnail,
        }
    }
}
