//! Cloze questions (Moodle's "embedded answers", 综合填空): a text with questions inside it,
//! written as Moodle writes them — `{1:SHORTANSWER:=答案~%50%近似}`, `{2:MULTICHOICE:=对~错}`,
//! `{1:NUMERICAL:=1500:50}` — and stored as a stem with `{#n}` markers, the parts an entrant
//! sees (kind, options) and the parts' keys, which never leave the server before the review.

use super::numeric::{self, NumericAnswer, format_decimal};
use super::question::{Matching, normalize};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClozePartKind {
    Text,
    Choice,
    Numerical,
}

/// A part as the entrant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClozePart {
    pub kind: ClozePartKind,
    /// The options of a choice part, in their original order (an answer names the index).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// An accepted text and the percent of the part it earns; `*` in it stands for any text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditedText {
    pub text: String,
    pub credit: u8,
}

/// The key of one part. `weight` is its share of the question's points among the parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClozeKey {
    Text {
        weight: u32,
        accepted: Vec<CreditedText>,
        case_sensitive: bool,
    },
    /// The credit of each option, in percent.
    Choice { weight: u32, credits: Vec<u8> },
    Numerical {
        weight: u32,
        answers: Vec<NumericAnswer>,
    },
}

impl ClozeKey {
    pub fn weight(&self) -> u32 {
        match self {
            ClozeKey::Text { weight, .. }
            | ClozeKey::Choice { weight, .. }
            | ClozeKey::Numerical { weight, .. } => *weight,
        }
    }

    /// The percent of this part that `given` earns (a choice part's answer is the option's
    /// index, as text).
    pub fn credit(&self, given: &str) -> u8 {
        match self {
            ClozeKey::Text {
                accepted,
                case_sensitive,
                ..
            } => {
                let matching = Matching {
                    case_insensitive: !case_sensitive,
                    width_insensitive: true,
                };
                let given = normalize(given, matching);
                if given.is_empty() {
                    return 0;
                }
                accepted
                    .iter()
                    .filter(|a| wildcard_match(&normalize(&a.text, matching), &given))
                    .map(|a| a.credit)
                    .max()
                    .unwrap_or(0)
            }
            ClozeKey::Choice { credits, .. } => given
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| credits.get(i).copied())
                .unwrap_or(0),
            ClozeKey::Numerical { answers, .. } => numeric::credit(answers, &[], given),
        }
    }

    /// The right answers in a line, for the review.
    pub fn text(&self, part: &ClozePart) -> String {
        match self {
            ClozeKey::Text { accepted, .. } => accepted
                .iter()
                .filter(|a| a.credit == 100)
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            ClozeKey::Choice { credits, .. } => credits
                .iter()
                .zip(&part.options)
                .filter(|(c, _)| **c == 100)
                .map(|(_, o)| o.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            ClozeKey::Numerical { answers, .. } => numeric::key_text(
                &answers
                    .iter()
                    .filter(|a| a.credit == 100)
                    .cloned()
                    .collect::<Vec<_>>(),
                &[],
            ),
        }
    }
}

/// `*` matches any run of characters; everything else literally.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let pieces: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &pieces[1..pieces.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The marker of part `n` (1-based) in a stored stem.
pub fn marker(n: usize) -> String {
    format!("{{#{n}}}")
}

/// A cloze text read: the stem with markers, the parts, their keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCloze {
    pub stem: String,
    pub parts: Vec<ClozePart>,
    pub keys: Vec<ClozeKey>,
}

/// Reads Moodle's embedded-answers syntax. A `{` that does not start a part stays text.
pub fn parse(text: &str) -> Result<ParsedCloze, FieldError> {
    let mut stem = String::with_capacity(text.len());
    let mut parts = Vec::new();
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        stem.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match part_at(after)? {
            Some((consumed, part, key)) => {
                parts.push(part);
                keys.push(key);
                stem.push_str(&marker(parts.len()));
                rest = &after[consumed..];
            }
            None => {
                if after.starts_with('#') {
                    return Err(FieldError::new("stem", "cloze_reserved_marker"));
                }
                stem.push('{');
                rest = after;
            }
        }
    }
    stem.push_str(rest);
    let parsed = ParsedCloze {
        stem: stem.trim().to_owned(),
        parts,
        keys,
    };
    check(&parsed.parts, &parsed.keys)?;
    Ok(parsed)
}

/// Reads one part after its `{`: `weight:TYPE:answers}`. `None` when this is not a part.
fn part_at(after: &str) -> Result<Option<(usize, ClozePart, ClozeKey)>, FieldError> {
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let Some(rest) = after[digits..].strip_prefix(':') else {
        return Ok(None);
    };
    let Some(colon) = rest.find(':') else {
        return Ok(None);
    };
    let kind = &rest[..colon];
    if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return Ok(None);
    }
    let body_start = digits + 1 + colon + 1;
    let Some(close) = unescaped(&after[body_start..], '}') else {
        return Err(FieldError::new("stem", "cloze_part_not_closed"));
    };
    let body = &after[body_start..body_start + close];
    let weight = if digits == 0 {
        1
    } else {
        after[..digits]
            .parse::<u32>()
            .ok()
            .filter(|w| (1..=100).contains(w))
            .ok_or_else(|| FieldError::new("stem", "cloze_bad_weight"))?
    };
    let answers = answers(body);
    let (part, key) = match kind {
        "SHORTANSWER" | "SA" | "MW" | "SHORTANSWER_C" | "SAC" | "MWC" => (
            ClozePart {
                kind: ClozePartKind::Text,
                options: vec![],
            },
            ClozeKey::Text {
                weight,
                accepted: answers
                    .into_iter()
                    .filter(|(c, _)| *c > 0)
                    .map(|(credit, text)| CreditedText { text, credit })
                    .collect(),
                case_sensitive: kind.ends_with('C'),
            },
        ),
        "NUMERICAL" | "NM" => {
            let mut parsed = Vec::new();
            for (credit, text) in answers.into_iter().filter(|(c, _)| *c > 0) {
                parsed.push(numeric::parse_with_tolerance(&text, credit).ok_or_else(|| {
                    FieldError::new("stem", "invalid_numeric_answer").with("value", &text)
                })?);
            }
            (
                ClozePart {
                    kind: ClozePartKind::Numerical,
                    options: vec![],
                },
                ClozeKey::Numerical {
                    weight,
                    answers: parsed,
                },
            )
        }
        k if k.starts_with("MULTICHOICE")
            || matches!(k, "MC" | "MCV" | "MCH" | "MCS" | "MCVS" | "MCHS") =>
        {
            (
                ClozePart {
                    kind: ClozePartKind::Choice,
                    options: answers.iter().map(|(_, t)| t.clone()).collect(),
                },
                ClozeKey::Choice {
                    weight,
                    credits: answers.iter().map(|(c, _)| *c).collect(),
                },
            )
        }
        other => {
            return Err(FieldError::new("stem", "cloze_unsupported_part").with("value", other));
        }
    };
    Ok(Some((body_start + close + 1, part, key)))
}

fn unescaped(s: &str, target: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == target => return Some(i),
            _ => {}
        }
    }
    None
}

/// The answers of a part: `=right~%50%half~wrong#feedback` → (credit, text).
fn answers(body: &str) -> Vec<(u8, String)> {
    let mut raw: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in body.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            '~' => raw.push(std::mem::take(&mut current)),
            // An unescaped `#` starts feedback: a control character marks it for the split below.
            '#' => current.push('\u{1}'),
            _ => current.push(c),
        }
    }
    raw.push(current);
    raw.into_iter()
        .map(|a| {
            let a = a.split('\u{1}').next().unwrap_or("").trim().to_owned();
            if let Some(t) = a.strip_prefix('=') {
                (100, t.trim().to_owned())
            } else if let Some((w, t)) = a.strip_prefix('%').and_then(|r| r.split_once('%')) {
                let credit = w.trim().parse::<f64>().unwrap_or(0.0).clamp(0.0, 100.0);
                (credit.round() as u8, t.trim().to_owned())
            } else {
                (0, a)
            }
        })
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '}' | '~' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn credited(credit: u8, text: &str) -> String {
    if credit == 100 {
        format!("={}", escape(text))
    } else {
        format!("%{credit}%{}", escape(text))
    }
}

/// Writes the stem back in Moodle's syntax (for export and the Excel template).
pub fn write(stem: &str, parts: &[ClozePart], keys: &[ClozeKey]) -> String {
    let mut out = stem.to_owned();
    for (i, (part, key)) in parts.iter().zip(keys).enumerate() {
        let body = match key {
            ClozeKey::Text {
                weight,
                accepted,
                case_sensitive,
            } => format!(
                "{weight}:{}:{}",
                if *case_sensitive {
                    "SHORTANSWER_C"
                } else {
                    "SHORTANSWER"
                },
                accepted
                    .iter()
                    .map(|a| credited(a.credit, &a.text))
                    .collect::<Vec<_>>()
                    .join("~")
            ),
            ClozeKey::Choice { weight, credits } => format!(
                "{weight}:MULTICHOICE:{}",
                part.options
                    .iter()
                    .zip(credits)
                    .map(|(o, c)| if *c == 0 { escape(o) } else { credited(*c, o) })
                    .collect::<Vec<_>>()
                    .join("~")
            ),
            ClozeKey::Numerical { weight, answers } => format!(
                "{weight}:NUMERICAL:{}",
                answers
                    .iter()
                    .map(|a| credited(
                        a.credit,
                        &format!(
                            "{}:{}",
                            format_decimal(a.value),
                            format_decimal(a.tolerance)
                        )
                    ))
                    .collect::<Vec<_>>()
                    .join("~")
            ),
        };
        out = out.replacen(&marker(i + 1), &format!("{{{body}}}"), 1);
    }
    out
}

/// A cloze question is whole: 1 to 50 parts, each with a full-credit answer (a choice part
/// with at least two options), each marker once in the stem.
pub fn check(parts: &[ClozePart], keys: &[ClozeKey]) -> Result<(), FieldError> {
    if parts.is_empty() || parts.len() > 50 || parts.len() != keys.len() {
        return Err(FieldError::new("stem", "cloze_parts_count")
            .with("min", 1)
            .with("max", 50));
    }
    for (i, (part, key)) in parts.iter().zip(keys).enumerate() {
        let at = |code: &str| FieldError::new("stem", code).with("part", i + 1);
        let whole = match key {
            ClozeKey::Text { accepted, .. } => {
                part.kind == ClozePartKind::Text
                    && accepted.iter().any(|a| a.credit == 100)
                    && accepted.iter().all(|a| !a.text.trim().is_empty())
            }
            ClozeKey::Choice { credits, .. } => {
                part.kind == ClozePartKind::Choice
                    && part.options.len() >= 2
                    && part.options.len() == credits.len()
                    && credits.contains(&100)
                    && part.options.iter().all(|o| !o.trim().is_empty())
            }
            ClozeKey::Numerical { answers, .. } => {
                part.kind == ClozePartKind::Numerical && numeric::check(answers, &[]).is_ok()
            }
        };
        if !whole {
            return Err(at("cloze_part_without_answer"));
        }
        if key.weight() == 0 {
            return Err(at("cloze_bad_weight"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "焊条电弧焊的英文缩写是{1:SHORTANSWER:=SMAW~%50%MMA#接近}，\
        电弧电压的单位是{1:MULTICHOICE:伏特~=V\\~伏#对~安培}，Q235 的屈服强度约为 \
        {2:NUMERICAL:=235:5~%50%235:20} MPa。集合 {a, b} 不是一道题。";

    #[test]
    fn moodle_syntax_reads_into_parts_and_writes_back() {
        let c = parse(TEXT).unwrap();
        assert_eq!(c.parts.len(), 3);
        assert!(c.stem.starts_with("焊条电弧焊的英文缩写是{#1}，"));
        assert!(c.stem.ends_with("集合 {a, b} 不是一道题。"));
        assert_eq!(c.parts[1].options, vec!["伏特", "V~伏", "安培"]);
        assert_eq!(
            c.keys[1],
            ClozeKey::Choice {
                weight: 1,
                credits: vec![0, 100, 0]
            }
        );
        assert_eq!(c.keys[2].weight(), 2);
        let again = parse(&write(&c.stem, &c.parts, &c.keys)).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn parts_grade_by_their_kind() {
        let c = parse(TEXT).unwrap();
        assert_eq!(c.keys[0].credit("smaw"), 100);
        assert_eq!(c.keys[0].credit("ＭＭＡ"), 50);
        assert_eq!(c.keys[0].credit(""), 0);
        assert_eq!(c.keys[1].credit("1"), 100);
        assert_eq!(c.keys[1].credit("0"), 0);
        assert_eq!(c.keys[1].credit("9"), 0);
        assert_eq!(c.keys[2].credit("238"), 100);
        assert_eq!(c.keys[2].credit("250"), 50);
        assert_eq!(c.keys[2].credit("abc"), 0);
        let any = parse("{1:SHORTANSWER:=*焊*}").unwrap();
        assert_eq!(any.keys[0].credit("电弧焊接"), 100);
        assert_eq!(any.keys[0].credit("切割"), 0);
    }

    #[test]
    fn broken_parts_are_named() {
        let code = |t: &str| parse(t).unwrap_err().code;
        assert_eq!(code("没有小题"), "cloze_parts_count");
        assert_eq!(code("{1:SHORTANSWER:~错}"), "cloze_part_without_answer");
        assert_eq!(
            code("{1:MULTICHOICE:=只有一个}"),
            "cloze_part_without_answer"
        );
        assert_eq!(code("{1:MULTIRESPONSE:=甲~=乙}"), "cloze_unsupported_part");
        assert_eq!(code("{1:SHORTANSWER:=甲"), "cloze_part_not_closed");
        assert_eq!(code("{1:NUMERICAL:=十}"), "invalid_numeric_answer");
        assert_eq!(code("{#1} {1:SA:=甲}"), "cloze_reserved_marker");
        assert_eq!(code("{0:SA:=甲}"), "cloze_bad_weight");
    }
}
