//! Numerical questions (数值题 / 计算题): exact decimal answers with a tolerance and partial
//! credit, optional units, and reading what an entrant typed (full-width digits, thousands
//! separators, a unit after the number).

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// A decimal in millionths (1.5 = 1_500_000), so keys compare and store exactly.
pub type Millionths = i64;

const ONE: i128 = 1_000_000;

/// One accepted answer: right when within `tolerance` of `value`, for `credit` percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NumericAnswer {
    pub value: Millionths,
    /// Absolute; 0 means exactly.
    pub tolerance: Millionths,
    /// Percent of the points, 1 to 100.
    pub credit: u8,
}

/// A unit an answer may carry: the value in this unit is the value in the base unit times
/// `multiplier` (base `m`: `cm` has 100, `km` 0.001), as in Moodle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NumericUnit {
    pub name: String,
    pub multiplier: Millionths,
}

/// Reads a decimal: `1500`, `-3.14`, `1,500.5`, `１５００`, `1.5e3`, `1,5` (a lone comma not
/// followed by three digits is a decimal comma). At most six decimals count; more are rounded.
pub fn parse_decimal(raw: &str) -> Option<Millionths> {
    let folded: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '．' | '。' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            _ => c,
        })
        .filter(|c| *c != ' ' && *c != '_')
        .collect();
    if folded.is_empty() || folded.len() > 40 {
        return None;
    }
    let (mantissa, exponent) = match folded.find(['e', 'E']) {
        Some(i) => (&folded[..i], folded[i + 1..].parse::<i32>().ok()?),
        None => (folded.as_str(), 0),
    };
    let (negative, digits) = match mantissa.as_bytes().first()? {
        b'-' => (true, &mantissa[1..]),
        b'+' => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let digits = without_grouping(digits)?;
    let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || !(-12..=12).contains(&exponent)
    {
        return None;
    }
    // Exact arithmetic on the digits: value = digits × 10^(exponent − decimals).
    let all = format!("{whole}{frac}");
    let all = all.trim_start_matches('0');
    if all.len() > 30 {
        return None;
    }
    let n: i128 = if all.is_empty() { 0 } else { all.parse().ok()? };
    let shift = exponent - frac.len() as i32 + 6;
    let scaled = if shift >= 0 {
        n.checked_mul(10i128.checked_pow(shift as u32)?)?
    } else {
        let d = 10i128.checked_pow((-shift) as u32)?;
        (n + d / 2) / d
    };
    let value = i64::try_from(scaled).ok()?;
    Some(if negative { -value } else { value })
}

/// Drops thousands separators (`1,500,000`); a single comma otherwise is a decimal comma.
fn without_grouping(digits: &str) -> Option<String> {
    if !digits.contains(',') {
        return Some(digits.to_owned());
    }
    let (int, rest) = digits.split_once('.').unwrap_or((digits, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    if grouped && !rest.contains(',') {
        let joined = groups.concat();
        return Some(if digits.contains('.') {
            format!("{joined}.{rest}")
        } else {
            joined
        });
    }
    if !digits.contains('.') && groups.len() == 2 {
        return Some(format!("{}.{}", groups[0], groups[1]));
    }
    None
}

/// `1500`, `1.5`, `-0.000001`: the shortest exact form.
pub fn format_decimal(value: Millionths) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let whole = abs / 1_000_000;
    let frac = abs % 1_000_000;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:06}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

/// The entrant's value in the base unit: a number, then optionally one of the units (without
/// a unit the number is taken as in the base unit, as Moodle does when units are optional).
pub fn read_answer(given: &str, units: &[NumericUnit]) -> Option<Millionths> {
    let given = given.trim();
    if let Some(v) = parse_decimal(given) {
        return Some(v);
    }
    // The longest unit name that ends the answer wins (`mm` before `m`).
    let mut by_length: Vec<&NumericUnit> = units.iter().collect();
    by_length.sort_by_key(|u| std::cmp::Reverse(u.name.chars().count()));
    by_length.into_iter().find_map(|u| {
        let number = given.strip_suffix(u.name.as_str())?;
        let v = parse_decimal(number)? as i128;
        if u.multiplier == 0 {
            return None;
        }
        i64::try_from(v * ONE / u.multiplier as i128).ok()
    })
}

/// The credit (percent) an answer earns: the best of the accepted answers it falls within.
pub fn credit(answers: &[NumericAnswer], units: &[NumericUnit], given: &str) -> u8 {
    let Some(value) = read_answer(given, units) else {
        return 0;
    };
    answers
        .iter()
        .filter(|a| (value as i128 - a.value as i128).abs() <= a.tolerance as i128)
        .map(|a| a.credit)
        .max()
        .unwrap_or(0)
}

/// One answer as GIFT and Moodle's cloze write it: `1500:50` (value and tolerance),
/// `1400..1600` (a range) or `1500`.
pub fn parse_with_tolerance(raw: &str, credit: u8) -> Option<NumericAnswer> {
    if let Some((lo, hi)) = raw.split_once("..") {
        let (lo, hi) = (parse_decimal(lo)?, parse_decimal(hi)?);
        return (lo <= hi).then_some(NumericAnswer {
            value: lo + (hi - lo) / 2,
            tolerance: (hi - lo) / 2,
            credit,
        });
    }
    let (v, t) = raw.split_once(':').unwrap_or((raw, "0"));
    Some(NumericAnswer {
        value: parse_decimal(v)?,
        tolerance: parse_decimal(t)?.abs(),
        credit,
    })
}

/// Checks a numerical key: at least one answer, one of them worth full credit, tolerances not
/// negative, units named once each with a positive multiplier.
pub fn check(answers: &[NumericAnswer], units: &[NumericUnit]) -> Result<(), FieldError> {
    if answers.is_empty() || !answers.iter().any(|a| a.credit == 100) {
        return Err(FieldError::new("answer", "numeric_without_full_answer"));
    }
    if answers
        .iter()
        .any(|a| a.tolerance < 0 || a.credit == 0 || a.credit > 100)
    {
        return Err(FieldError::new("answer", "invalid_numeric_answer"));
    }
    for (i, u) in units.iter().enumerate() {
        if u.name.trim().is_empty()
            || u.multiplier <= 0
            || units[..i].iter().any(|o| o.name == u.name)
        {
            return Err(FieldError::new("answer", "invalid_unit").with("value", &u.name));
        }
    }
    Ok(())
}

/// The answer cell of the Excel template: `1500±50; 1500±200 (50%); 单位: mm=1, cm=0.1`.
pub fn key_text(answers: &[NumericAnswer], units: &[NumericUnit]) -> String {
    let mut items: Vec<String> = answers
        .iter()
        .map(|a| {
            let mut s = format_decimal(a.value);
            if a.tolerance > 0 {
                s.push('±');
                s.push_str(&format_decimal(a.tolerance));
            }
            if a.credit != 100 {
                s.push_str(&format!(" ({}%)", a.credit));
            }
            s
        })
        .collect();
    if !units.is_empty() {
        let list: Vec<String> = units
            .iter()
            .map(|u| format!("{}={}", u.name, format_decimal(u.multiplier)))
            .collect();
        items.push(format!("单位: {}", list.join(", ")));
    }
    items.join("; ")
}

/// Reads [`key_text`]'s form (also `1500+-50`, `1500 ± 50`, `1400..1600`, `（50%）`).
pub fn parse_key_text(raw: &str) -> Result<(Vec<NumericAnswer>, Vec<NumericUnit>), FieldError> {
    let bad = |v: &str| FieldError::new("answer", "invalid_numeric_answer").with("value", v.trim());
    let mut answers = Vec::new();
    let mut units = Vec::new();
    for item in raw
        .split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let unit_list = item
            .strip_prefix("单位")
            .or_else(|| item.strip_prefix("units"))
            .or_else(|| item.strip_prefix("Units"))
            .map(|r| r.trim_start_matches([':', '：', ' ']));
        if let Some(list) = unit_list {
            for u in list
                .split([',', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                let (name, m) = u.split_once('=').unwrap_or((u, "1"));
                let multiplier = parse_decimal(m).ok_or_else(|| bad(u))?;
                units.push(NumericUnit {
                    name: name.trim().to_owned(),
                    multiplier,
                });
            }
            continue;
        }
        let (body, credit) = match item.rfind(['(', '（']) {
            Some(i) => {
                let inside = item[i..]
                    .trim_start_matches(['(', '（'])
                    .trim_end_matches([')', '）'])
                    .trim()
                    .trim_end_matches(['%', '％']);
                let c: u8 = inside.trim().parse().map_err(|_| bad(item))?;
                (&item[..i], c)
            }
            None => (item, 100),
        };
        let answer = if let Some((lo, hi)) = body.split_once("..") {
            let (lo, hi) = (
                parse_decimal(lo).ok_or_else(|| bad(item))?,
                parse_decimal(hi).ok_or_else(|| bad(item))?,
            );
            if hi < lo {
                return Err(bad(item));
            }
            NumericAnswer {
                value: lo + (hi - lo) / 2,
                tolerance: (hi - lo) / 2,
                credit,
            }
        } else {
            let (v, t) = match body.split_once('±').or_else(|| body.split_once("+-")) {
                Some((v, t)) => (v, parse_decimal(t).ok_or_else(|| bad(item))?),
                None => (body, 0),
            };
            NumericAnswer {
                value: parse_decimal(v).ok_or_else(|| bad(item))?,
                tolerance: t,
                credit,
            }
        };
        answers.push(answer);
    }
    check(&answers, &units)?;
    Ok((answers, units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimals_read_as_people_type_them() {
        let cases = [
            ("1500", Some(1_500_000_000)),
            (" -3.14 ", Some(-3_140_000)),
            ("1,500.5", Some(1_500_500_000)),
            ("１５００", Some(1_500_000_000)),
            ("1.5e3", Some(1_500_000_000)),
            ("1,5", Some(1_500_000)),
            ("0.0000004", Some(0)),
            ("0.0000005", Some(1)),
            (".5", Some(500_000)),
            ("abc", None),
            ("1.2.3", None),
            ("1,50,0", None),
            ("", None),
            ("1e99", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_decimal(raw), want, "{raw}");
        }
    }

    #[test]
    fn the_best_credit_within_tolerance_wins_and_units_convert() {
        let answers = vec![
            NumericAnswer {
                value: 1_500_000_000,
                tolerance: 50_000_000,
                credit: 100,
            },
            NumericAnswer {
                value: 1_500_000_000,
                tolerance: 200_000_000,
                credit: 50,
            },
        ];
        let units = vec![
            NumericUnit {
                name: "mm".into(),
                multiplier: 1_000_000,
            },
            NumericUnit {
                name: "m".into(),
                multiplier: 1_000,
            },
        ];
        assert_eq!(credit(&answers, &units, "1530"), 100);
        assert_eq!(credit(&answers, &units, "1550"), 100);
        assert_eq!(credit(&answers, &units, "1650 mm"), 50);
        assert_eq!(credit(&answers, &units, "1.52m"), 100);
        assert_eq!(credit(&answers, &units, "1.9 m"), 0);
        assert_eq!(credit(&answers, &units, "约1500"), 0);
    }

    #[test]
    fn the_template_cell_reads_back() {
        let (a, u) = parse_key_text("1500±50; 1500+-200 (50%)；单位: mm=1, m=0.001").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!((a[1].tolerance, a[1].credit), (200_000_000, 50));
        assert_eq!(u[1].multiplier, 1_000);
        assert_eq!(parse_key_text(&key_text(&a, &u)).unwrap(), (a, u));
        let (r, _) = parse_key_text("1400..1600").unwrap();
        assert_eq!((r[0].value, r[0].tolerance), (1_500_000_000, 100_000_000));
        assert_eq!(
            parse_key_text("1500 (50%)").unwrap_err().code,
            "numeric_without_full_answer"
        );
        assert_eq!(
            parse_key_text("十五").unwrap_err().code,
            "invalid_numeric_answer"
        );
    }

    proptest! {
        #[test]
        fn formatting_reads_back_exactly(v in -1_000_000_000_000_000i64..1_000_000_000_000_000) {
            prop_assert_eq!(parse_decimal(&format_decimal(v)), Some(v));
        }

        #[test]
        fn credit_is_never_more_than_the_best_answer(
            value in -1_000_000_000i64..1_000_000_000,
            tolerance in 0i64..1_000_000,
            given in "[-0-9.,e ]{0,12}",
        ) {
            let answers = [NumericAnswer { value, tolerance, credit: 100 }];
            let c = credit(&answers, &[], &given);
            prop_assert!(c == 0 || c == 100);
            if c == 100 {
                let v = parse_decimal(&given).unwrap();
                prop_assert!((v - value).abs() <= tolerance);
            }
        }
    }
}
