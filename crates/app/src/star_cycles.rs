//! Studio star evaluation on the review engine: a cycle scores the active studios of a
//! unit's subtree by an expert panel (an expert never scores a studio of their own unit, as
//! the union tree says), aggregates by the cycle's rule with a trace, proposes promotions,
//! demotions and exits by the thresholds, and staff confirm each proposal into the studio's
//! history with the cycle as its source.

use crate::panel_scores::Tree;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::star_cycles::{self, Confirmation, CycleRow, Expert, NewCycle};
use gongjiang_db::studios::{self, StudioFilter};
use gongjiang_db::{Conn, Database, Page, units, users};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, today};
use gongjiang_domain::competition::practical::{self as rules, CriterionSpec};
use gongjiang_domain::review::Points;
use gongjiang_domain::review::conflict::{self, Conflict};
use gongjiang_domain::review::scoring::{self, Criterion, Rule, Sheet, SubjectScore};
use gongjiang_domain::review::stars::{Proposal, StarThresholds, propose};
use gongjiang_domain::unit::UnitPath;
use gongjiang_domain::{FieldError, Invalid};

/// A cycle as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CycleInput {
    #[serde(default)]
    pub unit_id: i64,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub name: String,
    /// One a line, full marks as the weight: `创新成果 40`.
    #[serde(default)]
    pub criteria: String,
    #[serde(default)]
    pub exit_below: String,
    #[serde(default)]
    pub three_stars: String,
    #[serde(default)]
    pub four_stars: String,
    #[serde(default)]
    pub five_stars: String,
    /// `mean` or `drop_highest_lowest`.
    #[serde(default)]
    pub aggregation: String,
    #[serde(default)]
    pub min_judges: String,
    /// The experts' user names, one a line.
    #[serde(default)]
    pub experts: String,
}

/// A studio's line of a cycle: its score with the trace, and what is proposed.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StudioLine {
    pub studio_id: i64,
    pub name: String,
    pub unit_name: String,
    pub current_stars: i64,
    #[schema(value_type = Object)]
    pub result: SubjectScore,
    #[schema(value_type = Object)]
    pub proposal: Proposal,
    pub confirmation: Option<Confirmation>,
    /// Experts who stand aside for this studio, with why.
    pub recused: Vec<(i64, String)>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CyclePage {
    pub cycle: CycleRow,
    #[schema(value_type = Vec<Object>)]
    pub criteria: Vec<CriterionSpec>,
    pub experts: Vec<Expert>,
    pub studios: Vec<StudioLine>,
    /// The caller keeps the studios of the cycle's unit (sets up, closes, confirms).
    pub may_manage: bool,
    /// The caller is one of the experts.
    pub is_expert: bool,
}

fn thresholds(c: &CycleRow) -> StarThresholds {
    StarThresholds {
        exit: Points(c.exit_below),
        three: Points(c.three_stars),
        four: Points(c.four_stars),
        five: Points(c.five_stars),
    }
}

fn specs(c: &CycleRow) -> Vec<CriterionSpec> {
    rules::criteria("criteria", &c.criteria).unwrap_or_default()
}

fn rule(c: &CycleRow) -> Rule {
    rules::rule(&c.aggregation, false, &c.min_judges.to_string()).unwrap_or(Rule {
        aggregation: scoring::Aggregation::Mean,
        normalise: false,
        min_judges: 1,
        version: 1,
    })
}

/// Creates a cycle with its experts (those who keep the unit's studios).
pub async fn create(db: &Database, caller: &Caller, input: CycleInput) -> ServiceResult<CycleRow> {
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit").with("value", input.unit_id))?;
    caller.ensure(Action::ManageStudios, &unit.unit_path())?;
    let mut invalid = Invalid::default();
    let year = invalid.check(
        input
            .year
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                FieldError::new("year", "between")
                    .with("min", 2000)
                    .with("max", 2100)
            }),
    );
    let name = invalid.check(gongjiang_domain::error::text("name", &input.name, 2, 80));
    let criteria = invalid.check(rules::criteria("criteria", &input.criteria));
    let th = match StarThresholds::parse(
        &input.exit_below,
        &input.three_stars,
        &input.four_stars,
        &input.five_stars,
    ) {
        Ok(t) => Some(t),
        Err(e) => {
            invalid.0.extend(e.0);
            None
        }
    };
    let rule = invalid.check(rules::rule(
        if input.aggregation.trim().is_empty() {
            "mean"
        } else {
            &input.aggregation
        },
        false,
        if input.min_judges.trim().is_empty() {
            "1"
        } else {
            &input.min_judges
        },
    ));
    let mut experts = Vec::new();
    for line in input
        .experts
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match users::by_username(&mut tx, line)
            .await?
            .filter(|u| !u.disabled)
        {
            Some(u) if !experts.contains(&u.id) => experts.push(u.id),
            Some(_) => {}
            None => invalid.push(FieldError::new("experts", "unknown_user").with("value", line)),
        }
    }
    if experts.is_empty() && invalid.0.iter().all(|e| e.field != "experts") {
        invalid.push(FieldError::new("experts", "judges_required"));
    }
    let (Some(year), Some(name), Some(criteria), Some(th), Some(rule)) =
        (year, name, criteria, th, rule)
    else {
        return Err(invalid.into());
    };
    if !invalid.0.is_empty() {
        return Err(invalid.into());
    }
    let new = NewCycle {
        unit_id: unit.id,
        year,
        name: &name,
        criteria: &rules::criteria_text(&criteria),
        thresholds: [th.exit.0, th.three.0, th.four.0, th.five.0],
        aggregation: gongjiang_db::practical::aggregation_code(rule.aggregation),
        min_judges: i64::from(rule.min_judges),
    };
    let id = star_cycles::insert(&mut tx, &new, now_ms()).await?;
    star_cycles::set_experts(&mut tx, id, &experts).await?;
    let row = star_cycles::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change(
            "star_cycle.create",
            "star_cycle",
            id,
            None::<&()>,
            Some(&row),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(row)
}

/// The cycles the caller keeps studios for, or sits on as an expert.
pub async fn list(db: &Database, caller: &Caller) -> ServiceResult<Vec<CycleRow>> {
    let mut conn = db.read().await?;
    let sits_on = match caller.user_id() {
        Some(user) => star_cycles::cycles_of_expert(&mut conn, user).await?,
        None => Vec::new(),
    };
    let out = star_cycles::list(&mut conn)
        .await?
        .into_iter()
        .filter(|c| {
            sits_on.contains(&c.id)
                || caller.may(
                    Action::ManageStudios,
                    &UnitPath::from_stored(c.unit_path.clone()),
                )
        })
        .collect();
    Ok(out)
}

/// The conflicts the tree shows between the cycle's experts and studios.
fn recusals(tree: &Tree, experts: &[Expert], studio: &studios::StudioView) -> Vec<(i64, Conflict)> {
    let subject = tree.affiliation(studio.unit_path());
    experts
        .iter()
        .filter_map(|e| {
            let own = tree.affiliation(UnitPath::from_stored(e.unit_path.clone()?));
            Some((e.user_id, conflict::found(&own, &subject)?))
        })
        .collect()
}

async fn load(conn: &mut Conn, caller: &Caller, id: i64) -> ServiceResult<CyclePage> {
    let cycle = star_cycles::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = UnitPath::from_stored(cycle.unit_path.clone());
    let experts = star_cycles::experts(conn, id).await?;
    let may_manage = caller.may(Action::ManageStudios, &path);
    let is_expert = caller
        .user_id()
        .is_some_and(|u| experts.iter().any(|e| e.user_id == u));
    if !may_manage && !is_expert {
        return Err(ServiceError::NotFound);
    }
    let filter = StudioFilter {
        within: Some(path.clone()),
        ..Default::default()
    };
    let confirmations = star_cycles::confirmations(conn, id).await?;
    // The active studios, and those this cycle has decided on (an exit among them).
    let (studio_rows, _) = studios::list(conn, None, &filter, Page::ALL).await?;
    let studio_rows: Vec<_> = studio_rows
        .into_iter()
        .filter(|s| {
            s.status == gongjiang_domain::registry::studio::StudioStatus::Active
                || confirmations.iter().any(|c| c.studio_id == s.id)
        })
        .collect();
    let tree = Tree::load(conn).await?;
    let specs = specs(&cycle);
    let criteria: Vec<Criterion> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| s.criterion(format!("c{}", i + 1)))
        .collect();
    let stored = star_cycles::scores(conn, id).await?;
    let judges: Vec<i64> = experts.iter().map(|e| e.user_id).collect();
    let mut sheets: Vec<Sheet> = Vec::new();
    for &(studio, expert, position, points) in &stored {
        let sheet = match sheets
            .iter_mut()
            .find(|s| s.subject == studio && s.judge == expert)
        {
            Some(s) => s,
            None => {
                sheets.push(Sheet {
                    judge: expert,
                    subject: studio,
                    points: vec![None; criteria.len()],
                });
                sheets.last_mut().ok_or(ServiceError::NotFound)?
            }
        };
        if let Some(slot) = usize::try_from(position - 1)
            .ok()
            .and_then(|i| sheet.points.get_mut(i))
        {
            *slot = Some(Points(points));
        }
    }
    let mut recused_pairs = Vec::new();
    let mut recused_of = Vec::new();
    for s in &studio_rows {
        let r = recusals(&tree, &experts, s);
        recused_pairs.extend(r.iter().map(|(e, _)| (*e, s.id)));
        recused_of.push(r);
    }
    let subjects: Vec<i64> = studio_rows.iter().map(|s| s.id).collect();
    let scores = scoring::score_round(
        &criteria,
        rule(&cycle),
        &judges,
        &subjects,
        &sheets,
        &recused_pairs,
    );
    let th = thresholds(&cycle);
    let studios = studio_rows
        .into_iter()
        .zip(scores.subjects)
        .zip(recused_of)
        .map(|((s, result), recused)| StudioLine {
            proposal: propose(u8::try_from(s.stars).unwrap_or(0), result.score, &th),
            confirmation: confirmations.iter().find(|c| c.studio_id == s.id).cloned(),
            recused: recused
                .into_iter()
                .map(|(e, c)| (e, c.as_str().to_owned()))
                .collect(),
            studio_id: s.id,
            name: s.name,
            unit_name: s.unit_name,
            current_stars: s.stars,
            result,
        })
        .collect();
    Ok(CyclePage {
        cycle,
        criteria: specs,
        experts,
        studios,
        may_manage,
        is_expert,
    })
}

/// A cycle with every studio's score, trace and proposal: its keepers and its experts.
pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<CyclePage> {
    let mut conn = db.read().await?;
    load(&mut conn, caller, id).await
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SheetInput {
    pub studio_id: i64,
    /// One decimal a criterion, in the cycle's order: `["36", "27.5", "18", "9"]`.
    #[serde(default)]
    pub points: Vec<String>,
}

/// An expert scores a studio on every criterion (again, while the cycle is open, to change
/// them: each change is audited with the scores before).
pub async fn save(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: &SheetInput,
) -> ServiceResult<StudioLine> {
    let user = caller.user_id().ok_or(ServiceError::Forbidden)?;
    let mut tx = db.begin().await?;
    let page = load(&mut tx, caller, id).await?;
    if !page.is_expert {
        return Err(ServiceError::Forbidden);
    }
    if page.cycle.closed_at.is_some() {
        return Err(FieldError::new("points", "cycle_closed").into());
    }
    let line = page
        .studios
        .iter()
        .find(|s| s.studio_id == input.studio_id)
        .ok_or_else(|| {
            FieldError::new("studio_id", "not_in_cycle").with("value", input.studio_id)
        })?;
    if line.recused.iter().any(|(e, _)| *e == user) {
        return Err(FieldError::new("studio_id", "judge_recused").into());
    }
    if input.points.len() != page.criteria.len() {
        return Err(FieldError::new("points", "criteria_count")
            .with("n", page.criteria.len())
            .into());
    }
    let mut invalid = Invalid::default();
    let mut parsed = Vec::new();
    for (i, (raw, c)) in input.points.iter().zip(&page.criteria).enumerate() {
        let field = format!("points.{}", i + 1);
        if let Some(p) = invalid.check(Points::parse(&field, raw)) {
            if p > c.max {
                invalid.push(FieldError::new(&field, "above_maximum").with("max", c.max));
            } else {
                parsed.push(p);
            }
        }
    }
    if !invalid.0.is_empty() {
        return Err(invalid.into());
    }
    let before: Vec<Option<Points>> = line
        .result
        .trace
        .lines
        .iter()
        .find(|l| l.judge == user)
        .map(|l| l.points.clone())
        .unwrap_or_default();
    let now = now_ms();
    for (i, p) in parsed.iter().enumerate() {
        star_cycles::set_score(
            &mut tx,
            id,
            input.studio_id,
            user,
            i64::try_from(i + 1).unwrap_or(0),
            p.0,
            now,
        )
        .await?;
    }
    let after: Vec<Option<Points>> = parsed.iter().copied().map(Some).collect();
    record(
        &mut tx,
        caller,
        change(
            "star_cycle.score",
            "star_cycle",
            id,
            Some(&(input.studio_id, &before)),
            Some(&(input.studio_id, &after)),
        ),
    )
    .await?;
    let page = load(&mut tx, caller, id).await?;
    gongjiang_db::commit(tx).await?;
    page.studios
        .into_iter()
        .find(|s| s.studio_id == input.studio_id)
        .ok_or(ServiceError::NotFound)
}

async fn managed(conn: &mut Conn, caller: &Caller, id: i64) -> ServiceResult<CyclePage> {
    let page = load(conn, caller, id).await?;
    if !page.may_manage {
        return Err(ServiceError::Forbidden);
    }
    Ok(page)
}

/// Closes scoring: the proposals can then be confirmed.
pub async fn close(db: &Database, caller: &Caller, id: i64) -> ServiceResult<CycleRow> {
    let mut tx = db.begin().await?;
    let page = managed(&mut tx, caller, id).await?;
    if page.cycle.closed_at.is_some() {
        return Err(FieldError::new("cycle", "cycle_closed").into());
    }
    star_cycles::close(&mut tx, id, now_ms()).await?;
    let after = star_cycles::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change(
            "star_cycle.close",
            "star_cycle",
            id,
            Some(&page.cycle),
            Some(&after),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Staff confirm a studio's proposal: the rating (or the exit) goes into the studio's
/// history with the cycle as its source.
pub async fn confirm(
    db: &Database,
    caller: &Caller,
    id: i64,
    studio_id: i64,
) -> ServiceResult<StudioLine> {
    let (page, line) = {
        let mut conn = db.read().await?;
        let page = managed(&mut conn, caller, id).await?;
        let line = page
            .studios
            .iter()
            .find(|s| s.studio_id == studio_id)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        (page, line)
    };
    if page.cycle.closed_at.is_none() {
        return Err(FieldError::new("cycle", "cycle_open").into());
    }
    if line.confirmation.is_some() {
        return Err(FieldError::new("studio_id", "already_confirmed").into());
    }
    let source = format!("{}（{}）", page.cycle.name, page.cycle.year);
    let (outcome, stars) = match line.proposal {
        Proposal::Promote { to, .. } => ("promote", to),
        Proposal::Demote { to, .. } => ("demote", to),
        Proposal::Keep { stars } => ("keep", stars),
        Proposal::Exit { .. } => ("exit", 0),
        Proposal::NoScore => return Err(FieldError::new("studio_id", "no_score").into()),
    };
    // The studio's history records it through its own service (rights, audit, standing).
    if outcome == "exit" {
        let input = crate::studio_history::StatusInput {
            status: "exited".into(),
            merged_into: None,
            on: today(),
            reason: source.clone(),
        };
        crate::studio_history::set_status(db, caller, studio_id, input).await?;
    } else if stars >= 3 {
        let input = crate::studio_history::RatingInput {
            stars: stars.to_string(),
            rated_on: today(),
            source: source.clone(),
        };
        crate::studio_history::record_rating(db, caller, studio_id, input).await?;
    }
    let mut tx = db.begin().await?;
    let c = Confirmation {
        studio_id,
        outcome: outcome.into(),
        stars: i64::from(stars),
        score: line.result.score.map(|p| p.to_string()).unwrap_or_default(),
        confirmed_by: caller.actor.name.clone(),
        confirmed_at: now_ms(),
    };
    if !star_cycles::confirm(&mut tx, id, &c).await? {
        return Err(FieldError::new("studio_id", "already_confirmed").into());
    }
    record(
        &mut tx,
        caller,
        change(
            "star_cycle.confirm",
            "studio",
            studio_id,
            None::<&()>,
            Some(&c),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(StudioLine {
        confirmation: Some(c),
        ..line
    })
}
