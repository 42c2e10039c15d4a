//! The registry's search: each write of a studio, achievement or person rewrites its search
//! document in the same transaction (so the index never disagrees with what was committed),
//! and one search box finds all three, ranked, with the matches marked.

use crate::search_engine::SearchEngine;
use crate::{Caller, ServiceError, ServiceResult};
use gongjiang_db::search::{self, Document, Hit, SearchFilter, Visibility};
use gongjiang_db::{Conn, Page, achievements, honours, people, studios};
use gongjiang_domain::authz::Action;
pub use gongjiang_search::Piece;
use gongjiang_search::Query;
use gongjiang_search::index;

/// Rewrites the achievement's document: title; summary, text, effects, patents, unit, studio,
/// people and awards.
pub async fn index_achievement(conn: &mut Conn, id: i64) -> ServiceResult<()> {
    let Some((a, lists)) = achievements::record(conn, id).await? else {
        return Ok(());
    };
    let (makers, awards) = (lists.people, lists.awards);
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
/// their units too. The instance's word index finds and ranks the matches, in tiers (the query
/// whole in the title; all its words in the title; the query whole in the body; the rest) and
/// by relevance within them; the database reads the page's records again under the caller's
/// rights, so a change of rights or publication made a moment ago is never overlooked.
pub async fn search(
    engine: &SearchEngine,
    caller: Option<&Caller>,
    text: &str,
    filter: &SearchFilter,
    page: Page,
) -> ServiceResult<Results> {
    let started = std::time::Instant::now();
    let query = Query::parse(&gongjiang_domain::error::search_term(text));
    if query.is_empty() {
        return Ok(Results {
            found: Vec::new(),
            total: 0,
        });
    }
    let visible = Visibility {
        roots: caller
            .map(|c| c.scope(Action::DeclareAchievements))
            .unwrap_or_default(),
    };
    engine.catch_up().await?;
    let skip = usize::try_from(page.offset).unwrap_or(0);
    let take = usize::try_from(page.limit).unwrap_or(0);
    let (ranked, total) = {
        let (engine, query) = (engine.clone(), query.clone());
        let narrow = index::Filter {
            entity: filter.entity.clone(),
            field: filter.field.clone(),
            kind: filter.kind.clone(),
            year: filter.year,
            level: filter.level.clone(),
            tier: filter.tier.clone(),
            within: filter.within.as_ref().map(|w| w.as_str().to_owned()),
        };
        let seen = index::Seen {
            roots: visible
                .roots
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
        };
        tokio::task::spawn_blocking(move || {
            engine.index().search(&query, &narrow, &seen, skip, take)
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(e.to_string()))?
    };
    let ids: Vec<i64> = ranked.iter().map(|r| r.doc_id).collect();
    let rows = {
        let mut conn = engine.db().read().await?;
        search::shown(&mut conn, &ids, filter, &visible).await?
    };
    let found = in_order(&ranked, rows)
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
    Ok(Results {
        found,
        total: i64::try_from(total)
            .unwrap_or(i64::MAX)
            .min(search::COUNT_CAP),
    })
}

/// The records in the index's order, leaving out those the database no longer lets the
/// caller see.
fn in_order(ranked: &[index::Ranked], rows: Vec<(i64, Hit)>) -> Vec<Hit> {
    let mut rows: std::collections::HashMap<i64, Hit> = rows.into_iter().collect();
    ranked
        .iter()
        .filter_map(|r| rows.remove(&r.doc_id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(doc_id: i64) -> (i64, Hit) {
        (
            doc_id,
            Hit {
                entity: "achievement".into(),
                entity_id: doc_id * 10,
                title: String::new(),
                body: String::new(),
                year: None,
                kind: String::new(),
                level: String::new(),
                tier: String::new(),
            },
        )
    }

    #[test]
    fn the_index_order_holds_and_unseen_rows_drop() {
        let ranked: Vec<index::Ranked> = [3, 1, 2, 4]
            .into_iter()
            .map(|doc_id| index::Ranked {
                doc_id,
                tier: 0,
                score: 1.0,
            })
            .collect();
        // 2: the database no longer lets the caller see it.
        let order = in_order(&ranked, vec![row(1), row(4), row(3)]);
        let ids: Vec<i64> = order.iter().map(|h| h.entity_id).collect();
        assert_eq!(ids, vec![30, 10, 40]);
    }
}
