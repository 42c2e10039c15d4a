//! The registry's search: each write of a studio, achievement or person rewrites its search
//! document in the same transaction (so the index never disagrees with what was committed),
//! and one search box finds all three, ranked, with the matches marked.

use crate::{Caller, ServiceResult};
use gongjiang_db::search::{self, Document, Hit, SearchFilter, Visibility};
use gongjiang_db::{Conn, Database, Page, achievements, honours, people, studios};
use gongjiang_domain::authz::Action;
pub use gongjiang_search::Piece;
use gongjiang_search::Query;

/// Rewrites the achievement's document: title; summary, text, effects, patents, unit, studio,
/// people and awards.
pub async fn index_achievement(conn: &mut Conn, id: i64) -> ServiceResult<()> {
    let Some(a) = achievements::get(conn, id).await? else {
        return Ok(());
    };
    let makers = achievements::people(conn, id).await?;
    let awards = achievements::awards(conn, id).await?;
    let mut body = vec![a.summary.clone(), a.unit_name.clone()];
    // The studio's name only once the studio is public: the document's words are shown to
    // whoever finds the achievement (see `index_studio_and_achievements`).
    if a.studio_published == Some(1) {
        body.extend(a.studio_name.clone());
    }
    body.extend(makers.iter().map(|m| m.name.clone()));
    body.extend(
        awards
            .iter()
            .map(|w| format!("{} {}", w.name, w.granted_by)),
    );
    body.push(a.effects.clone());
    body.push(a.patents.clone());
    // The long description is read for words, not all of it: its opening says what it is.
    body.push(a.description.chars().take(3000).collect());
    let doc = Document {
        entity: "achievement",
        entity_id: id,
        unit_path: a.unit_path.clone(),
        published: a.published,
        fields: vec![a.field.clone()],
        kind: a.kind.as_str().to_owned(),
        year: Some(a.year),
        level: String::new(),
        tier: a.best_tier.clone(),
        title: a.title.clone(),
        body: body
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    search::put(conn, &doc).await?;
    Ok(())
}

/// Rewrites the documents of a studio and of the achievements that name it (its name shows in
/// theirs once it is published).
pub async fn index_studio_and_achievements(conn: &mut Conn, id: i64) -> ServiceResult<()> {
    index_studio(conn, id).await?;
    for achievement in achievements::ids_of_studio(conn, id).await? {
        index_achievement(conn, achievement).await?;
    }
    Ok(())
}

/// Rewrites the studio's document: name; summary, unit, leader, members, site and equipment.
pub async fn index_studio(conn: &mut Conn, id: i64) -> ServiceResult<()> {
    let Some(s) = studios::get(conn, id).await? else {
        return Ok(());
    };
    let members = studios::members(conn, id).await?;
    let mut body = vec![s.summary.clone(), s.unit_name.clone()];
    body.extend(s.leader_name.clone());
    body.extend(
        members
            .iter()
            .filter(|m| m.left_on.is_none())
            .map(|m| m.name.clone()),
    );
    // Not the site or the equipment: the public page of a studio does not show them either.
    let doc = Document {
        entity: "studio",
        entity_id: id,
        unit_path: s.unit_path.clone(),
        published: s.published,
        fields: s.field_codes().into_iter().map(str::to_owned).collect(),
        kind: s.status.as_str().to_owned(),
        year: s.founded_year,
        level: s.level.clone(),
        tier: String::new(),
        title: s.name.clone(),
        body: body
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    search::put(conn, &doc).await?;
    Ok(())
}

/// Rewrites the person's document: name; unit, trade, post, honours and studios. People are
/// never public: only those who keep them find them.
pub async fn index_person(conn: &mut Conn, id: i64) -> ServiceResult<()> {
    let Some(p) = people::get(conn, id).await? else {
        return Ok(());
    };
    let mut body = vec![p.unit_name.clone(), p.trade.clone(), p.post.clone()];
    body.extend(
        honours::of_person(conn, id)
            .await?
            .into_iter()
            .map(|h| h.title),
    );
    body.extend(
        studios::of_person(conn, id)
            .await?
            .into_iter()
            .map(|s| s.name),
    );
    let doc = Document {
        entity: "person",
        entity_id: id,
        unit_path: p.unit_path.clone(),
        published: false,
        title: p.name.clone(),
        body: body
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        ..Default::default()
    };
    search::put(conn, &doc).await?;
    Ok(())
}

/// Rewrites a person's document and those that name them (their studios and achievements).
pub async fn reindex_person_and_records(conn: &mut Conn, person_id: i64) -> ServiceResult<()> {
    index_person(conn, person_id).await?;
    for s in studios::of_person(conn, person_id).await? {
        index_studio(conn, s.id).await?;
    }
    for a in achievements::of_person(conn, person_id).await? {
        index_achievement(conn, a.id).await?;
    }
    Ok(())
}

/// Rewrites every document indexed under `path` (after its unit was renamed or moved).
pub async fn reindex_under(
    conn: &mut Conn,
    path: &gongjiang_domain::unit::UnitPath,
) -> ServiceResult<()> {
    for (entity, id) in search::entities_under(conn, path).await? {
        match entity.as_str() {
            "studio" => index_studio(conn, id).await?,
            "achievement" => index_achievement(conn, id).await?,
            "person" => index_person(conn, id).await?,
            _ => {}
        }
    }
    Ok(())
}

/// A result as the page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Found {
    pub hit: Hit,
    pub title: Vec<Piece>,
    pub snippet: Vec<Piece>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Results {
    pub found: Vec<Found>,
    pub total: i64,
}

/// Searches what the caller may see: everything published, and for admins everything inside
/// their units too.
pub async fn search(
    db: &Database,
    caller: Option<&Caller>,
    text: &str,
    filter: &SearchFilter,
    page: Page,
) -> ServiceResult<Results> {
    let started = std::time::Instant::now();
    let query = Query::parse(&gongjiang_domain::error::search_term(text));
    let visible = Visibility {
        roots: caller
            .map(|c| c.scope(Action::DeclareAchievements))
            .unwrap_or_default(),
    };
    // The count and the page at once when a second connection is idle: a search then waits
    // for the slower of the two, not for both.
    let mut one = db.read().await?;
    let (hits, total) = match db.read_if_idle() {
        Some(mut two) => tokio::try_join!(
            search::hits(&mut one, &query, filter, &visible, page),
            search::count(&mut two, &query, filter, &visible),
        )?,
        None => (
            search::hits(&mut one, &query, filter, &visible, page).await?,
            search::count(&mut one, &query, filter, &visible).await?,
        ),
    };
    let found = hits
        .into_iter()
        .map(|hit| Found {
            title: gongjiang_search::highlight(&hit.title, &query),
            snippet: gongjiang_search::snippet(&hit.body, &query, 80),
            hit,
        })
        .collect();
    gongjiang_telemetry::time(
        "gongjiang_search_seconds",
        "A search of the registry, from the words typed to the marked results.",
        &[],
        started.elapsed(),
    );
    Ok(Results { found, total })
}
