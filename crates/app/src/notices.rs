//! After scoring: an organiser freezes a track's results (kept as they were), puts them on
//! public notice (公示) for a set period in which anyone signed in may object, resolves each
//! objection with a reason, and makes them final. A change after the freeze reopens the
//! results with a reason; the notice shows every reopening and what changed between freezes.

use crate::results::{ResultLine, TrackResults};
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::notices::{self, NoticeListing, ObjectionRow, ResultEvent, ResultState};
use gongjiang_db::{Conn, Database, competitions, practical};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::competition::RoundKind;
use gongjiang_domain::competition::notice::{
    self as rules, ObjectionOutcome, ResultFacts, ResultMove, ResultStage,
};
use gongjiang_domain::review::Points;

/// One entrant whose line differs between two freezes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct LineChange {
    pub entry_id: i64,
    pub name: String,
    pub combined_before: Option<Points>,
    pub combined_after: Option<Points>,
    pub rank_before: Option<u32>,
    pub rank_after: Option<u32>,
    pub prize_before: Option<String>,
    pub prize_after: Option<String>,
}

/// A reopening as the notice shows it: why, by whom, and what the next freeze changed.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Revision {
    /// The version the reopening undid.
    pub from_version: i64,
    pub reason: String,
    pub actor_name: String,
    pub at: i64,
    /// Empty until the results are frozen again (or when nothing changed).
    pub changes: Vec<LineChange>,
}

/// A track's notice: the frozen results, its period, the reopenings, and the objections the
/// caller may see (all for organisers, their own for others).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Notice {
    pub track_id: i64,
    pub track_name: String,
    pub competition_id: i64,
    pub competition_name: String,
    #[schema(value_type = String)]
    pub stage: ResultStage,
    pub version: i64,
    pub notice_opens_at: Option<i64>,
    pub notice_closes_at: Option<i64>,
    /// The results as frozen last; none before the first freeze.
    pub results: Option<TrackResults>,
    pub revisions: Vec<Revision>,
    pub events: Vec<ResultEvent>,
    pub objections: Vec<ObjectionRow>,
    /// The caller may lodge an objection now.
    pub may_object: bool,
    /// The caller organises the competition.
    pub may_manage: bool,
}

/// The lines that differ (combined score, rank or prize) between two versions.
pub fn line_changes(before: &TrackResults, after: &TrackResults) -> Vec<LineChange> {
    let find = |r: &TrackResults, id: i64| r.lines.iter().find(|l| l.entry_id == id).cloned();
    let mut ids: Vec<i64> = before.lines.iter().map(|l| l.entry_id).collect();
    let new: Vec<i64> = after
        .lines
        .iter()
        .map(|l| l.entry_id)
        .filter(|id| !ids.contains(id))
        .collect();
    ids.extend(new);
    ids.into_iter()
        .filter_map(|id| {
            let (b, a) = (find(before, id), find(after, id));
            let key = |l: &Option<ResultLine>| {
                l.as_ref()
                    .map(|l| (l.combined, l.rank, l.prize.clone()))
                    .unwrap_or_default()
            };
            if key(&b) == key(&a) {
                return None;
            }
            let name = a.as_ref().or(b.as_ref()).map(|l| l.name.clone())?;
            Some(LineChange {
                entry_id: id,
                name,
                combined_before: b.as_ref().and_then(|l| l.combined),
                combined_after: a.as_ref().and_then(|l| l.combined),
                rank_before: b.as_ref().and_then(|l| l.rank),
                rank_after: a.as_ref().and_then(|l| l.rank),
                prize_before: b.and_then(|l| l.prize),
                prize_after: a.and_then(|l| l.prize),
            })
        })
        .collect()
}

pub(crate) async fn frozen(
    conn: &mut Conn,
    track_id: i64,
    version: i64,
) -> ServiceResult<Option<TrackResults>> {
    match notices::version_body(conn, track_id, version).await? {
        Some(body) => serde_json::from_str(&body)
            .map(Some)
            .map_err(|e| ServiceError::Internal(format!("results version {version}: {e}"))),
        None => Ok(None),
    }
}

/// The track's notice. Anyone may read it while it is on notice or final; before that only
/// its organisers (to others it does not exist).
pub async fn notice(db: &Database, caller: &Caller, track_id: i64) -> ServiceResult<Notice> {
    let mut conn = db.read().await?;
    let track = competitions::track(&mut conn, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = competitions::get(&mut conn, track.row.competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let may_manage = caller.may(Action::ManageCompetitions, &competition.unit_path());
    let state = notices::state(&mut conn, track_id).await?;
    if !may_manage && !rules::scores_public(state.stage) {
        return Err(ServiceError::NotFound);
    }
    let results = frozen(&mut conn, track_id, state.version).await?;
    let events = notices::events(&mut conn, track_id).await?;
    let mut revisions = Vec::new();
    for e in events
        .iter()
        .filter(|e| e.stage == ResultStage::Open.as_str())
    {
        let changes = match (
            frozen(&mut conn, track_id, e.version).await?,
            frozen(&mut conn, track_id, e.version + 1).await?,
        ) {
            (Some(before), Some(after)) => line_changes(&before, &after),
            _ => Vec::new(),
        };
        revisions.push(Revision {
            from_version: e.version,
            reason: e.reason.clone(),
            actor_name: e.actor_name.clone(),
            at: e.at,
            changes,
        });
    }
    let objections = match (may_manage, caller.user_id()) {
        (true, _) => notices::objections(&mut conn, track_id, None).await?,
        (false, Some(user)) => notices::objections(&mut conn, track_id, Some(user)).await?,
        (false, None) => Vec::new(),
    };
    Ok(Notice {
        track_id,
        track_name: track.row.name.clone(),
        competition_id: competition.id,
        competition_name: competition.name.clone(),
        stage: state.stage,
        version: state.version,
        notice_opens_at: state.notice_opens_at,
        notice_closes_at: state.notice_closes_at,
        results,
        revisions,
        events,
        objections,
        may_object: caller.user_id().is_some()
            && rules::may_object(state.stage, now_ms(), state.notice_closes_at),
        may_manage,
    })
}

/// Tracks on notice or final, newest first: the public list.
pub async fn listings(db: &Database) -> ServiceResult<Vec<NoticeListing>> {
    let mut conn = db.read().await?;
    Ok(notices::listings(&mut conn).await?)
}

/// What an organiser asks: freeze, publish (with the notice's closing time), reopen (with a
/// reason), or make final.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct MoveInput {
    /// `freeze`, `publish`, `reopen` or `final`.
    #[serde(default)]
    pub action: String,
    /// For `publish`: how many days the notice runs (1 to 30).
    #[serde(default)]
    pub days: Option<i64>,
    /// For `reopen`: why.
    #[serde(default)]
    pub reason: String,
}

fn parse_move(input: &MoveInput, now: i64) -> Result<ResultMove, FieldError> {
    match input.action.trim() {
        "freeze" => Ok(ResultMove::Freeze),
        "publish" => {
            let days = input
                .days
                .ok_or_else(|| FieldError::new("days", "required"))?;
            if !(1..=30).contains(&days) {
                return Err(FieldError::new("days", "between")
                    .with("min", 1)
                    .with("max", 30));
            }
            Ok(ResultMove::Publish {
                closes_at: now + days * 24 * 3_600_000,
            })
        }
        "reopen" => Ok(ResultMove::Reopen),
        "final" => Ok(ResultMove::Finalise),
        other => Err(FieldError::new("action", "unknown_code").with("value", other)),
    }
}

/// Moves a track's results on: freeze (the results as they stand are kept as the next
/// version), publish, reopen or make final. Organisers only; every move is audited.
pub async fn move_results(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    input: &MoveInput,
) -> ServiceResult<ResultState> {
    let now = now_ms();
    let competition = {
        let mut conn = db.read().await?;
        let track = competitions::track(&mut conn, track_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        competitions::get(&mut conn, track.row.competition_id)
            .await?
            .ok_or(ServiceError::NotFound)?
    };
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    let wanted = parse_move(input, now)?;
    // Computed before the transaction: confirmed panels take no more scores, and freezing
    // needs every panel confirmed, so nothing can change in between.
    let live = match wanted {
        ResultMove::Freeze => Some(crate::results::of_track(db, caller, track_id).await?),
        _ => None,
    };
    let reason = crate::units::non_empty(&input.reason);
    let mut tx = db.begin().await?;
    let before = notices::state(&mut tx, track_id).await?;
    let facts = ResultFacts {
        stage: before.stage,
        now,
        notice_closes_at: before.notice_closes_at,
        unscored: live.as_ref().map_or(0, |r| r.unscored),
        unconfirmed_panels: unconfirmed_panels(&mut tx, track_id).await?,
        open_objections: notices::objections(&mut tx, track_id, None)
            .await?
            .iter()
            .filter(|o| o.outcome.0.is_none())
            .count(),
        has_reason: reason.is_some(),
    };
    let stage = rules::next_stage(&facts, &wanted).map_err(|refusal| {
        let field = match refusal {
            rules::MoveRefusal::ReasonRequired => "reason",
            rules::MoveRefusal::BadPeriod => "days",
            _ => "action",
        };
        FieldError::new(field, refusal.code())
    })?;
    let mut after = ResultState {
        stage,
        updated_at: now,
        ..before.clone()
    };
    match &wanted {
        ResultMove::Freeze => {
            after.version = before.version + 1;
            let results = live
                .as_ref()
                .ok_or_else(|| ServiceError::Internal("results not computed".into()))?;
            let body = serde_json::to_string(results)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            notices::insert_version(
                &mut tx,
                track_id,
                after.version,
                &body,
                &caller.actor.name,
                now,
            )
            .await?;
            after.notice_opens_at = None;
            after.notice_closes_at = None;
        }
        ResultMove::Publish { closes_at } => {
            after.notice_opens_at = Some(now);
            after.notice_closes_at = Some(*closes_at);
        }
        ResultMove::Reopen | ResultMove::Finalise => {}
    }
    notices::set_state(&mut tx, &after).await?;
    notices::add_event(
        &mut tx,
        track_id,
        stage,
        after.version,
        reason.as_deref().unwrap_or(""),
        (caller.user_id(), &caller.actor.name),
        now,
    )
    .await?;
    let code = format!("results.{}", stage.as_str());
    let mut c = change(&code, "track", track_id, Some(&before), Some(&after));
    c.reason = reason;
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

async fn unconfirmed_panels(conn: &mut Conn, track_id: i64) -> ServiceResult<usize> {
    let Some(track) = competitions::track(conn, track_id).await? else {
        return Ok(0);
    };
    let Some(round) = track.rounds.iter().find(|r| r.kind == RoundKind::Practical) else {
        return Ok(0);
    };
    Ok(practical::panels(conn, round.id)
        .await?
        .iter()
        .filter(|p| p.confirmed_at.is_none())
        .count())
}

/// Refuses a change of scores unless the track's results are open.
pub async fn ensure_scores_changeable(conn: &mut Conn, track_id: i64) -> ServiceResult<()> {
    let state = notices::state(conn, track_id).await?;
    if rules::scores_changeable(state.stage) {
        Ok(())
    } else {
        Err(FieldError::new("panel", "results_frozen").into())
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ObjectionInput {
    /// The entry the objection is about, if one (from the notice's lines).
    #[serde(default)]
    pub entry_id: Option<i64>,
    #[serde(default)]
    pub body: String,
}

/// Anyone signed in lodges an objection while the notice runs.
pub async fn lodge(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    input: &ObjectionInput,
) -> ServiceResult<ObjectionRow> {
    let user = caller.user_id().ok_or(ServiceError::Forbidden)?;
    let body = input.body.trim();
    if body.is_empty() {
        return Err(FieldError::new("body", "required").into());
    }
    if body.chars().count() > 2000 {
        return Err(FieldError::new("body", "too_long").with("max", 2000).into());
    }
    let mut tx = db.begin().await?;
    let state = notices::state(&mut tx, track_id).await?;
    if !rules::scores_public(state.stage) {
        return Err(ServiceError::NotFound);
    }
    if !rules::may_object(state.stage, now_ms(), state.notice_closes_at) {
        return Err(FieldError::new("body", "notice_closed").into());
    }
    if let Some(entry) = input.entry_id {
        let on_notice = frozen(&mut tx, track_id, state.version)
            .await?
            .is_some_and(|r| r.lines.iter().any(|l| l.entry_id == entry));
        if !on_notice {
            return Err(FieldError::new("entry_id", "not_on_notice")
                .with("value", entry)
                .into());
        }
    }
    let now = now_ms();
    let id = notices::insert_objection(
        &mut tx,
        track_id,
        state.version,
        input.entry_id,
        user,
        body,
        now,
    )
    .await?;
    let row = notices::objection(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change("objection.lodge", "objection", id, None::<&()>, Some(&row)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(row)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ResolutionInput {
    /// `upheld` or `dismissed`.
    #[serde(default)]
    pub outcome: String,
    /// The reason, shown to the objector and on the notice's record.
    #[serde(default)]
    pub resolution: String,
}

/// An organiser resolves an objection with a reason. Upholding it does not change scores by
/// itself: the organiser then reopens the results, with the objection as the reason.
pub async fn resolve(
    db: &Database,
    caller: &Caller,
    objection_id: i64,
    input: &ResolutionInput,
) -> ServiceResult<ObjectionRow> {
    let mut tx = db.begin().await?;
    let before = notices::objection(&mut tx, objection_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let track = competitions::track(&mut tx, before.track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = competitions::get(&mut tx, track.row.competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    let outcome = ObjectionOutcome::parse("outcome", &input.outcome)?;
    let resolution = crate::units::non_empty(&input.resolution)
        .ok_or_else(|| FieldError::new("resolution", "reason_required"))?;
    if !notices::resolve_objection(
        &mut tx,
        objection_id,
        outcome,
        &resolution,
        &caller.actor.name,
        now_ms(),
    )
    .await?
    {
        return Err(FieldError::new("outcome", "objection_resolved").into());
    }
    let after = notices::objection(&mut tx, objection_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        "objection.resolve",
        "objection",
        objection_id,
        Some(&before),
        Some(&after),
    );
    c.reason = Some(resolution);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// An entrant's own line, once the results are on notice.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyResult {
    pub track_id: i64,
    pub track_name: String,
    #[schema(value_type = String)]
    pub stage: ResultStage,
    pub line: ResultLine,
}

/// The caller's own results: only tracks on notice or final, only their own line.
pub async fn mine(db: &Database, caller: &Caller) -> ServiceResult<Vec<MyResult>> {
    let Some(person) = caller.person_id else {
        return Ok(Vec::new());
    };
    let entries = crate::entries::mine(db, caller).await?;
    let mut conn = db.read().await?;
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for e in entries {
        if seen.contains(&e.track_id) {
            continue;
        }
        seen.push(e.track_id);
        let state = notices::state(&mut conn, e.track_id).await?;
        if !rules::scores_public(state.stage) {
            continue;
        }
        if let Some(r) = frozen(&mut conn, e.track_id, state.version).await?
            && let Some(line) = r.lines.into_iter().find(|l| l.person_id == person)
        {
            out.push(MyResult {
                track_id: e.track_id,
                track_name: r.track_name.clone(),
                stage: state.stage,
                line,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, combined: i64, rank: u32, prize: Option<&str>) -> ResultLine {
        ResultLine {
            entry_id: id,
            number: Some(id),
            person_id: id,
            name: format!("p{id}"),
            unit_id: 1,
            unit_name: "u".into(),
            team: String::new(),
            theory: None,
            practical: None,
            combined: Some(Points(combined)),
            rank: Some(rank),
            prize: prize.map(str::to_owned),
        }
    }

    fn results(lines: Vec<ResultLine>) -> TrackResults {
        TrackResults {
            track_id: 1,
            track_name: "t".into(),
            competition_id: 1,
            lines,
            teams: Vec::new(),
            unscored: 0,
        }
    }

    #[test]
    fn only_lines_whose_score_rank_or_prize_moved_are_changes() {
        let before = results(vec![
            line(1, 90_000, 1, Some("一等奖")),
            line(2, 80_000, 2, None),
            line(3, 70_000, 3, None),
        ]);
        let after = results(vec![
            line(2, 95_000, 1, Some("一等奖")),
            line(1, 90_000, 2, None),
            line(3, 70_000, 3, None),
        ]);
        let changes = line_changes(&before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].entry_id, 1);
        assert_eq!(changes[0].prize_before.as_deref(), Some("一等奖"));
        assert_eq!(changes[0].prize_after, None);
        assert_eq!(changes[1].combined_after, Some(Points(95_000)));
        assert!(line_changes(&after, &after).is_empty());
    }
}
