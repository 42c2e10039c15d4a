//! Setting up a track's practical round (its organisers): criteria and the panel rule, panels
//! and their judges, the draw of anonymous numbers; and the round's scores through the review
//! engine, with the conflicts the union tree shows.

use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::competitions::{self, CompetitionView, Track, TrackRound};
use gongjiang_db::practical::{self, CriterionRow, PanelJudge, PanelRow};
use gongjiang_db::{Conn, Database, users};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::competition::RoundKind;
use gongjiang_domain::competition::practical::{self as rules, CriterionSpec};
use gongjiang_domain::review::scoring::Rule;
use std::collections::HashMap;

/// A track, its competition and its practical round.
pub(crate) struct Round {
    pub track: Track,
    pub competition: CompetitionView,
    pub round: TrackRound,
}

pub(crate) async fn round_of_track(conn: &mut Conn, track_id: i64) -> ServiceResult<Round> {
    let track = competitions::track(conn, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = competitions::get(conn, track.row.competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let round = track
        .rounds
        .iter()
        .find(|r| r.kind == RoundKind::Practical)
        .cloned()
        .ok_or_else(|| FieldError::new("track_id", "track_without_practical"))?;
    Ok(Round {
        track,
        competition,
        round,
    })
}

pub(crate) async fn round_of_panel(
    conn: &mut Conn,
    panel_id: i64,
) -> ServiceResult<(Round, PanelRow)> {
    let panel = practical::panel(conn, panel_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((round_of_track(conn, panel.track_id).await?, panel))
}

fn organise(caller: &Caller, r: &Round) -> ServiceResult<()> {
    caller.ensure(Action::ManageCompetitions, &r.competition.unit_path())
}

/// What the organisers type to set a round up.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SetupInput {
    /// One criterion a line: `操作规范 40`; a deduction with a minus: `安全违规 -10`.
    pub criteria: String,
    /// `mean` or `drop_highest_lowest`.
    #[serde(default)]
    pub aggregation: String,
    #[serde(default)]
    pub normalise: bool,
    /// The fewest judges a score needs (1–15).
    #[serde(default)]
    pub min_judges: String,
}

async fn any_score(conn: &mut Conn, round: &TrackRound) -> ServiceResult<bool> {
    Ok(practical::round_has_scores(conn, round.id).await?)
}

/// Sets the criteria and the rule; refused once a judge has given a score.
pub async fn set_up(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    input: SetupInput,
) -> ServiceResult<PracticalPage> {
    let mut tx = db.begin().await?;
    let r = round_of_track(&mut tx, track_id).await?;
    organise(caller, &r)?;
    let mut invalid = gongjiang_domain::Invalid::default();
    let specs = invalid.check(rules::criteria("criteria", &input.criteria));
    let rule = invalid.check(rules::rule(
        &input.aggregation,
        input.normalise,
        &input.min_judges,
    ));
    let (Some(specs), Some(rule)) = (specs, rule) else {
        return Err(invalid.into());
    };
    if any_score(&mut tx, &r.round).await? {
        return Err(FieldError::new("criteria", "scores_already_given").into());
    }
    let before: Vec<CriterionSpec> = practical::criteria(&mut tx, r.round.id)
        .await?
        .iter()
        .map(CriterionRow::spec)
        .collect();
    practical::set_criteria(&mut tx, r.round.id, &specs).await?;
    practical::set_rule(&mut tx, r.round.id, &rule).await?;
    record(
        &mut tx,
        caller,
        change(
            "practical.setup",
            "track",
            track_id,
            Some(&before),
            Some(&serde_json::json!({ "criteria": specs, "rule": rule })),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    page(db, caller, track_id).await
}

/// Adds a panel (评分组) to the round.
pub async fn add_panel(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    name: &str,
) -> ServiceResult<PanelRow> {
    let mut tx = db.begin().await?;
    let r = round_of_track(&mut tx, track_id).await?;
    organise(caller, &r)?;
    let name = gongjiang_domain::error::text("name", name, 1, 40)?;
    if practical::panels(&mut tx, r.round.id)
        .await?
        .iter()
        .any(|p| p.name == name)
    {
        return Err(FieldError::new("name", "panel_name_taken")
            .with("value", &name)
            .into());
    }
    let id = practical::insert_panel(&mut tx, r.round.id, &name, now_ms()).await?;
    let panel = practical::panel(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("panel.create", "panel", id, None, Some(&panel)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(panel)
}

/// Sets a panel's judges by their user names, one a line; the chief judge's line starts
/// with `*`. Refused once the panel is closed.
pub async fn set_judges(
    db: &Database,
    caller: &Caller,
    panel_id: i64,
    lines: &str,
) -> ServiceResult<Vec<PanelJudge>> {
    let mut tx = db.begin().await?;
    let (r, panel) = round_of_panel(&mut tx, panel_id).await?;
    organise(caller, &r)?;
    if panel.closed_at.is_some() {
        return Err(FieldError::new("judges", "panel_closed").into());
    }
    let mut chosen: Vec<(i64, bool)> = Vec::new();
    for line in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (chief, name) = match line.strip_prefix(['*', '＊']) {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        let user = users::by_username(&mut tx, name)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(|| FieldError::new("judges", "unknown_user").with("value", name))?;
        if !chosen.iter().any(|(u, _)| *u == user.id) {
            chosen.push((user.id, chief));
        }
    }
    if chosen.is_empty() {
        return Err(FieldError::new("judges", "judges_required").into());
    }
    if chosen.iter().filter(|(_, chief)| *chief).count() > 1 {
        return Err(FieldError::new("judges", "one_chief_judge").into());
    }
    let before = practical::judges(&mut tx, panel_id).await?;
    practical::set_judges(&mut tx, panel_id, &chosen).await?;
    let after = practical::judges(&mut tx, panel_id).await?;
    record(
        &mut tx,
        caller,
        change(
            "panel.judges",
            "panel",
            panel_id,
            Some(&before),
            Some(&after),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Draws anonymous numbers for the track's approved entrants and puts them on the panels in
/// blocks; the seed is kept and audited so the draw can be checked. Refused once scored.
pub async fn draw(db: &Database, caller: &Caller, track_id: i64) -> ServiceResult<PracticalPage> {
    let mut tx = db.begin().await?;
    let r = round_of_track(&mut tx, track_id).await?;
    organise(caller, &r)?;
    if any_score(&mut tx, &r.round).await? {
        return Err(FieldError::new("draw", "scores_already_given").into());
    }
    let panels: Vec<i64> = practical::panels(&mut tx, r.round.id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    if panels.is_empty() {
        return Err(FieldError::new("draw", "panels_required").into());
    }
    let approved = practical::approved_entries(&mut tx, track_id).await?;
    if approved.is_empty() {
        return Err(FieldError::new("draw", "no_approved_entrants").into());
    }
    let seed: u64 = rand::random();
    let numbered = rules::draw(&approved, seed);
    let on_panels: HashMap<i64, i64> = rules::spread(&numbered, &panels).into_iter().collect();
    // Numbers are unique per track: clear the old ones before writing the new.
    practical::clear_numbers(&mut tx, track_id).await?;
    let placed: Vec<(i64, i64, Option<i64>)> = numbered
        .iter()
        .map(|&(entry, number)| (entry, number, on_panels.get(&entry).copied()))
        .collect();
    practical::set_draw(&mut tx, r.round.id, seed, &placed).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>(
            "practical.draw",
            "track",
            track_id,
            None,
            Some(&serde_json::json!({ "seed": seed.to_string(), "placed": placed })),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    page(db, caller, track_id).await
}

/// A panel with its judges, for the setup page.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PanelSetup {
    pub panel: PanelRow,
    pub judges: Vec<PanelJudge>,
}

/// The round as its organisers see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PracticalPage {
    pub track_id: i64,
    pub track_name: String,
    pub competition_id: i64,
    pub round_id: i64,
    pub criteria: Vec<CriterionRow>,
    pub rule: Rule,
    /// The seed of the draw, empty until drawn.
    pub draw_seed: String,
    pub panels: Vec<PanelSetup>,
    pub can_manage: bool,
}

pub async fn page(db: &Database, caller: &Caller, track_id: i64) -> ServiceResult<PracticalPage> {
    let mut conn = db.read().await?;
    let r = round_of_track(&mut conn, track_id).await?;
    let can_manage = caller.may(Action::ManageCompetitions, &r.competition.unit_path());
    if !can_manage {
        return Err(ServiceError::Forbidden);
    }
    let (rule, draw_seed) = practical::rule(&mut conn, r.round.id).await?;
    let mut panels = Vec::new();
    for panel in practical::panels(&mut conn, r.round.id).await? {
        let judges = practical::judges(&mut conn, panel.id).await?;
        panels.push(PanelSetup { panel, judges });
    }
    Ok(PracticalPage {
        track_id,
        track_name: r.track.row.name.clone(),
        competition_id: r.competition.id,
        round_id: r.round.id,
        criteria: practical::criteria(&mut conn, r.round.id).await?,
        rule,
        draw_seed,
        panels,
        can_manage,
    })
}
