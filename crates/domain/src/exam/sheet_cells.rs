//! The cells of the Excel question template read into values: option letters, true/false in
//! the words people use, blanks, matching pairs, difficulty and points. Each problem names
//! its column.

use super::formats::{DEFAULT_DIFFICULTY, DEFAULT_POINTS};
use super::sheet::OPTION_LETTERS;
use crate::error::FieldError;

/// `A`, `ABD`, `A,B,D`, `A、B、D` → option indices.
pub(super) fn letters(raw: &str, options: usize) -> Result<Vec<usize>, FieldError> {
    let mut out: Vec<usize> = Vec::new();
    for c in raw
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '、' | ' ' | ';' | '；'))
    {
        let upper = c.to_ascii_uppercase();
        match OPTION_LETTERS.iter().position(|&l| l == upper) {
            Some(i) if i < options && !out.contains(&i) => out.push(i),
            _ => {
                return Err(
                    FieldError::new("answer", "answer_not_an_option").with("value", raw.trim())
                );
            }
        }
    }
    if out.is_empty() {
        return Err(FieldError::new("answer", "required"));
    }
    out.sort_unstable();
    Ok(out)
}

pub(super) fn true_false(raw: &str) -> Result<bool, FieldError> {
    match raw.trim().to_ascii_uppercase().as_str() {
        "对" | "正确" | "是" | "√" | "✓" | "T" | "TRUE" | "Y" | "A" => Ok(true),
        "错" | "错误" | "否" | "×" | "✗" | "F" | "FALSE" | "N" | "B" => Ok(false),
        _ => Err(FieldError::new("answer", "invalid_true_false").with("value", raw.trim())),
    }
}

/// Blanks apart by `|`; accepted answers of one blank apart by `;` or `；`.
pub(super) fn blanks(raw: &str) -> Result<Vec<Vec<String>>, FieldError> {
    let out: Vec<Vec<String>> = raw
        .split(['|', '｜'])
        .map(|blank| {
            blank
                .split([';', '；'])
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    if out.iter().any(|b| b.is_empty()) {
        return Err(FieldError::new("answer", "blank_without_answer"));
    }
    Ok(out)
}

/// A matching question's prompts with their options' letters, apart by `|`:
/// `焊条电弧焊→A | 埋弧焊→B` (also `->`).
pub(super) fn pairs(raw: &str, options: usize) -> Result<(Vec<String>, Vec<usize>), FieldError> {
    let mut prompts = Vec::new();
    let mut correct = Vec::new();
    for pair in raw
        .split(['|', '｜'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (prompt, letter) = pair
            .rsplit_once('→')
            .or_else(|| pair.rsplit_once("->"))
            .ok_or_else(|| FieldError::new("answer", "invalid_pair").with("value", pair))?;
        let index = letters(letter, options)?;
        if index.len() != 1 {
            return Err(FieldError::new("answer", "invalid_pair").with("value", pair));
        }
        prompts.push(prompt.trim().to_owned());
        correct.push(index[0]);
    }
    Ok((prompts, correct))
}

pub(super) fn difficulty(raw: &str) -> Result<u8, FieldError> {
    match raw.trim() {
        "" => Ok(DEFAULT_DIFFICULTY),
        "易" | "容易" => Ok(1),
        "较易" => Ok(2),
        "中" | "中等" => Ok(3),
        "较难" => Ok(4),
        "难" | "困难" => Ok(5),
        other => other
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=5).contains(d))
            .ok_or_else(|| FieldError::new("difficulty", "invalid_difficulty")),
    }
}

/// `2`, `2.5`, `0.25` → hundredths; empty → the default.
pub(super) fn points(raw: &str) -> Result<i64, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(DEFAULT_POINTS);
    }
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    let valid = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 2
        && frac.chars().all(|c| c.is_ascii_digit());
    let value = valid
        .then(|| {
            whole
                .parse::<i64>()
                .ok()
                .map(|w| w * 100 + format!("{frac:0<2}").parse::<i64>().unwrap_or(0))
        })
        .flatten();
    value
        .filter(|p| (1..=10_000).contains(p))
        .ok_or_else(|| FieldError::new("points", "invalid_points"))
}
