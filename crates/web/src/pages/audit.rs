//! The audit log for federation admins: filter, page through, export, and verify the chain.

use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{Layout, Pager, html, xlsx};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gongjiang_app::audit;
use gongjiang_db::Page;
use gongjiang_db::audit::AuditFilter;
use gongjiang_domain::audit::{ChainBreak, Entry};
use gongjiang_domain::clock::parse_date_start_ms;
use gongjiang_domain::error::search_term;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

/// The filter as the form sends it (all text, so nothing in the URL can fail to parse).
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub verify: String,
}

impl AuditQuery {
    pub fn filter(&self) -> Result<AuditFilter, gongjiang_domain::FieldError> {
        let entity = search_term(&self.entity);
        let (entity_type, entity_id) = match entity.split_once(':') {
            Some((t, id)) => (t.trim().to_owned(), id.trim().to_owned()),
            None => (entity.clone(), String::new()),
        };
        let date = |field: &str, raw: &str| -> Result<Option<i64>, gongjiang_domain::FieldError> {
            if raw.trim().is_empty() {
                return Ok(None);
            }
            parse_date_start_ms(raw)
                .map(Some)
                .ok_or_else(|| gongjiang_domain::FieldError::new(field, "invalid_date"))
        };
        Ok(AuditFilter {
            actor_user_id: super::parse_id("actor", &self.actor)?,
            action_prefix: search_term(&self.action),
            entity_type,
            entity_id,
            from_ms: date("from", &self.from)?,
            // The "to" date is inclusive: up to the end of that day.
            to_ms: date("to", &self.to)?.map(|t| t + 24 * 3600 * 1000),
        })
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("action", &self.action),
            ("entity", &self.entity),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    l: Layout,
    entries: Vec<Entry>,
    pager: Pager,
    filter: AuditQuery,
    query: String,
    chain_ok: bool,
    chain_message: String,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    let filter = q.filter()?;
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (entries, total) =
        audit::list(&state.db, &me.caller, &filter, Page::new(page, PAGE_SIZE)).await?;
    let tr = me.ctx.tr;
    let (chain_ok, chain_message) = if q.verify.is_empty() {
        (true, tr.t_string("audit.verify_hint"))
    } else {
        let v = audit::verify(&state.db).await?;
        let message = match (&v.problem, v.head_matches) {
            (None, true) => tr.tf("audit.chain_ok", &[("n", &v.checked.to_string())]),
            (Some(ChainBreak::Gap { expected, .. }), _) => {
                tr.tf("audit.chain_gap", &[("seq", &expected.to_string())])
            }
            (Some(ChainBreak::Link { seq } | ChainBreak::Content { seq }), _) => {
                tr.tf("audit.chain_broken", &[("seq", &seq.to_string())])
            }
            (None, false) => tr.t_string("audit.chain_head"),
        };
        (v.is_intact(), message)
    };
    let pairs = q.pairs();
    let pager = Pager::new("/admin/audit", &pairs, page, PAGE_SIZE, total);
    let query = serde_urlencoded::to_string(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let title = tr.t_string("admin.audit");
    html(&AuditPage {
        entries,
        pager,
        query,
        chain_ok,
        chain_message,
        filter: q,
        l: Layout::new(&me.ctx, "admin", title),
    })
}

pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    let filter = q.filter()?;
    let tr = me.ctx.tr;
    let headers = export_headers(tr);
    let bytes = audit::export(&state.db, &me.caller, &filter, headers).await?;
    Ok(xlsx(bytes, &format!("{}.xlsx", tr.t("admin.audit"))))
}

/// The audit export's column headers in the user's language.
pub fn export_headers(tr: crate::i18n::Tr) -> Vec<String> {
    [
        "seq", "time", "actor", "origin", "action", "entity", "before", "after", "reason", "hash",
    ]
    .iter()
    .map(|h| tr.t_string(&format!("audit.column.{h}")))
    .collect()
}
