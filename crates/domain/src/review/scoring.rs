//! How a panel's sheets become one score per subject, each with the trace that explains it.

use super::points::Points;
use crate::FieldError;
use serde::Serialize;

/// One thing a judge scores (operation details, finish of solder joints…). A deduction
/// criterion takes points away (a safety fault, time over), up to its maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub code: String,
    pub max: Points,
    /// How much the criterion counts, in percent: 100 takes its points as they are.
    pub weight: u32,
    pub deduction: bool,
}

impl Criterion {
    /// Checks one typed score against this criterion.
    pub fn check(&self, field: &str, points: Points) -> Result<Points, FieldError> {
        if points > self.max {
            return Err(FieldError::new(field, "above_maximum").with("max", self.max));
        }
        Ok(points)
    }
}

/// How judges' totals make a subject's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The mean of every counted total.
    Mean,
    /// The mean after dropping one highest and one lowest total (去掉一个最高分和一个最低分);
    /// only with at least [`TRIM_NEEDS`] totals, else the plain mean, and the trace says so.
    DropHighestLowest,
}

/// The fewest totals from which a highest and a lowest are dropped.
pub const TRIM_NEEDS: usize = 5;

/// A review round's rule. Its version is stamped on every trace, so that a score made under
/// an earlier rule can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub aggregation: Aggregation,
    /// Rescale each judge's totals to the panel's mean and spread (z-scores) before
    /// aggregating, so that a severe judge and a lenient one weigh the same.
    pub normalise: bool,
    /// Below this many counted totals a subject gets no score.
    pub min_judges: u32,
    pub version: u32,
}

/// One judge's scores for one subject, in the order of the criteria; `None` where not yet
/// entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub judge: i64,
    pub subject: i64,
    pub points: Vec<Option<Points>>,
}

/// What happened to one judge's total for a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Counted,
    DroppedHighest,
    DroppedLowest,
    /// The judge stood aside (a conflict found from the union tree, or declared).
    Recused,
    /// Some criteria have no score yet.
    Incomplete,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct JudgeLine {
    pub judge: i64,
    pub status: LineStatus,
    pub points: Vec<Option<Points>>,
    /// The weighted sum of the criteria, deductions taken away, never below zero.
    pub total: Option<Points>,
    /// The total on the panel's common scale, when the rule normalises.
    pub normalised: Option<Points>,
}

impl JudgeLine {
    /// The value aggregation uses.
    pub fn value(&self) -> Option<Points> {
        self.normalised.or(self.total)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TraceNote {
    /// Dropping was asked for, but fewer than five totals were there: the plain mean.
    TooFewToDrop,
    /// Fewer counted totals than the rule's minimum: no score.
    TooFewJudges,
}

/// Everything that made one subject's score.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Trace {
    pub rule: Rule,
    pub lines: Vec<JudgeLine>,
    pub notes: Vec<TraceNote>,
    /// The sum of the counted values and how many there were: the score is their ratio,
    /// rounded to three places.
    pub counted_sum: Points,
    pub counted: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SubjectScore {
    pub subject: i64,
    pub score: Option<Points>,
    pub trace: Trace,
}

/// How one judge's totals were rescaled: `panel_mean + panel_sd × (total − mean) / sd`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct JudgeScale {
    pub judge: i64,
    pub totals: u32,
    pub mean: f64,
    pub sd: f64,
    /// False when the judge gave fewer than two totals or all equal ones: kept as given.
    pub applied: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoundScores {
    pub subjects: Vec<SubjectScore>,
    pub panel_mean: f64,
    pub panel_sd: f64,
    pub scales: Vec<JudgeScale>,
}

/// A judge's total from their sheet, or none while a criterion is unscored.
pub fn total(criteria: &[Criterion], points: &[Option<Points>]) -> Option<Points> {
    if points.len() != criteria.len() {
        return None;
    }
    let mut sum = Points::ZERO;
    for (criterion, p) in criteria.iter().zip(points) {
        let weighted = (*p)?.weighted(criterion.weight);
        sum = if criterion.deduction {
            sum - weighted
        } else {
            sum + weighted
        };
    }
    Some(sum.max(Points::ZERO))
}

/// Scores every subject of a round. `judges` is the panel in its order; `recused` the
/// (judge, subject) pairs that stood aside. Sheets of recused judges are never counted.
pub fn score_round(
    criteria: &[Criterion],
    rule: Rule,
    judges: &[i64],
    subjects: &[i64],
    sheets: &[Sheet],
    recused: &[(i64, i64)],
) -> RoundScores {
    let by_pair: std::collections::HashMap<(i64, i64), &Sheet> =
        sheets.iter().map(|s| ((s.judge, s.subject), s)).collect();
    let recused: std::collections::HashSet<(i64, i64)> = recused.iter().copied().collect();
    let sheet_of = |judge: i64, subject: i64| by_pair.get(&(judge, subject)).copied();
    let mut table: Vec<Vec<JudgeLine>> = subjects
        .iter()
        .map(|&subject| {
            judges
                .iter()
                .map(|&judge| {
                    let points = sheet_of(judge, subject)
                        .map(|s| s.points.clone())
                        .unwrap_or_default();
                    let total = total(criteria, &points);
                    let status = if recused.contains(&(judge, subject)) {
                        LineStatus::Recused
                    } else if points.is_empty() {
                        LineStatus::Missing
                    } else if total.is_none() {
                        LineStatus::Incomplete
                    } else {
                        LineStatus::Counted
                    };
                    JudgeLine {
                        judge,
                        status,
                        points,
                        total: total.filter(|_| status == LineStatus::Counted),
                        normalised: None,
                    }
                })
                .collect()
        })
        .collect();

    let counted_totals: Vec<f64> = table
        .iter()
        .flatten()
        .filter_map(|l| l.total.map(Points::as_f64))
        .collect();
    let (panel_mean, panel_sd) = mean_sd(&counted_totals);
    let mut scales = Vec::new();
    if rule.normalise {
        for (j, &judge) in judges.iter().enumerate() {
            let own: Vec<f64> = table
                .iter()
                .filter_map(|lines| lines[j].total.map(Points::as_f64))
                .collect();
            let (mean, sd) = mean_sd(&own);
            let applied = own.len() >= 2 && sd > 0.0;
            for lines in &mut table {
                let line = &mut lines[j];
                line.normalised = line.total.map(|t| {
                    if applied {
                        Points::nearest(panel_mean + panel_sd * (t.as_f64() - mean) / sd)
                    } else {
                        t
                    }
                });
            }
            scales.push(JudgeScale {
                judge,
                totals: own.len() as u32,
                mean,
                sd,
                applied,
            });
        }
    }

    let subjects = subjects
        .iter()
        .zip(table)
        .map(|(&subject, lines)| aggregate(subject, rule, lines))
        .collect();
    RoundScores {
        subjects,
        panel_mean,
        panel_sd,
        scales,
    }
}

fn aggregate(subject: i64, rule: Rule, mut lines: Vec<JudgeLine>) -> SubjectScore {
    let mut notes = Vec::new();
    let counted: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].status == LineStatus::Counted)
        .collect();
    if rule.aggregation == Aggregation::DropHighestLowest {
        if counted.len() >= TRIM_NEEDS {
            // The first highest and the first lowest in the panel's order, so that the same
            // sheets always drop the same judges.
            let value = |i: usize| lines[i].value();
            let highest = counted
                .iter()
                .copied()
                .reduce(|a, b| if value(b) > value(a) { b } else { a });
            let lowest = counted
                .iter()
                .copied()
                .filter(|&i| Some(i) != highest)
                .reduce(|a, b| if value(b) < value(a) { b } else { a });
            if let (Some(h), Some(l)) = (highest, lowest) {
                lines[h].status = LineStatus::DroppedHighest;
                lines[l].status = LineStatus::DroppedLowest;
            }
        } else {
            notes.push(TraceNote::TooFewToDrop);
        }
    }
    let values: Vec<Points> = lines
        .iter()
        .filter(|l| l.status == LineStatus::Counted)
        .filter_map(JudgeLine::value)
        .collect();
    let counted_sum: Points = values.iter().copied().sum();
    let counted = values.len() as u32;
    let enough = counted > 0 && counted >= rule.min_judges;
    if !enough {
        notes.push(TraceNote::TooFewJudges);
    }
    let score = enough.then(|| Points::ratio(counted_sum.0.into(), counted.into()));
    SubjectScore {
        subject,
        score,
        trace: Trace {
            rule,
            lines,
            notes,
            counted_sum,
            counted,
        },
    }
}

/// The mean and population standard deviation; zeros for no values.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, variance.sqrt())
}

#[cfg(test)]
mod tests;
