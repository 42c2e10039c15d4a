//! The admin area's front page.

use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::{Layout, html};
use askama::Template;
use axum::response::Response;
use gongjiang_domain::authz::Action;

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminIndex {
    l: Layout,
}

pub async fn index(me: Me) -> WebResult<Response> {
    if !me.caller.may_somewhere(Action::ManagePeople) {
        return Err(WebError::Forbidden);
    }
    let title = me.ctx.tr.t_string("admin.title");
    html(&AdminIndex {
        l: Layout::new(&me.ctx, "admin", title),
    })
}
