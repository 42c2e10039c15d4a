//! The home page and the places kept for the modules to come.

use crate::context::Ctx;
use crate::error::WebResult;
use crate::view::{Layout, html};
use askama::Template;
use axum::response::Response;
use gongjiang_db::users::GrantView;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Layout,
    roles: Vec<GrantView>,
    must_change_password: bool,
}

pub async fn show(ctx: Ctx) -> WebResult<Response> {
    let title = ctx.tr.t_string("home.title");
    html(&Home {
        roles: ctx
            .me
            .as_ref()
            .map(|m| m.grants.clone())
            .unwrap_or_default(),
        must_change_password: ctx.me.as_ref().is_some_and(|m| m.user.must_change_password),
        l: Layout::new(&ctx, "home", title),
    })
}

#[derive(Template)]
#[template(path = "module.html")]
struct Module {
    l: Layout,
    summary: String,
    /// What of the module is already open to this user.
    links: Vec<(String, String)>,
}

async fn module(ctx: Ctx, section: &'static str) -> WebResult<Response> {
    let title = ctx.tr.t_string(&format!("nav.{section}"));
    let mut links = Vec::new();
    use gongjiang_domain::authz::Action;
    let caller = ctx.caller();
    let may = |action| caller.as_ref().is_some_and(|c| c.may_somewhere(action));
    if section == "innovation" && caller.is_some() {
        links.push((
            "/innovation/studios".to_owned(),
            ctx.tr.t_string("studios.title"),
        ));
        links.push((
            "/innovation/alliances".to_owned(),
            ctx.tr.t_string("alliances.title"),
        ));
        links.push((
            "/innovation/groups".to_owned(),
            ctx.tr.t_string("groups.title"),
        ));
        links.push((
            "/innovation/achievements".to_owned(),
            ctx.tr.t_string("achievements.title"),
        ));
        if may(Action::ManageAlliances) {
            links.push((
                "/innovation/alliances/quota".to_owned(),
                ctx.tr.t_string("quota.title"),
            ));
        }
        if may(Action::DeclareAchievements) {
            links.push((
                "/innovation/declarations".to_owned(),
                ctx.tr.t_string("declarations.title"),
            ));
            links.push((
                "/innovation/exhibitions".to_owned(),
                ctx.tr.t_string("exhibitions.title"),
            ));
        }
    }
    if section == "competitions" {
        links = competition_links(&ctx);
    }
    html(&Module {
        summary: ctx.tr.t_string(&format!("module.{section}.summary")),
        links,
        l: Layout::new(&ctx, section, title),
    })
}

/// The exam tools the competitions area links to, as far as the caller may use them.
pub fn competition_links(ctx: &Ctx) -> Vec<(String, String)> {
    use gongjiang_domain::authz::Action;
    let caller = ctx.caller();
    let may = |action| caller.as_ref().is_some_and(|c| c.may_somewhere(action));
    let mut links = Vec::new();
    if caller.is_some() {
        links.push((
            "/competitions/entries".to_owned(),
            ctx.tr.t_string("entries.mine"),
        ));
        links.push(("/judging".to_owned(), ctx.tr.t_string("judging.title")));
    }
    if caller.as_ref().is_some_and(|c| c.person_id.is_some()) {
        links.push(("/exams".to_owned(), ctx.tr.t_string("my_exams.title")));
    }
    if may(Action::ManageBanks) || may(Action::GradeExams) {
        links.push((
            "/exams/sessions".to_owned(),
            ctx.tr.t_string("sessions.title"),
        ));
    }
    if may(Action::ManageBanks) {
        links.push(("/exams/banks".to_owned(), ctx.tr.t_string("banks.title")));
    }
    links
}

pub async fn innovation(ctx: Ctx) -> WebResult<Response> {
    module(ctx, "innovation").await
}
pub async fn challenges(ctx: Ctx) -> WebResult<Response> {
    module(ctx, "challenges").await
}
pub async fn statistics(ctx: Ctx) -> WebResult<Response> {
    module(ctx, "statistics").await
}
