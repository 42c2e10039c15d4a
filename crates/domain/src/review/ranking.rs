//! Combined scores, ranks with a written tie rule, prize tiers by count or share, and team
//! prizes: the outcome of a competition track, exact to the last tie.

use super::points::Points;
use serde::Serialize;

/// One round's share of the combined score, in percent (theory 30, practical 70).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoundWeight {
    pub round: i64,
    pub percent: u32,
}

/// The combined score: each round's score times its weight, summed and rounded to three
/// places. An entrant without a score in some round has none (absent, unranked).
pub fn combined(
    weights: &[RoundWeight],
    score_of: impl Fn(i64) -> Option<Points>,
) -> Option<Points> {
    let mut sum: i128 = 0;
    for w in weights {
        sum += i128::from(score_of(w.round)?.0) * i128::from(w.percent);
    }
    Some(Points::ratio(sum, 100))
}

/// Which way a tie-break value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// Someone (or a team) to rank: the score, then the tie-break values in the rule's order
/// (e.g. the practical score, higher better; then the time used, lower better).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contender {
    pub id: i64,
    pub score: Points,
    pub breaks: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub id: i64,
    pub score: Points,
    /// Standard competition ranking (1, 2, 2, 4): one more than the number of contenders
    /// strictly ahead.
    pub rank: u32,
    /// Index of the prize tier won, if any.
    pub tier: Option<usize>,
}

/// Orders contenders by score, higher first, then by each tie-break in turn; those equal on
/// all of them share a rank (and are listed by id).
pub fn rank(mut contenders: Vec<Contender>, breaks: &[Better]) -> Vec<Ranked> {
    let key = |c: &Contender| {
        let mut k = vec![-c.score.0];
        for (i, better) in breaks.iter().enumerate() {
            let v = c.breaks.get(i).copied().unwrap_or(0);
            k.push(match better {
                Better::Higher => -v,
                Better::Lower => v,
            });
        }
        k
    };
    contenders.sort_by(|a, b| key(a).cmp(&key(b)).then(a.id.cmp(&b.id)));
    let mut out: Vec<Ranked> = Vec::with_capacity(contenders.len());
    for (i, c) in contenders.iter().enumerate() {
        let rank = if i > 0 && key(&contenders[i - 1]) == key(c) {
            out[i - 1].rank
        } else {
            i as u32 + 1
        };
        out.push(Ranked {
            id: c.id,
            score: c.score,
            rank,
            tier: None,
        });
    }
    out
}

/// How many a prize tier holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "value")]
pub enum TierSize {
    /// A fixed number (一等奖 28 名).
    Count(u32),
    /// A share of the ranked contenders, in per mille (一等奖 10 % is 100).
    Share(u32),
}

/// The prize tiers of a track, best first, and the score needed for any prize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrizeRule {
    pub tiers: Vec<TierSize>,
    pub min_score: Option<Points>,
}

impl PrizeRule {
    /// How many places the first k+1 tiers cover together, for `n` ranked contenders. Shares
    /// are taken of the running total and rounded down, so rounding never adds up.
    pub fn boundaries(&self, n: usize) -> Vec<usize> {
        let mut counted = 0usize;
        let mut permille = 0u64;
        self.tiers
            .iter()
            .map(|t| match t {
                TierSize::Count(c) => {
                    counted += *c as usize;
                    counted + (n as u64 * permille / 1000) as usize
                }
                TierSize::Share(s) => {
                    permille += u64::from(*s);
                    counted + (n as u64 * permille / 1000) as usize
                }
            })
            .collect()
    }
}

/// Gives each ranked contender the first tier whose boundary reaches their rank. So those
/// tied across a boundary all take the better prize, the next tier holds as many fewer, and
/// at the last boundary a tie enlarges the prize list (the notice says so). A contender below
/// the minimum score gets no prize.
pub fn award(mut ranked: Vec<Ranked>, rule: &PrizeRule) -> Vec<Ranked> {
    let bounds = rule.boundaries(ranked.len());
    for r in &mut ranked {
        let eligible = rule.min_score.is_none_or(|m| r.score >= m);
        r.tier = if eligible {
            bounds.iter().position(|&b| (r.rank as usize) <= b)
        } else {
            None
        };
    }
    ranked
}

/// A team's (or a unit's) score by the written rule "the sum of its best `best` members".
/// Fewer members count with what they have.
pub fn team_scores(members: &[(i64, Points)], best: usize) -> Vec<Contender> {
    let mut teams: std::collections::BTreeMap<i64, Vec<Points>> = Default::default();
    for (team, score) in members {
        teams.entry(*team).or_default().push(*score);
    }
    teams
        .into_iter()
        .map(|(team, mut scores)| {
            scores.sort_by(|a, b| b.cmp(a));
            scores.truncate(best);
            Contender {
                id: team,
                score: scores.iter().copied().sum(),
                breaks: vec![scores.len() as i64],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
