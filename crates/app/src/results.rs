//! A track's results as they stand: each approved entrant's theory score (their best fully
//! graded attempt), practical score (their panel's final score), both on a 100-point scale,
//! the combined score by the track's weights, the rank with its written tie rule, the prize
//! tier, and team prizes by the sum of a unit's best entrants. Computed from the stored scores
//! each time, so it is never out of step with them.

use crate::{Caller, ServiceError, ServiceResult};
use gongjiang_db::practical::{self, CriterionRow, Panels};
use gongjiang_db::{Conn, Database, attempts, competitions, entries};
use gongjiang_domain::authz::Action;
use gongjiang_domain::competition::RoundKind;
use gongjiang_domain::competition::practical::full_marks;
use gongjiang_domain::review::Points;
use gongjiang_domain::review::ranking::{self, Better, Contender, PrizeRule, RoundWeight};
use std::collections::HashMap;

/// One entrant's line of the results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ResultLine {
    pub entry_id: i64,
    pub number: Option<i64>,
    pub person_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub team: String,
    /// Out of 100: the best fully graded attempt of the theory session.
    pub theory: Option<Points>,
    /// Out of 100: the panel's final score over the criteria's full marks.
    pub practical: Option<Points>,
    /// By the track's weights; none while a round's score is missing.
    pub combined: Option<Points>,
    pub rank: Option<u32>,
    /// The prize tier's name.
    pub prize: Option<String>,
}

/// A unit's line of the team results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TeamLine {
    pub unit_id: i64,
    pub unit_name: String,
    /// The sum of its best `team_best` combined scores.
    pub score: Points,
    pub counted: i64,
    pub rank: u32,
    pub prize: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TrackResults {
    pub track_id: i64,
    pub track_name: String,
    pub competition_id: i64,
    pub lines: Vec<ResultLine>,
    pub teams: Vec<TeamLine>,
    /// Entrants still without a combined score (a round not yet scored).
    pub unscored: usize,
}

/// Each person's best fully graded attempt of a session, out of 100.
async fn theory_scores(conn: &mut Conn, session: i64) -> ServiceResult<HashMap<i64, Points>> {
    let mut best: HashMap<i64, Points> = HashMap::new();
    for a in attempts::of_session(conn, session).await? {
        let (Some(_), Some(score)) = (a.submitted_at, a.score) else {
            continue;
        };
        if a.pending_manual > 0 || a.max_score <= 0 {
            continue;
        }
        let out_of_100 = Points::ratio(i128::from(score) * 100_000, i128::from(a.max_score));
        let slot = best.entry(a.person_id).or_insert(out_of_100);
        *slot = (*slot).max(out_of_100);
    }
    Ok(best)
}

/// Each entry's practical score, out of 100.
async fn practical_scores(conn: &mut Conn, round_id: i64) -> ServiceResult<HashMap<i64, Points>> {
    let criteria: Vec<CriterionRow> = practical::criteria(conn, round_id).await?;
    let specs: Vec<_> = criteria.iter().map(CriterionRow::spec).collect();
    let full = full_marks(&specs);
    let mut out = HashMap::new();
    if full == Points::ZERO {
        return Ok(out);
    }
    let panels = crate::panel_scores::scores_of(conn, round_id, Panels::OfRound(round_id)).await?;
    for scores in panels.into_values() {
        for s in scores.subjects {
            if let Some(score) = s.score {
                out.insert(
                    s.subject,
                    Points::ratio(i128::from(score.0) * 100_000, i128::from(full.0)),
                );
            }
        }
    }
    Ok(out)
}

/// The track's results: for its organisers.
pub async fn of_track(
    db: &Database,
    caller: &Caller,
    track_id: i64,
) -> ServiceResult<TrackResults> {
    let mut conn = db.read().await?;
    let track = competitions::track(&mut conn, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = competitions::get(&mut conn, track.row.competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    let round = |kind| track.rounds.iter().find(|r| r.kind == kind);
    let theory = match round(RoundKind::Theory).and_then(|r| r.exam_session_id) {
        Some(session) => theory_scores(&mut conn, session).await?,
        None => HashMap::new(),
    };
    let practical = match round(RoundKind::Practical) {
        Some(r) => practical_scores(&mut conn, r.id).await?,
        None => HashMap::new(),
    };
    let weights: Vec<RoundWeight> = track
        .rounds
        .iter()
        .map(|r| RoundWeight {
            round: r.id,
            percent: u32::try_from(r.weight).unwrap_or(0),
        })
        .collect();
    let filter = entries::EntryFilter {
        track_id: Some(track_id),
        stage: Some(gongjiang_domain::competition::entry::EntryStage::Approved),
        ..Default::default()
    };
    let (approved, _) = entries::list(&mut conn, &filter, gongjiang_db::Page::ALL).await?;
    let mut lines: Vec<ResultLine> = approved
        .iter()
        .map(|e| {
            let t = theory.get(&e.person_id).copied();
            let p = practical.get(&e.id).copied();
            let combined = ranking::combined(&weights, |round_id| {
                match track.rounds.iter().find(|r| r.id == round_id)?.kind {
                    RoundKind::Theory => t,
                    RoundKind::Practical => p,
                }
            });
            ResultLine {
                entry_id: e.id,
                number: e.number,
                person_id: e.person_id,
                name: e.person_name.clone(),
                unit_id: e.unit_id,
                unit_name: e.unit_name.clone(),
                team: e.team.clone(),
                theory: t,
                practical: p,
                combined,
                rank: None,
                prize: None,
            }
        })
        .collect();
    // The written tie rule: the combined score, then the practical score, then the theory
    // score, each higher first.
    let contenders: Vec<Contender> = lines
        .iter()
        .filter_map(|l| {
            Some(Contender {
                id: l.entry_id,
                score: l.combined?,
                breaks: vec![
                    l.practical.map(|p| p.0).unwrap_or(0),
                    l.theory.map(|t| t.0).unwrap_or(0),
                ],
            })
        })
        .collect();
    let ranked = ranking::rank(contenders, &[Better::Higher, Better::Higher]);
    let prize_rule = PrizeRule {
        tiers: track.prizes.iter().map(|t| t.size).collect(),
        min_score: track.row.min_prize_score(),
    };
    let awarded = ranking::award(ranked.clone(), &prize_rule);
    let by_entry: HashMap<i64, &ranking::Ranked> = awarded.iter().map(|r| (r.id, r)).collect();
    for line in &mut lines {
        if let Some(r) = by_entry.get(&line.entry_id) {
            line.rank = Some(r.rank);
            line.prize = r
                .tier
                .and_then(|t| track.prizes.get(t))
                .map(|t| t.name.clone());
        }
    }
    lines.sort_by_key(|l| (l.rank.unwrap_or(u32::MAX), l.number.unwrap_or(i64::MAX)));
    let unscored = lines.iter().filter(|l| l.combined.is_none()).count();
    let teams = match track.row.team_best {
        Some(best) if !track.team_prizes.is_empty() => {
            // Teams are the entrants' enterprises (the units whose places they take).
            let enterprise: HashMap<i64, i64> =
                approved.iter().map(|e| (e.id, e.quota_unit_id)).collect();
            let mut names = HashMap::new();
            for &unit in enterprise.values() {
                if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(unit) {
                    let name = gongjiang_db::units::get(&mut conn, unit)
                        .await?
                        .map(|u| u.name)
                        .unwrap_or_default();
                    slot.insert(name);
                }
            }
            let members: Vec<(i64, Points)> = lines
                .iter()
                .filter_map(|l| Some((*enterprise.get(&l.entry_id)?, l.combined?)))
                .collect();
            team_lines(&members, &names, best, &track.team_prizes)
        }
        _ => Vec::new(),
    };
    Ok(TrackResults {
        track_id,
        track_name: track.row.name.clone(),
        competition_id: competition.id,
        lines,
        teams,
        unscored,
    })
}

/// Every track's results of a competition (its organisers), tracks computed side by side on
/// the readers.
pub async fn of_competition(
    db: &Database,
    caller: &Caller,
    competition_id: i64,
) -> ServiceResult<Vec<TrackResults>> {
    use futures_util::{StreamExt, TryStreamExt};
    let tracks = {
        let mut conn = db.read().await?;
        let competition = competitions::get(&mut conn, competition_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
        competitions::tracks(&mut conn, competition_id).await?
    };
    futures_util::stream::iter(tracks)
        .map(|t| of_track(db, caller, t.row.id))
        .buffered(4)
        .try_collect()
        .await
}

/// Team prizes by "the sum of a unit's best `best` combined scores" (the unit is the
/// entrant's enterprise), ranked by that sum, then by how many counted.
fn team_lines(
    members: &[(i64, Points)],
    names: &HashMap<i64, String>,
    best: i64,
    tiers: &[gongjiang_domain::competition::PrizeTier],
) -> Vec<TeamLine> {
    let contenders = ranking::team_scores(members, usize::try_from(best).unwrap_or(0));
    let counted: HashMap<i64, i64> = contenders.iter().map(|c| (c.id, c.breaks[0])).collect();
    let ranked = ranking::rank(contenders, &[Better::Higher]);
    let rule = PrizeRule {
        tiers: tiers.iter().map(|t| t.size).collect(),
        min_score: None,
    };
    ranking::award(ranked, &rule)
        .into_iter()
        .map(|r| TeamLine {
            unit_id: r.id,
            unit_name: names.get(&r.id).cloned().unwrap_or_default(),
            score: r.score,
            counted: counted.get(&r.id).copied().unwrap_or(0),
            rank: r.rank,
            prize: r.tier.and_then(|t| tiers.get(t)).map(|t| t.name.clone()),
        })
        .collect()
}

/// The results as a workbook: one sheet of entrants (rank, number, name, unit, theory,
/// practical, combined, prize) and, with team prizes, one of units.
pub async fn export(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    english: bool,
) -> ServiceResult<Vec<u8>> {
    let r = of_track(db, caller, track_id).await?;
    let label = |zh: &str, en: &str| if english { en } else { zh }.to_owned();
    let text = |p: Option<Points>| p.map(|p| p.to_string()).unwrap_or_default();
    let headers = vec![
        label("名次", "Rank"),
        label("编号", "Number"),
        label("姓名", "Name"),
        label("单位", "Unit"),
        label("理论成绩", "Theory"),
        label("实操成绩", "Practical"),
        label("总成绩", "Combined"),
        label("奖项", "Prize"),
    ];
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .map(|l| {
            vec![
                l.rank.map(|k| k.to_string()).unwrap_or_default(),
                l.number.map(|n| n.to_string()).unwrap_or_default(),
                l.name.clone(),
                l.unit_name.clone(),
                text(l.theory),
                text(l.practical),
                text(l.combined),
                l.prize.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let team_headers = vec![
        label("名次", "Rank"),
        label("单位", "Unit"),
        label("团体成绩", "Team score"),
        label("计入人数", "Counted"),
        label("奖项", "Prize"),
    ];
    let team_rows: Vec<Vec<String>> = r
        .teams
        .iter()
        .map(|t| {
            vec![
                t.rank.to_string(),
                t.unit_name.clone(),
                t.score.to_string(),
                t.counted.to_string(),
                t.prize.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let (individual, team) = (label("个人成绩", "Entrants"), label("团体成绩", "Teams"));
    let mut sheets: Vec<crate::sheets::SheetSpec<'_>> = vec![(&individual, &headers, &rows)];
    if !team_rows.is_empty() {
        sheets.push((&team, &team_headers, &team_rows));
    }
    crate::sheets::write_sheets(&sheets).map_err(ServiceError::Internal)
}
