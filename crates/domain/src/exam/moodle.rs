//! Moodle XML question banks: import (multichoice, truefalse, shortanswer, essay, numerical,
//! matching, cloze, categories); export is in `moodle_write.rs`. A bank moves between Moodle
//! and gongjiang both ways.

use super::formats::{DEFAULT_DIFFICULTY, DEFAULT_POINTS, ImportedQuestion, problem};
use super::moodle_files::{XmlFile, pictures_of, plugin_file};
use super::numeric::{NumericAnswer, NumericUnit, parse_decimal};
use super::picture;
use super::question::{AnswerKey, Matching, Question, QuestionKind};
use super::{cloze, numeric};
use crate::import::RowError;
use serde::Deserialize;

pub use super::moodle_write::write_moodle_xml;

#[derive(Deserialize)]
struct Quiz {
    #[serde(rename = "question", default)]
    questions: Vec<XmlQuestion>,
}

#[derive(Deserialize, Default)]
struct TextNode {
    #[serde(default)]
    text: Option<String>,
    /// Files the text shows (`<img src="@@PLUGINFILE@@/name">`), base64 inside the XML.
    #[serde(rename = "file", default)]
    files: Vec<XmlFile>,
}

impl TextNode {
    fn plain(&self) -> String {
        html_to_text(self.text.as_deref().unwrap_or(""))
    }
}

#[derive(Deserialize)]
struct XmlAnswer {
    #[serde(rename = "@fraction", default)]
    fraction: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(rename = "file", default)]
    files: Vec<XmlFile>,
    #[serde(default)]
    tolerance: Option<String>,
}

/// A prompt of a matching question with its answer (no text: a distractor).
#[derive(Deserialize)]
struct XmlSubquestion {
    #[serde(default)]
    text: Option<String>,
    #[serde(rename = "file", default)]
    files: Vec<XmlFile>,
    #[serde(default)]
    answer: Option<TextNode>,
}

#[derive(Deserialize, Default)]
struct XmlUnits {
    #[serde(default)]
    unit: Vec<XmlUnit>,
}

#[derive(Deserialize)]
struct XmlUnit {
    #[serde(default)]
    multiplier: Option<String>,
    #[serde(default)]
    unit_name: Option<String>,
}

#[derive(Deserialize)]
struct XmlQuestion {
    #[serde(rename = "@type")]
    kind: String,
    #[serde(default)]
    name: Option<TextNode>,
    #[serde(default)]
    questiontext: Option<TextNode>,
    #[serde(default)]
    generalfeedback: Option<TextNode>,
    #[serde(default)]
    graderinfo: Option<TextNode>,
    #[serde(default)]
    defaultgrade: Option<String>,
    #[serde(default)]
    single: Option<String>,
    #[serde(default)]
    usecase: Option<String>,
    #[serde(default)]
    category: Option<TextNode>,
    #[serde(rename = "answer", default)]
    answers: Vec<XmlAnswer>,
    #[serde(default)]
    tags: Option<XmlTags>,
    #[serde(rename = "subquestion", default)]
    subquestions: Vec<XmlSubquestion>,
    #[serde(default)]
    units: Option<XmlUnits>,
}

#[derive(Deserialize)]
struct XmlTags {
    #[serde(default)]
    tag: Vec<TextNode>,
}

/// Question text is HTML in Moodle: tags are dropped, common entities decoded, breaks kept.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if name == "img"
                    && let Some(file) = plugin_file(&tag)
                {
                    out.push_str(&picture::file_marker(&file));
                }
                if matches!(name.as_str(), "br" | "br/" | "p" | "div" | "li")
                    && !out.ends_with('\n')
                    && !out.is_empty()
                {
                    out.push('\n');
                }
            }
            _ if in_tag => tag.push(c),
            _ => out.push(c),
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The line where each `<question` starts, in order (serde keeps no positions). One pass:
/// line breaks are counted from the previous question on, never from the start again.
fn question_lines(xml: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut from, mut line, mut counted) = (0, 1, 0);
    while let Some(i) = xml[from..].find("<question") {
        let at = from + i;
        let next = xml[at + 9..].chars().next();
        if matches!(next, Some(' ' | '>' | '\n' | '\t' | '\r')) {
            line += xml.as_bytes()[counted..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted = at;
            lines.push(line);
        }
        from = at + 9;
    }
    lines
}

fn grade(raw: Option<&str>) -> Option<i64> {
    match raw.map(str::trim) {
        None | Some("") => Some(DEFAULT_POINTS),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|g| *g > 0.0 && *g <= 100.0)
            .map(|g| (g * 100.0).round() as i64),
    }
}

/// The kinds beyond Moodle's basic four: (kind, options, key, prompts, parts, stem if new).
type Structured = (
    QuestionKind,
    Vec<String>,
    AnswerKey,
    Vec<String>,
    Vec<cloze::ClozePart>,
    Option<String>,
);

fn numerical(q: &XmlQuestion) -> Result<Structured, &'static str> {
    let mut answers = Vec::new();
    for a in &q.answers {
        let fraction = a.fraction.trim().parse::<f64>().unwrap_or(0.0);
        let text = html_to_text(a.text.as_deref().unwrap_or(""));
        // `*` with no credit is Moodle's "any other answer", there for its feedback.
        if fraction <= 0.0 || text == "*" {
            continue;
        }
        let tolerance = a.tolerance.as_deref().unwrap_or("0");
        answers.push(NumericAnswer {
            value: parse_decimal(&text).ok_or("invalid_numeric_answer")?,
            tolerance: parse_decimal(tolerance)
                .ok_or("invalid_numeric_answer")?
                .abs(),
            credit: fraction.clamp(0.0, 100.0).round() as u8,
        });
    }
    let mut units = Vec::new();
    for u in q.units.iter().flat_map(|u| u.unit.iter()) {
        let name = u.unit_name.as_deref().unwrap_or("").trim().to_owned();
        let multiplier = parse_decimal(u.multiplier.as_deref().unwrap_or("1"))
            .ok_or("invalid_numeric_answer")?;
        units.push(NumericUnit { name, multiplier });
    }
    numeric::check(&answers, &units).map_err(|_| "numeric_without_full_answer")?;
    Ok((
        QuestionKind::Numerical,
        vec![],
        AnswerKey::Numerical { answers, units },
        vec![],
        vec![],
        None,
    ))
}

fn matching(q: &XmlQuestion) -> Structured {
    let mut prompts = Vec::new();
    let mut options: Vec<String> = Vec::new();
    let mut correct = Vec::new();
    for sub in &q.subquestions {
        let answer = sub.answer.as_ref().map(TextNode::plain).unwrap_or_default();
        let index = options
            .iter()
            .position(|o| *o == answer)
            .unwrap_or_else(|| {
                options.push(answer);
                options.len() - 1
            });
        let prompt = html_to_text(sub.text.as_deref().unwrap_or(""));
        if !prompt.is_empty() {
            prompts.push(prompt);
            correct.push(index);
        }
    }
    (
        QuestionKind::Matching,
        options,
        AnswerKey::Matching { correct },
        prompts,
        vec![],
        None,
    )
}

fn cloze_of(stem: &str) -> Result<Structured, (String, Vec<(String, String)>)> {
    let c = cloze::parse(stem).map_err(|e| (e.code, e.params))?;
    Ok((
        QuestionKind::Cloze,
        vec![],
        AnswerKey::Cloze { parts: c.keys },
        vec![],
        c.parts,
        Some(c.stem),
    ))
}

pub fn parse_moodle_xml(xml: &str) -> Result<Vec<ImportedQuestion>, Vec<RowError>> {
    let xml = xml.trim_start_matches('\u{FEFF}');
    let quiz: Quiz = quick_xml::de::from_str(xml).map_err(|e| {
        vec![RowError {
            row: 0,
            column: String::new(),
            code: "not_moodle_xml".into(),
            params: vec![("detail".into(), e.to_string())],
        }]
    })?;
    let lines = question_lines(xml);
    let mut category: Option<String> = None;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let stem = q
            .questiontext
            .as_ref()
            .map(TextNode::plain)
            .unwrap_or_default();
        let fractions: Vec<(f64, String)> = q
            .answers
            .iter()
            .map(|a| {
                (
                    a.fraction.trim().parse::<f64>().unwrap_or(0.0),
                    html_to_text(a.text.as_deref().unwrap_or("")),
                )
            })
            .collect();
        let parsed = match q.kind.as_str() {
            "numerical" => numerical(q).map_err(|c| (c.to_owned(), vec![])),
            "matching" => Ok(matching(q)),
            "cloze" => cloze_of(&stem),
            _ => {
                let basic = match q.kind.as_str() {
                    "category" => {
                        let path = q.category.as_ref().map(TextNode::plain).unwrap_or_default();
                        let path = path
                            .trim_start_matches("$course$/")
                            .trim_start_matches("$system$/")
                            .trim_start_matches("top/")
                            .trim_start_matches("top")
                            .trim_matches('/')
                            .to_owned();
                        category = (!path.is_empty()).then_some(path);
                        continue;
                    }
                    "multichoice" => {
                        let options: Vec<String> =
                            fractions.iter().map(|(_, t)| t.clone()).collect();
                        let correct: Vec<usize> = fractions
                            .iter()
                            .enumerate()
                            .filter(|(_, (f, _))| *f > 0.0)
                            .map(|(i, _)| i)
                            .collect();
                        let single = q.single.as_deref().map(str::trim) != Some("false");
                        let kind = if single && correct.len() == 1 {
                            QuestionKind::SingleChoice
                        } else {
                            QuestionKind::MultipleChoice
                        };
                        Ok((kind, options, AnswerKey::Choice { correct }))
                    }
                    "truefalse" => {
                        let right = fractions
                            .iter()
                            .find(|(f, _)| *f > 0.0)
                            .map(|(_, t)| t.to_ascii_lowercase());
                        match right.as_deref() {
                            Some("true" | "正确" | "对") => Ok((
                                QuestionKind::TrueFalse,
                                vec![],
                                AnswerKey::TrueFalse { correct: true },
                            )),
                            Some("false" | "错误" | "错") => Ok((
                                QuestionKind::TrueFalse,
                                vec![],
                                AnswerKey::TrueFalse { correct: false },
                            )),
                            _ => Err("answer_not_an_option"),
                        }
                    }
                    "shortanswer" => {
                        let accepted: Vec<String> = fractions
                            .iter()
                            .filter(|(f, _)| *f >= 100.0)
                            .map(|(_, t)| t.clone())
                            .collect();
                        let matching = Matching {
                            case_insensitive: q.usecase.as_deref().map(str::trim) != Some("1"),
                            width_insensitive: true,
                        };
                        Ok((
                            QuestionKind::FillIn,
                            vec![],
                            AnswerKey::FillIn {
                                blanks: vec![accepted],
                                matching,
                            },
                        ))
                    }
                    "essay" => Ok((
                        QuestionKind::ShortAnswer,
                        vec![],
                        AnswerKey::Manual {
                            reference: q
                                .graderinfo
                                .as_ref()
                                .map(TextNode::plain)
                                .unwrap_or_default(),
                        },
                    )),
                    _ => Err("unsupported_question_type"),
                };
                basic
                    .map(|(kind, options, key)| (kind, options, key, vec![], vec![], None))
                    .map_err(|code| (code.to_owned(), vec![("value".into(), q.kind.clone())]))
            }
        };
        let points = grade(q.defaultgrade.as_deref());
        match (parsed, points) {
            (Err((code, params)), _) => errors.push(RowError {
                params,
                ..problem(line, &code)
            }),
            (_, None) => errors.push(problem(line, "invalid_points")),
            (Ok((kind, options, key, prompts, parts, cloze_stem)), Some(points)) => {
                let question = Question {
                    kind,
                    stem: cloze_stem.unwrap_or(stem),
                    options,
                    prompts,
                    parts,
                    key,
                    points,
                    difficulty: DEFAULT_DIFFICULTY,
                    explanation: q
                        .generalfeedback
                        .as_ref()
                        .map(TextNode::plain)
                        .unwrap_or_default(),
                    tags: q
                        .tags
                        .as_ref()
                        .map(|t| {
                            t.tag
                                .iter()
                                .map(TextNode::plain)
                                .filter(|t| !t.is_empty())
                                .collect()
                        })
                        .unwrap_or_default(),
                };
                let mut files: Vec<&XmlFile> =
                    q.questiontext.iter().flat_map(|t| t.files.iter()).collect();
                files.extend(q.answers.iter().flat_map(|a| a.files.iter()));
                files.extend(q.subquestions.iter().flat_map(|s| s.files.iter()));
                let texts: Vec<&str> = question.texts().map(String::as_str).collect();
                let pictures = match pictures_of(&texts, &files) {
                    Ok(p) => p,
                    Err(e) => {
                        errors.push(RowError { row: line, ..e });
                        continue;
                    }
                };
                match question.check() {
                    Ok(()) => out.push(ImportedQuestion {
                        line,
                        category: category.clone(),
                        title: q.name.as_ref().map(TextNode::plain).unwrap_or_default(),
                        question,
                        pictures,
                    }),
                    Err(e) => errors.push(RowError {
                        row: line,
                        column: String::new(),
                        code: e.code,
                        params: e.params,
                    }),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "moodle_tests.rs"]
mod tests;
