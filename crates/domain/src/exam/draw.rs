//! Drawing a paper per entrant from a bank by rules ("40 single-choice from 焊接工艺 at
//! difficulty 2–3"), reproducibly from a seed, with no question twice.

use super::question::QuestionKind;
use super::seeded::SeededRng;
use serde::{Deserialize, Serialize};

/// What the drawing needs to know of a question in the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolQuestion {
    pub id: i64,
    pub category: String,
    pub kind: QuestionKind,
    pub difficulty: u8,
}

/// Draw `count` questions matching all the given conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrawRule {
    /// A category and everything below it (`焊接/工艺` matches `焊接/工艺/气保焊`).
    pub category: Option<String>,
    pub kind: Option<QuestionKind>,
    pub min_difficulty: u8,
    pub max_difficulty: u8,
    pub count: usize,
}

impl DrawRule {
    pub fn matches(&self, q: &PoolQuestion) -> bool {
        let in_category = match &self.category {
            None => true,
            Some(c) => q.category == *c || q.category.starts_with(&format!("{c}/")),
        };
        in_category
            && self.kind.is_none_or(|k| k == q.kind)
            && (self.min_difficulty..=self.max_difficulty).contains(&q.difficulty)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrawError {
    /// These rules together want more questions than the bank holds for them.
    NotEnough {
        rules: Vec<usize>,
        wanted: usize,
        available: usize,
    },
}

/// Checks that the rules can always be satisfied together: for every set of rules, the
/// questions matching any of them are at least as many as they want (Hall's condition; exact
/// for this problem). Rules are few, so every subset is tried.
pub fn check(pool: &[PoolQuestion], rules: &[DrawRule]) -> Result<(), DrawError> {
    let n = rules.len().min(16);
    for mask in 1u32..(1 << n) {
        let chosen: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let wanted: usize = chosen.iter().map(|&i| rules[i].count).sum();
        let available = pool
            .iter()
            .filter(|q| chosen.iter().any(|&i| rules[i].matches(q)))
            .count();
        if available < wanted {
            return Err(DrawError::NotEnough {
                rules: chosen,
                wanted,
                available,
            });
        }
    }
    Ok(())
}

/// Draws question ids for each rule (in rule order), reproducibly from `seed`. The most
/// constrained rules draw first; a rare dead end (overlapping rules) retries with the next
/// stream, so any set of rules that passes `check` is drawn.
pub fn draw(
    pool: &[PoolQuestion],
    rules: &[DrawRule],
    seed: u64,
) -> Result<Vec<Vec<i64>>, DrawError> {
    check(pool, rules)?;
    let mut sorted: Vec<&PoolQuestion> = pool.iter().collect();
    // The bank's order must not matter, only the seed.
    sorted.sort_by_key(|q| q.id);
    let base = SeededRng::new(seed);
    for attempt in 0..64u64 {
        let mut rng = base.fork(attempt);
        if let Some(drawn) = draw_once(&sorted, rules, &mut rng) {
            return Ok(drawn);
        }
    }
    let wanted = rules.iter().map(|r| r.count).sum();
    Err(DrawError::NotEnough {
        rules: (0..rules.len()).collect(),
        wanted,
        available: pool.len(),
    })
}

fn draw_once(
    pool: &[&PoolQuestion],
    rules: &[DrawRule],
    rng: &mut SeededRng,
) -> Option<Vec<Vec<i64>>> {
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by_key(|&i| (pool.iter().filter(|q| rules[i].matches(q)).count(), i));
    let mut used = std::collections::HashSet::new();
    let mut out = vec![Vec::new(); rules.len()];
    for i in order {
        let mut candidates: Vec<i64> = pool
            .iter()
            .filter(|q| rules[i].matches(q) && !used.contains(&q.id))
            .map(|q| q.id)
            .collect();
        if candidates.len() < rules[i].count {
            return None;
        }
        rng.shuffle(&mut candidates);
        candidates.truncate(rules[i].count);
        used.extend(candidates.iter().copied());
        out[i] = candidates;
    }
    Some(out)
}

/// The order in which an entrant sees the questions and each question's options. Stored as
/// the seed, re-derived when needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Positions into the drawn list.
    pub question_order: Vec<usize>,
    /// For each drawn question (by its position in the drawn list), the order of its options.
    pub option_orders: Vec<Vec<usize>>,
}

/// Shuffles question order (unless `keep_order`) and each question's options from the seed.
pub fn layout(
    option_counts: &[usize],
    seed: u64,
    keep_order: bool,
    shuffle_options: bool,
) -> Layout {
    let base = SeededRng::new(seed).fork(0x5155_4553);
    let mut rng = base.fork(1);
    let question_order = if keep_order {
        (0..option_counts.len()).collect()
    } else {
        rng.permutation(option_counts.len())
    };
    let option_orders = option_counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            if shuffle_options {
                base.fork(100 + i as u64).permutation(n)
            } else {
                (0..n).collect()
            }
        })
        .collect();
    Layout {
        question_order,
        option_orders,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bank(n: i64) -> Vec<PoolQuestion> {
        (1..=n)
            .map(|id| PoolQuestion {
                id,
                category: if id % 3 == 0 {
                    "焊接/工艺".into()
                } else {
                    "焊接/安全".into()
                },
                kind: if id % 2 == 0 {
                    QuestionKind::SingleChoice
                } else {
                    QuestionKind::TrueFalse
                },
                difficulty: (id % 5 + 1) as u8,
            })
            .collect()
    }

    fn rule(
        category: Option<&str>,
        kind: Option<QuestionKind>,
        lo: u8,
        hi: u8,
        count: usize,
    ) -> DrawRule {
        DrawRule {
            category: category.map(String::from),
            kind,
            min_difficulty: lo,
            max_difficulty: hi,
            count,
        }
    }

    #[test]
    fn too_few_questions_are_reported_with_the_rules_involved() {
        let pool = bank(30);
        let rules = [rule(
            Some("焊接/工艺"),
            Some(QuestionKind::SingleChoice),
            1,
            5,
            6,
        )];
        assert_eq!(
            draw(&pool, &rules, 1),
            Err(DrawError::NotEnough {
                rules: vec![0],
                wanted: 6,
                available: 5
            })
        );
        // Two rules that each fit alone but not together.
        let rules = [
            rule(Some("焊接/工艺"), None, 1, 5, 8),
            rule(Some("焊接"), Some(QuestionKind::SingleChoice), 1, 5, 10),
            rule(None, None, 1, 5, 13),
        ];
        assert!(matches!(
            draw(&pool, &rules, 1),
            Err(DrawError::NotEnough { .. })
        ));
    }

    #[test]
    fn categories_include_their_subcategories_only() {
        let q = |c: &str| PoolQuestion {
            id: 1,
            category: c.into(),
            kind: QuestionKind::FillIn,
            difficulty: 3,
        };
        let r = rule(Some("焊接"), None, 1, 5, 1);
        assert!(r.matches(&q("焊接")) && r.matches(&q("焊接/工艺")) && !r.matches(&q("焊接工艺")));
    }

    proptest! {
        #[test]
        fn draws_are_reproducible_distinct_and_follow_their_rules(
            seed: u64,
            size in 20i64..200,
            counts in proptest::collection::vec(0usize..8, 1..4),
            shuffled in any::<bool>(),
        ) {
            let mut pool = bank(size);
            let rules: Vec<DrawRule> = counts.iter().enumerate().map(|(i, &c)| rule(if i == 0 { Some("焊接/工艺") } else { None }, None, 1 + (i as u8 % 2), 5, c)).collect();
            let first = draw(&pool, &rules, seed);
            if shuffled { pool.reverse(); }
            let again = draw(&pool, &rules, seed);
            prop_assert_eq!(&first, &again, "the same seed gives the same paper whatever the bank's order");
            if let Ok(drawn) = first {
                let mut all: Vec<i64> = drawn.iter().flatten().copied().collect();
                let n = all.len();
                all.sort_unstable();
                all.dedup();
                prop_assert_eq!(all.len(), n, "no question twice");
                for (r, ids) in rules.iter().zip(&drawn) {
                    prop_assert_eq!(ids.len(), r.count);
                    for id in ids {
                        let q = pool.iter().find(|q| q.id == *id).unwrap();
                        prop_assert!(r.matches(q));
                    }
                }
            } else {
                prop_assert!(check(&pool, &rules).is_err(), "only infeasible rules fail");
            }
        }

        #[test]
        fn layouts_are_permutations_reproducible_from_the_seed(seed: u64, counts in proptest::collection::vec(0usize..8, 0..60)) {
            let a = layout(&counts, seed, false, true);
            prop_assert_eq!(&a, &layout(&counts, seed, false, true));
            let mut order = a.question_order.clone();
            order.sort_unstable();
            prop_assert_eq!(order, (0..counts.len()).collect::<Vec<_>>());
            for (perm, &n) in a.option_orders.iter().zip(&counts) {
                let mut p = perm.clone();
                p.sort_unstable();
                prop_assert_eq!(p, (0..n).collect::<Vec<_>>());
            }
            let fixed = layout(&counts, seed, true, false);
            prop_assert_eq!(fixed.question_order, (0..counts.len()).collect::<Vec<_>>());
        }
    }
}
