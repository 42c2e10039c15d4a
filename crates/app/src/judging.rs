//! Judges at work: their panels, a panel's sheet (entrants by number only), saving a score
//! (idempotent; a different value only as a correction with its reason), declaring a
//! conflict, closing a panel and the chief judge's confirmation.

use crate::panel_scores::{Seating, Tree};
use crate::practical::round_of_panel;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::group_commit::GroupCommit;
use gongjiang_db::practical::{self, CriterionRow, PanelJudge, PanelRow, Panels};
use gongjiang_db::score_writes::{NewScore, ScoreWriter};
use gongjiang_db::{Conn, Database};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::competition::practical::{self as rules, Save};
use gongjiang_domain::review::Points;
use gongjiang_domain::review::conflict::Conflict;
use gongjiang_domain::review::scoring::RoundScores;
use gongjiang_domain::unit::UnitPath;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// The panels the caller judges on.
pub async fn my_panels(db: &Database, caller: &Caller) -> ServiceResult<Vec<PanelRow>> {
    let Some(user) = caller.user_id() else {
        return Ok(Vec::new());
    };
    let mut conn = db.read().await?;
    Ok(practical::panels_of_judge(&mut conn, user).await?)
}

async fn seat(conn: &mut Conn, caller: &Caller, panel_id: i64) -> ServiceResult<PanelJudge> {
    let user = caller.user_id().ok_or(ServiceError::Forbidden)?;
    practical::judges(conn, panel_id)
        .await?
        .into_iter()
        .find(|j| j.user_id == user)
        .ok_or(ServiceError::Forbidden)
}

/// Whether this judge stands aside for this entrant: a conflict the tree shows or one they
/// declared (the same rule as `practical::recusals`, for one pair).
async fn stands_aside(
    conn: &mut Conn,
    judge: &PanelJudge,
    entrant: &practical::PanelEntrant,
) -> ServiceResult<bool> {
    if practical::has_declared(conn, entrant.entry_id, judge.user_id).await? {
        return Ok(true);
    }
    let Some(path) = &judge.unit_path else {
        return Ok(false);
    };
    tree_conflict(conn, UnitPath::from_stored(path.clone()), entrant.unit()).await
}

/// Whether the tree puts a judge of unit `own` in conflict with an entrant of unit `theirs`.
async fn tree_conflict(conn: &mut Conn, own: UnitPath, theirs: UnitPath) -> ServiceResult<bool> {
    let tree = Tree::on_paths(conn, &[&own, &theirs]).await?;
    Ok(
        gongjiang_domain::review::conflict::found(
            &tree.affiliation(own),
            &tree.affiliation(theirs),
        )
        .is_some(),
    )
}

/// One entrant on a judge's sheet: a number, this judge's scores, and whether they stand aside.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SheetLine {
    pub entry_id: i64,
    pub number: i64,
    /// Why this judge stands aside (then they do not score this entrant).
    pub recused: Option<Conflict>,
    /// In the order of the criteria; null where not yet scored.
    pub points: Vec<Option<Points>>,
}

/// A judge's sheet for a panel.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JudgeSheet {
    pub panel: PanelRow,
    pub track_name: String,
    pub criteria: Vec<CriterionRow>,
    pub lines: Vec<SheetLine>,
    pub chief: bool,
    /// Entrants left with fewer judges than the rule needs, after the conflicts.
    pub short: Vec<i64>,
    pub min_judges: u32,
}

/// One score as a judge's phone sends it.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ScoreInput {
    pub entry_id: i64,
    pub criterion_id: i64,
    /// A decimal with up to three places, as typed: `"37.5"`.
    pub points: String,
    /// To change a score already stored: the reason. Without it a different value is refused.
    #[serde(default)]
    pub correction: Option<String>,
}

/// What became of a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    New,
    /// The same value was already stored (a retry).
    Same,
    Corrected,
}

/// Judges' scores as they arrive, with the group-commit writer of new scores (one per process).
#[derive(Clone)]
pub struct Judging {
    db: Database,
    writer: GroupCommit<ScoreWriter>,
    /// Each panel's seating, as last read (see `tree_says_aside`).
    seated: Arc<RwLock<HashMap<i64, Seated>>>,
}

impl Judging {
    /// Starts the writer. Call inside a Tokio runtime.
    pub fn start(db: Database) -> Judging {
        Judging {
            writer: GroupCommit::start(db.clone(), 512, ScoreWriter),
            seated: Arc::default(),
            db,
        }
    }

    /// A judge's sheet for a panel; the panel's seating read for it serves the judges' saves.
    pub async fn sheet(&self, caller: &Caller, panel_id: i64) -> ServiceResult<JudgeSheet> {
        let mut conn = self.db.read().await?;
        let (r, panel) = round_of_panel(&mut conn, panel_id).await?;
        let me = seat(&mut conn, caller, panel_id).await?;
        let criteria = practical::criteria(&mut conn, r.round.id).await?;
        let (rule, _) = practical::rule(&mut conn, r.round.id).await?;
        let seating = Seating::load(&mut conn, Panels::One(panel_id)).await?;
        self.remember(panel_id, &seating);
        let position: HashMap<i64, usize> = criteria
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let mut mine: HashMap<i64, Vec<Option<Points>>> = HashMap::new();
        for s in practical::points_of(&mut conn, Panels::One(panel_id)).await? {
            if s.user_id == me.user_id
                && let Some(&i) = position.get(&s.criterion_id)
            {
                mine.entry(s.entry_id)
                    .or_insert_with(|| vec![None; criteria.len()])[i] = Some(Points(s.points));
            }
        }
        let mut lines = Vec::new();
        let mut short = Vec::new();
        for e in &seating.entrants {
            let free = seating
                .judges
                .iter()
                .filter(|j| !seating.recused.contains_key(&(j.user_id, e.entry_id)))
                .count();
            if (free as u32) < rule.min_judges {
                short.push(e.number);
            }
            lines.push(SheetLine {
                entry_id: e.entry_id,
                number: e.number,
                recused: seating.recused.get(&(me.user_id, e.entry_id)).copied(),
                points: mine
                    .remove(&e.entry_id)
                    .unwrap_or_else(|| vec![None; criteria.len()]),
            });
        }
        Ok(JudgeSheet {
            track_name: r.track.row.name,
            panel,
            criteria,
            lines,
            chief: me.chief,
            short,
            min_judges: rule.min_judges,
        })
    }

    /// Stores one score: the caller judges on the panel, the panel is open, the entrant is on
    /// it and the judge does not stand aside for them, the criterion is the round's and the
    /// points within its maximum. Acknowledged only once committed.
    ///
    /// A first score (nearly every save) is checked by the write itself, committed with other
    /// judges' scores, with the tree's conflicts taken from the panel's seating read once;
    /// anything else (a retry, a correction, a refusal) takes the careful path, one
    /// transaction that gives the exact answer.
    pub async fn save(
        &self,
        caller: &Caller,
        panel_id: i64,
        input: ScoreInput,
    ) -> ServiceResult<Saved> {
        if let Some(saved) = self.save_quickly(caller, panel_id, &input).await? {
            return Ok(saved);
        }
        save_carefully(&self.db, caller, panel_id, input).await
    }

    /// `None` when the save is not a plain first score, or when the write did not store it
    /// (a retry, a closed panel, a declared conflict, a criterion or points out of place).
    async fn save_quickly(
        &self,
        caller: &Caller,
        panel_id: i64,
        input: &ScoreInput,
    ) -> ServiceResult<Option<Saved>> {
        let (Some(user), Ok(points)) = (caller.user_id(), Points::parse("points", &input.points))
        else {
            return Ok(None);
        };
        if self.tree_says_aside(panel_id, user, input.entry_id).await? != Some(false) {
            return Ok(None);
        }
        let stored = self
            .writer
            .write(NewScore {
                panel_id,
                entry_id: input.entry_id,
                user_id: user,
                criterion_id: input.criterion_id,
                points,
                at_ms: now_ms(),
            })
            .await?;
        Ok(stored.then_some(Saved::New))
    }

    /// Whether the union tree puts this judge in conflict with this entrant, from the panel's
    /// seating read at most [`SEATING_FOR`] ago; `None` when they are not both on the panel.
    /// (Everything else a save depends on is checked again by the write itself.)
    async fn tree_says_aside(
        &self,
        panel_id: i64,
        judge: i64,
        entry: i64,
    ) -> ServiceResult<Option<bool>> {
        let known = |seated: &Seated| {
            (seated.read_at.elapsed() < SEATING_FOR
                && seated.judges.contains(&judge)
                && seated.entrants.contains(&entry))
            .then(|| seated.aside.contains(&(judge, entry)))
        };
        if let Some(answer) = self
            .seated
            .read()
            .ok()
            .and_then(|m| m.get(&panel_id).and_then(known))
        {
            return Ok(Some(answer));
        }
        let mut conn = self.db.read().await?;
        let seating = Seating::load(&mut conn, Panels::One(panel_id)).await?;
        drop(conn);
        self.remember(panel_id, &seating);
        Ok(self
            .seated
            .read()
            .ok()
            .and_then(|m| m.get(&panel_id).and_then(known)))
    }

    fn remember(&self, panel_id: i64, seating: &Seating) {
        let seated = Seated {
            read_at: std::time::Instant::now(),
            judges: seating.judges.iter().map(|j| j.user_id).collect(),
            entrants: seating.entrants.iter().map(|e| e.entry_id).collect(),
            aside: seating.recused.keys().copied().collect(),
        };
        if let Ok(mut m) = self.seated.write() {
            m.insert(panel_id, seated);
        }
    }
}

/// How long a panel's seating is trusted by the quick path: a person moved to another unit is
/// seen as a conflict within this time (a declared conflict, a closed panel at once).
const SEATING_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// A panel's seating as the quick path keeps it.
struct Seated {
    read_at: std::time::Instant,
    judges: HashSet<i64>,
    entrants: HashSet<i64>,
    /// (judge, entry) pairs where the judge stands aside.
    aside: HashSet<(i64, i64)>,
}

/// [`Judging::save`] in one transaction.
async fn save_carefully(
    db: &Database,
    caller: &Caller,
    panel_id: i64,
    input: ScoreInput,
) -> ServiceResult<Saved> {
    let mut tx = db.begin().await?;
    let (r, panel) = round_of_panel(&mut tx, panel_id).await?;
    let me = seat(&mut tx, caller, panel_id).await?;
    if panel.closed_at.is_some() {
        return Err(FieldError::new("points", "panel_closed").into());
    }
    let Some(entrant) = practical::panel_entrant(&mut tx, panel_id, input.entry_id).await? else {
        return Err(FieldError::new("entry_id", "not_on_panel")
            .with("value", input.entry_id)
            .into());
    };
    if stands_aside(&mut tx, &me, &entrant).await? {
        return Err(FieldError::new("entry_id", "judge_recused").into());
    }
    let criterion = practical::criteria(&mut tx, r.round.id)
        .await?
        .into_iter()
        .find(|c| c.id == input.criterion_id)
        .ok_or_else(|| {
            FieldError::new("criterion_id", "unknown_criterion").with("value", input.criterion_id)
        })?;
    let points = Points::parse("points", &input.points)?;
    if points > criterion.max() {
        return Err(FieldError::new("points", "above_maximum")
            .with("max", criterion.max())
            .into());
    }
    let stored = practical::score(&mut tx, input.entry_id, me.user_id, criterion.id).await?;
    let now = now_ms();
    let outcome = rules::save(
        stored.as_ref().map(|s| Points(s.points)),
        points,
        input.correction.as_deref(),
    )?;
    match (outcome, stored) {
        (Save::Same, _) => return Ok(Saved::Same),
        (Save::New, _) => {
            practical::insert_score(
                &mut tx,
                input.entry_id,
                me.user_id,
                criterion.id,
                points,
                now,
            )
            .await?;
        }
        (Save::Corrected { before }, Some(row)) => {
            let reason = input.correction.unwrap_or_default();
            practical::correct_score(&mut tx, &row, points, reason.trim(), now).await?;
            let mut c = change(
                "score.correct",
                "entry",
                input.entry_id,
                Some(&serde_json::json!({ "criterion_id": criterion.id, "points": before })),
                Some(&serde_json::json!({ "criterion_id": criterion.id, "points": points })),
            );
            c.reason = Some(reason.trim().to_owned());
            record(&mut tx, caller, c).await?;
        }
        (Save::Corrected { .. }, None) => unreachable!("a correction needs a stored score"),
    }
    gongjiang_db::commit(tx).await?;
    Ok(match outcome {
        Save::New => Saved::New,
        _ => Saved::Corrected,
    })
}

/// A judge stands aside for an entrant by their own word (a relative, a former pupil).
pub async fn declare(
    db: &Database,
    caller: &Caller,
    panel_id: i64,
    entry_id: i64,
    reason: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let me = seat(&mut tx, caller, panel_id).await?;
    let on_panel = practical::panel_entrants(&mut tx, panel_id)
        .await?
        .iter()
        .any(|e| e.entry_id == entry_id);
    if !on_panel {
        return Err(FieldError::new("entry_id", "not_on_panel")
            .with("value", entry_id)
            .into());
    }
    let reason = crate::units::non_empty(reason)
        .ok_or_else(|| FieldError::new("reason", "reason_required"))?;
    practical::declare_conflict(&mut tx, entry_id, me.user_id, &reason, now_ms()).await?;
    let mut c = change::<(), _>(
        "panel.recuse",
        "entry",
        entry_id,
        None,
        Some(&serde_json::json!({ "panel_id": panel_id, "judge": me.user_id })),
    );
    c.reason = Some(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// Closes score entry (the chief judge or the organisers); `open` reopens it, which only the
/// organisers may, with a reason, while the track's results are open. Reopening a confirmed
/// panel withdraws the chief judge's confirmation: they confirm again after the change.
pub async fn set_open(
    db: &Database,
    caller: &Caller,
    panel_id: i64,
    open: bool,
    reason: &str,
) -> ServiceResult<PanelRow> {
    let mut tx = db.begin().await?;
    let (r, panel) = round_of_panel(&mut tx, panel_id).await?;
    let organiser = caller.may(Action::ManageCompetitions, &r.competition.unit_path());
    let chief = seat(&mut tx, caller, panel_id).await.is_ok_and(|j| j.chief);
    let reason = crate::units::non_empty(reason);
    if open {
        if !organiser {
            return Err(ServiceError::Forbidden);
        }
        if reason.is_none() {
            return Err(FieldError::new("reason", "reason_required").into());
        }
        crate::notices::ensure_scores_changeable(&mut tx, panel.track_id).await?;
    } else if !organiser && !chief {
        return Err(ServiceError::Forbidden);
    }
    let closed_at = if open { None } else { Some(now_ms()) };
    practical::set_panel_state(&mut tx, panel_id, closed_at, None, now_ms()).await?;
    let after = practical::panel(&mut tx, panel_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let code = if open { "panel.reopen" } else { "panel.close" };
    let mut c = change(code, "panel", panel_id, Some(&panel), Some(&after));
    c.reason = reason;
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// The chief judge confirms a closed panel's scores: from then on they are final for the
/// results (a later change reopens the results, with an audited reason).
pub async fn confirm(db: &Database, caller: &Caller, panel_id: i64) -> ServiceResult<PanelRow> {
    let mut tx = db.begin().await?;
    let (_, panel) = round_of_panel(&mut tx, panel_id).await?;
    let me = seat(&mut tx, caller, panel_id).await?;
    if !me.chief {
        return Err(ServiceError::Forbidden);
    }
    let Some(closed) = panel.closed_at else {
        return Err(FieldError::new("panel", "panel_open").into());
    };
    let now = now_ms();
    practical::set_panel_state(&mut tx, panel_id, Some(closed), Some((now, &me.name)), now).await?;
    let after = practical::panel(&mut tx, panel_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change(
            "panel.confirm",
            "panel",
            panel_id,
            Some(&panel),
            Some(&after),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// A panel's final scores with their traces: for its chief judge and the organisers.
pub async fn results(db: &Database, caller: &Caller, panel_id: i64) -> ServiceResult<PanelResults> {
    let mut conn = db.read().await?;
    let (r, panel) = round_of_panel(&mut conn, panel_id).await?;
    let organiser = caller.may(Action::ManageCompetitions, &r.competition.unit_path());
    let chief = seat(&mut conn, caller, panel_id)
        .await
        .is_ok_and(|j| j.chief);
    if !organiser && !chief {
        return Err(ServiceError::Forbidden);
    }
    let numbers: HashMap<i64, i64> = practical::panel_entrants(&mut conn, panel_id)
        .await?
        .iter()
        .map(|e| (e.entry_id, e.number))
        .collect();
    let scores = crate::panel_scores::scores_of(&mut conn, r.round.id, Panels::One(panel_id))
        .await?
        .remove(&panel_id)
        .ok_or(ServiceError::NotFound)?;
    Ok(PanelResults {
        judges: practical::judges(&mut conn, panel_id).await?,
        criteria: practical::criteria(&mut conn, r.round.id).await?,
        panel,
        numbers,
        scores,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PanelResults {
    pub panel: PanelRow,
    pub judges: Vec<PanelJudge>,
    pub criteria: Vec<CriterionRow>,
    /// Each entry's drawn number.
    pub numbers: HashMap<i64, i64>,
    pub scores: RoundScores,
}

/// The track a panel scores (pages go back to its setup).
pub async fn track_of_panel(db: &Database, panel_id: i64) -> ServiceResult<i64> {
    let mut conn = db.read().await?;
    practical::panel(&mut conn, panel_id)
        .await?
        .map(|p| p.track_id)
        .ok_or(ServiceError::NotFound)
}

/// A panel's scores as a workbook that holds enough to recompute every final score: one sheet
/// with each judge's points per criterion, their total and what became of it; one with each
/// entrant's counted sum, count and final score (sum ÷ count, rounded to three places).
pub async fn export(
    db: &Database,
    caller: &Caller,
    panel_id: i64,
    english: bool,
) -> ServiceResult<Vec<u8>> {
    let r = results(db, caller, panel_id).await?;
    let label = |zh: &str, en: &str| if english { en } else { zh }.to_owned();
    let judge_name = |user: i64| {
        r.judges
            .iter()
            .find(|j| j.user_id == user)
            .map(|j| j.name.clone())
            .unwrap_or_default()
    };
    let mut detail_headers = vec![label("编号", "Number"), label("评委", "Judge")];
    detail_headers.extend(r.criteria.iter().map(|c| {
        if c.deduction {
            format!("{}（{}）", c.name, label("扣分", "deduction"))
        } else {
            c.name.clone()
        }
    }));
    detail_headers.extend([label("合计", "Total"), label("计分状态", "Status")]);
    let mut subjects: Vec<_> = r.scores.subjects.iter().collect();
    subjects.sort_by_key(|s| r.numbers.get(&s.subject).copied().unwrap_or(0));
    let text = |p: Option<Points>| p.map(|p| p.to_string()).unwrap_or_default();
    let mut detail = Vec::new();
    let mut finals = Vec::new();
    for s in &subjects {
        let number = r.numbers.get(&s.subject).copied().unwrap_or(0).to_string();
        for line in &s.trace.lines {
            let mut row = vec![number.clone(), judge_name(line.judge)];
            row.extend((0..r.criteria.len()).map(|i| text(line.points.get(i).copied().flatten())));
            row.push(text(line.value()));
            row.push(status_label(line.status, english));
            detail.push(row);
        }
        let notes: Vec<String> = s
            .trace
            .notes
            .iter()
            .map(|n| note_label(*n, english))
            .collect();
        finals.push(vec![
            number,
            s.trace.counted.to_string(),
            s.trace.counted_sum.to_string(),
            text(s.score),
            notes.join("；"),
        ]);
    }
    let rule = r.scores.subjects.first().map(|s| s.trace.rule);
    let rule_text = rule
        .map(|rule| {
            let how = match rule.aggregation {
                gongjiang_domain::review::scoring::Aggregation::Mean => label("平均分", "mean"),
                gongjiang_domain::review::scoring::Aggregation::DropHighestLowest => label(
                    "去掉一个最高分和一个最低分后取平均（不足 5 个分数时取平均）",
                    "mean after dropping the highest and the lowest (plain mean below 5 totals)",
                ),
            };
            format!("{how} · v{}", rule.version)
        })
        .unwrap_or_default();
    let final_headers = vec![
        label("编号", "Number"),
        label("计入评委数", "Counted"),
        label("计入合计", "Counted sum"),
        label("最终成绩", "Final score"),
        format!("{}：{rule_text}", label("说明", "Notes")),
    ];
    let detail_name = label("评分明细", "Scores");
    let final_name = label("成绩", "Results");
    crate::sheets::write_sheets(&[
        (&final_name, &final_headers, &finals),
        (&detail_name, &detail_headers, &detail),
    ])
    .map_err(ServiceError::Internal)
}

fn status_label(status: gongjiang_domain::review::scoring::LineStatus, english: bool) -> String {
    use gongjiang_domain::review::scoring::LineStatus::*;
    let (zh, en) = match status {
        Counted => ("计入", "counted"),
        DroppedHighest => ("去掉的最高分", "dropped as highest"),
        DroppedLowest => ("去掉的最低分", "dropped as lowest"),
        Recused => ("回避", "stood aside"),
        Incomplete => ("未评完", "incomplete"),
        Missing => ("未评分", "not scored"),
    };
    if english { en } else { zh }.to_owned()
}

fn note_label(note: gongjiang_domain::review::scoring::TraceNote, english: bool) -> String {
    use gongjiang_domain::review::scoring::TraceNote::*;
    let (zh, en) = match note {
        TooFewToDrop => (
            "不足 5 个分数，未去掉最高最低分",
            "fewer than 5 totals: nothing dropped",
        ),
        TooFewJudges => (
            "计入的评委不足，暂无成绩",
            "too few judges counted: no score",
        ),
    };
    if english { en } else { zh }.to_owned()
}
