//! The practical round (线下实操) as staff set it up and judges score it: criteria typed one per
//! line, the panel rule, the draw of anonymous numbers (抽签) and their panels, and what a
//! judge's save may do to a score already stored.

use crate::FieldError;
use crate::review::Points;
use crate::review::scoring::{Aggregation, Criterion, Rule};

/// One criterion as staff set it: its name, its maximum and whether it takes points away.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CriterionSpec {
    pub name: String,
    pub max: Points,
    pub deduction: bool,
}

impl CriterionSpec {
    /// As the engine scores it (every criterion counts as it is: weight 100).
    pub fn criterion(&self, code: String) -> Criterion {
        Criterion {
            code,
            max: self.max,
            weight: 100,
            deduction: self.deduction,
        }
    }
}

/// The most criteria a round may have.
pub const MAX_CRITERIA: usize = 20;

/// Reads criteria typed one per line: `操作规范 40`, a deduction with a minus sign:
/// `安全违规 -10` (takes up to 10 points away). Every bad line is named.
pub fn criteria(field: &str, raw: &str) -> Result<Vec<CriterionSpec>, FieldError> {
    let mut out: Vec<CriterionSpec> = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let bad = || FieldError::new(field, "not_a_criterion").with("line", n);
        let (name, size) = line.rsplit_once([' ', '\t', '　']).ok_or_else(bad)?;
        let name = name.trim();
        let (deduction, size) = match size.trim().strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, size.trim()),
        };
        let max = Points::parse(field, size).map_err(|_| bad())?;
        if name.is_empty() || name.chars().count() > 40 || max == Points::ZERO {
            return Err(bad());
        }
        if max > Points::whole(1000) {
            return Err(FieldError::new(field, "above_maximum").with("max", 1000));
        }
        if out.iter().any(|c| c.name == name) {
            return Err(FieldError::new(field, "criterion_repeated").with("value", name));
        }
        out.push(CriterionSpec {
            name: name.to_owned(),
            max,
            deduction,
        });
    }
    if out.iter().all(|c| c.deduction) {
        return Err(FieldError::new(field, "criteria_required"));
    }
    if out.len() > MAX_CRITERIA {
        return Err(FieldError::new(field, "above_maximum").with("max", MAX_CRITERIA));
    }
    Ok(out)
}

/// The criteria as typed back into their form.
pub fn criteria_text(specs: &[CriterionSpec]) -> String {
    specs
        .iter()
        .map(|c| {
            let sign = if c.deduction { "-" } else { "" };
            format!("{} {sign}{}", c.name, c.max)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The highest total a judge can give: the sum of the scoring criteria.
pub fn full_marks(specs: &[CriterionSpec]) -> Points {
    specs
        .iter()
        .filter(|c| !c.deduction)
        .fold(Points::ZERO, |sum, c| sum + c.max)
}

/// Reads the panel rule: `mean` or `drop_highest_lowest`, normalising or not, and the fewest
/// judges a score needs (1 to 15).
pub fn rule(aggregation: &str, normalise: bool, min_judges: &str) -> Result<Rule, FieldError> {
    let aggregation = match aggregation.trim() {
        "mean" | "" => Aggregation::Mean,
        "drop_highest_lowest" => Aggregation::DropHighestLowest,
        other => {
            return Err(FieldError::new("aggregation", "unknown_code").with("value", other));
        }
    };
    let min_judges = match min_judges.trim() {
        "" => 1,
        raw => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=15).contains(n))
            .ok_or_else(|| {
                FieldError::new("min_judges", "between")
                    .with("min", 1)
                    .with("max", 15)
            })?,
    };
    Ok(Rule {
        aggregation,
        normalise,
        min_judges,
        version: 1,
    })
}

/// A small deterministic generator (SplitMix64): the draw is reproducible from its recorded
/// seed, so anyone can check it.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (rejection sampling: no modulo bias).
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Draws numbers 1..=n for `entries` (in any order) from `seed`: a uniform shuffle.
pub fn draw(entries: &[i64], seed: u64) -> Vec<(i64, i64)> {
    let mut order = entries.to_vec();
    order.sort_unstable();
    let mut rng = SplitMix(seed);
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    order
        .into_iter()
        .enumerate()
        .map(|(i, entry)| (entry, i as i64 + 1))
        .collect()
}

/// Puts numbered entrants on panels in blocks of consecutive numbers, as even as can be:
/// (entry, panel) for each.
pub fn spread(numbered: &[(i64, i64)], panels: &[i64]) -> Vec<(i64, i64)> {
    if panels.is_empty() {
        return Vec::new();
    }
    let mut by_number = numbered.to_vec();
    by_number.sort_by_key(|&(_, n)| n);
    let (count, groups) = (by_number.len(), panels.len());
    let (base, extra) = (count / groups, count % groups);
    let mut out = Vec::with_capacity(count);
    let mut at = 0;
    for (g, &panel) in panels.iter().enumerate() {
        let size = base + usize::from(g < extra);
        for &(entry, _) in &by_number[at..at + size] {
            out.push((entry, panel));
        }
        at += size;
    }
    out
}

/// What a judge's save does to the score already stored for the same criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Save {
    New,
    /// The same value again (a retry): nothing changes.
    Same,
    /// A different value, asked for as a correction with its reason.
    Corrected {
        before: Points,
    },
}

/// Decides a save: a different value needs an explicit correction with a reason.
pub fn save(
    stored: Option<Points>,
    new: Points,
    correction: Option<&str>,
) -> Result<Save, FieldError> {
    match stored {
        None => Ok(Save::New),
        Some(before) if before == new => Ok(Save::Same),
        Some(before) => match correction.map(str::trim) {
            Some(reason) if !reason.is_empty() => Ok(Save::Corrected { before }),
            _ => Err(FieldError::new("points", "score_already_entered").with("value", before)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_are_read_one_per_line_with_deductions() {
        let c = criteria(
            "criteria",
            "操作规范 40\n焊点质量　40.5\n\n按时完成 19.5\n安全违规 -10",
        )
        .unwrap();
        assert_eq!(c.len(), 4);
        assert!(c[3].deduction);
        assert_eq!(full_marks(&c), Points::whole(100));
        assert_eq!(criteria("criteria", &criteria_text(&c)).unwrap(), c);
        let bad = |raw: &str| criteria("criteria", raw).unwrap_err().code;
        assert_eq!(bad("操作规范"), "not_a_criterion");
        assert_eq!(bad("操作规范 四十"), "not_a_criterion");
        assert_eq!(bad("操作规范 0"), "not_a_criterion");
        assert_eq!(bad("操作规范 40\n操作规范 10"), "criterion_repeated");
        assert_eq!(bad("安全违规 -10"), "criteria_required");
        assert_eq!(bad(""), "criteria_required");
    }

    #[test]
    fn the_draw_is_a_reproducible_permutation() {
        let entries: Vec<i64> = (100..160).collect();
        let a = draw(&entries, 42);
        let mut numbers: Vec<i64> = a.iter().map(|&(_, n)| n).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=60).collect::<Vec<_>>());
        let mut shuffled = entries.clone();
        shuffled.reverse();
        assert_eq!(draw(&shuffled, 42), a, "the order given does not matter");
        assert_ne!(draw(&entries, 43), a, "another seed, another draw");
        assert!(a.iter().any(|&(e, n)| e - 99 != n), "not the identity");
    }

    #[test]
    fn panels_get_even_blocks_of_consecutive_numbers() {
        let numbered: Vec<(i64, i64)> = (1..=10).map(|n| (n * 10, n)).collect();
        let spread = spread(&numbered, &[7, 8, 9]);
        let of = |panel| spread.iter().filter(|&&(_, p)| p == panel).count();
        assert_eq!((of(7), of(8), of(9)), (4, 3, 3));
        assert_eq!(spread[0], (10, 7));
        assert_eq!(spread[9], (100, 9));
    }

    #[test]
    fn a_changed_score_needs_a_correction_with_its_reason() {
        let p = Points::whole;
        assert_eq!(save(None, p(30), None), Ok(Save::New));
        assert_eq!(save(Some(p(30)), p(30), None), Ok(Save::Same));
        assert_eq!(
            save(Some(p(30)), p(31), None).unwrap_err().code,
            "score_already_entered"
        );
        assert_eq!(
            save(Some(p(30)), p(31), Some("  ")).unwrap_err().code,
            "score_already_entered"
        );
        assert_eq!(
            save(Some(p(30)), p(31), Some("看错行")),
            Ok(Save::Corrected { before: p(30) })
        );
    }

    #[test]
    fn the_rule_is_read_with_its_bounds() {
        let r = rule("drop_highest_lowest", true, "5").unwrap();
        assert_eq!(r.aggregation, Aggregation::DropHighestLowest);
        assert_eq!(r.min_judges, 5);
        assert_eq!(rule("median", false, "").unwrap_err().code, "unknown_code");
        assert_eq!(rule("mean", false, "0").unwrap_err().code, "between");
    }
}
