//! Papers: fixed, or drawn per entrant by rules from a bank; the rules are proven satisfiable
//! when the paper is made, and any seed shows the paper an entrant with that seed would get.

use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::papers::{self, NewPaper, PaperRecord};
use gongjiang_db::{Database, banks};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::error::text;
use gongjiang_domain::exam::draw::{self, DrawError, DrawRule, PoolQuestion};
use gongjiang_domain::exam::grading::PartialCredit;
use gongjiang_domain::exam::question::QuestionKind;
use gongjiang_domain::unit::UnitPath;
use serde::Deserialize;

fn yes() -> bool {
    true
}

/// A paper as a form or an API call gives it.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
pub struct PaperInput {
    #[serde(default)]
    pub bank_id: i64,
    #[serde(default)]
    pub name: String,
    /// `fixed` or `drawn`.
    #[serde(default)]
    pub mode: String,
    /// For a fixed paper: the questions in order.
    #[serde(default)]
    pub question_ids: Vec<i64>,
    /// For a drawn paper.
    #[serde(default)]
    pub rules: Vec<DrawRule>,
    #[serde(default = "yes")]
    pub shuffle_questions: bool,
    #[serde(default = "yes")]
    pub shuffle_options: bool,
    /// In hundredths of a point.
    #[serde(default)]
    pub pass_mark: i64,
    #[serde(default)]
    pub partial_credit: PartialCredit,
}

struct Pooled {
    question: PoolQuestion,
    version_id: i64,
    points: i64,
}

async fn pool(conn: &mut gongjiang_db::Conn, bank_id: i64) -> ServiceResult<Vec<Pooled>> {
    Ok(papers::pool(conn, bank_id)
        .await?
        .into_iter()
        .filter_map(|(id, category, kind, difficulty, version_id, points)| {
            let kind = QuestionKind::parse("kind", &kind).ok()?;
            Some(Pooled {
                question: PoolQuestion {
                    id,
                    category,
                    kind,
                    difficulty: difficulty as u8,
                },
                version_id,
                points,
            })
        })
        .collect())
}

fn partial_credit_name(p: PartialCredit) -> &'static str {
    match p {
        PartialCredit::AllOrNothing => "all_or_nothing",
        PartialCredit::ProportionalIfNoWrong => "proportional_if_no_wrong",
        PartialCredit::RightMinusWrong => "right_minus_wrong",
    }
}

fn not_enough(e: DrawError) -> FieldError {
    let DrawError::NotEnough {
        rules,
        wanted,
        available,
    } = e;
    let rules: Vec<String> = rules.iter().map(|r| (r + 1).to_string()).collect();
    FieldError::new("rules", "not_enough_questions")
        .with("rules", rules.join("、"))
        .with("wanted", wanted)
        .with("available", available)
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: PaperInput,
) -> ServiceResult<PaperRecord> {
    let mut tx = db.begin().await?;
    let bank = banks::get_bank(&mut tx, input.bank_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(
        Action::ManageBanks,
        &UnitPath::from_stored(bank.unit_path.clone()),
    )?;
    let name = text("name", &input.name, 2, 100)?;
    let pool = pool(&mut tx, bank.id).await?;
    let spec = match input.mode.as_str() {
        "fixed" => {
            let mut seen = std::collections::HashSet::new();
            if input.question_ids.is_empty() {
                return Err(FieldError::new("question_ids", "required").into());
            }
            for id in &input.question_ids {
                if !pool.iter().any(|p| p.question.id == *id) {
                    return Err(FieldError::new("question_ids", "question_not_in_bank")
                        .with("value", id)
                        .into());
                }
                if !seen.insert(*id) {
                    return Err(FieldError::new("question_ids", "question_twice")
                        .with("value", id)
                        .into());
                }
            }
            serde_json::to_string(&input.question_ids)
        }
        "drawn" => {
            if input.rules.is_empty() || input.rules.len() > 16 {
                return Err(FieldError::new("rules", "rules_count")
                    .with("max", 16)
                    .into());
            }
            if input.rules.iter().any(|r| {
                r.count == 0
                    || r.min_difficulty < 1
                    || r.max_difficulty > 5
                    || r.min_difficulty > r.max_difficulty
            }) {
                return Err(FieldError::new("rules", "invalid_rule").into());
            }
            let questions: Vec<PoolQuestion> = pool.iter().map(|p| p.question.clone()).collect();
            draw::check(&questions, &input.rules).map_err(not_enough)?;
            serde_json::to_string(&input.rules)
        }
        other => {
            return Err(FieldError::new("mode", "unknown_paper_mode")
                .with("value", other)
                .into());
        }
    }
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    if input.pass_mark < 0 {
        return Err(FieldError::new("pass_mark", "invalid_points").into());
    }
    let new = NewPaper {
        bank_id: bank.id,
        name: &name,
        mode: &input.mode,
        spec: &spec,
        shuffle_questions: input.shuffle_questions,
        shuffle_options: input.shuffle_options,
        pass_mark: input.pass_mark,
        partial_credit: partial_credit_name(input.partial_credit),
    };
    let id = papers::insert(&mut tx, new, now_ms()).await?;
    let paper = papers::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("paper.create", "paper", id, None, Some(&paper)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(paper)
}

/// The paper an entrant with `seed` gets: question versions in the order shown, and the total.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Drawn {
    pub questions: Vec<(i64, i64)>,
    pub total_points: i64,
}

pub async fn preview(
    db: &Database,
    caller: &Caller,
    paper_id: i64,
    seed: u64,
) -> ServiceResult<Drawn> {
    let mut conn = db.read().await?;
    let paper = papers::get(&mut conn, paper_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let bank = banks::get_bank(&mut conn, paper.bank_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageBanks, &UnitPath::from_stored(bank.unit_path))?;
    let pool = pool(&mut conn, paper.bank_id).await?;
    let ids: Vec<i64> = if paper.mode == "fixed" {
        serde_json::from_str(&paper.spec).map_err(|e| ServiceError::Internal(e.to_string()))?
    } else {
        let rules: Vec<DrawRule> =
            serde_json::from_str(&paper.spec).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let questions: Vec<PoolQuestion> = pool.iter().map(|p| p.question.clone()).collect();
        // The bank may have changed since the paper was made: say so rather than draw short.
        draw::draw(&questions, &rules, seed)
            .map_err(|e| ServiceError::Invalid(gongjiang_domain::Invalid(vec![not_enough(e)])))?
            .into_iter()
            .flatten()
            .collect()
    };
    let picked: Vec<&Pooled> = ids
        .iter()
        .filter_map(|id| pool.iter().find(|p| p.question.id == *id))
        .collect();
    let layout = draw::layout(
        &vec![0; picked.len()],
        seed,
        !paper.shuffle_questions,
        false,
    );
    let questions: Vec<(i64, i64)> = layout
        .question_order
        .iter()
        .map(|&i| (picked[i].question.id, picked[i].version_id))
        .collect();
    Ok(Drawn {
        total_points: picked.iter().map(|p| p.points).sum(),
        questions,
    })
}

/// The papers the caller may use for a session: (id, name, bank name).
pub async fn list(db: &Database, caller: &Caller) -> ServiceResult<Vec<(i64, String, String)>> {
    caller.ensure_somewhere(Action::ManageBanks)?;
    let mut conn = db.read().await?;
    Ok(papers::list_within(&mut conn, &caller.scope(Action::ManageBanks)).await?)
}
