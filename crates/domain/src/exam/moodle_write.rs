//! Writing Moodle XML, every kind of question gongjiang stores, so that a bank exported here
//! imports into Moodle (and back here) unchanged.

use super::cloze;
use super::formats::{ImportedPicture, ImportedQuestion};
use super::moodle_files::text_with_files;
use super::numeric::{NumericAnswer, NumericUnit, format_decimal};
use super::question::{AnswerKey, Question, QuestionKind};

pub(super) fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

pub(super) fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Writes questions (with their categories) as Moodle XML.
pub fn write_moodle_xml(questions: &[ImportedQuestion]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut current: Option<&str> = None;
    for item in questions {
        if item.category.as_deref() != current {
            current = item.category.as_deref();
            if let Some(c) = current {
                out.push_str(&format!("  <question type=\"category\">\n    <category><text>{}</text></category>\n  </question>\n", cdata(&format!("$course$/top/{c}"))));
            }
        }
        let q = &item.question;
        let (kind, extra, answers): (&str, String, Vec<(i64, String)>) = match &q.key {
            AnswerKey::Choice { correct } => {
                let share = if correct.is_empty() {
                    0
                } else {
                    100 / correct.len() as i64
                };
                let single = q.kind == QuestionKind::SingleChoice;
                let answers = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (if correct.contains(&i) { share } else { 0 }, o.clone()))
                    .collect();
                (
                    "multichoice",
                    format!(
                        "    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n"
                    ),
                    answers,
                )
            }
            AnswerKey::TrueFalse { correct } => (
                "truefalse",
                String::new(),
                vec![
                    (if *correct { 100 } else { 0 }, "true".into()),
                    (if *correct { 0 } else { 100 }, "false".into()),
                ],
            ),
            AnswerKey::FillIn { blanks, matching } => {
                // Moodle's short answer has one blank: the accepted answers of the first.
                let answers = blanks
                    .first()
                    .map(|b| b.iter().map(|a| (100, a.clone())).collect())
                    .unwrap_or_default();
                (
                    "shortanswer",
                    format!(
                        "    <usecase>{}</usecase>\n",
                        if matching.case_insensitive { 0 } else { 1 }
                    ),
                    answers,
                )
            }
            AnswerKey::Manual { reference } => (
                "essay",
                format!(
                    "    <graderinfo format=\"plain_text\"><text>{}</text></graderinfo>\n",
                    cdata(reference)
                ),
                vec![],
            ),
            AnswerKey::Numerical { answers, units } => {
                ("numerical", numerical(answers, units), vec![])
            }
            AnswerKey::Matching { correct } => {
                ("matching", matching(q, correct, &item.pictures), vec![])
            }
            AnswerKey::Cloze { .. } => ("cloze", String::new(), vec![]),
        };
        let stem = match &q.key {
            AnswerKey::Cloze { parts } => cloze::write(&q.stem, &q.parts, parts),
            _ => q.stem.clone(),
        };
        out.push_str(&format!("  <question type=\"{kind}\">\n"));
        out.push_str(&format!(
            "    <name><text>{}</text></name>\n",
            cdata(if item.title.is_empty() {
                &q.stem
            } else {
                &item.title
            })
        ));
        out.push_str(&format!(
            "    <questiontext {}</questiontext>\n",
            text_with_files(&stem, &item.pictures)
        ));
        out.push_str(&format!(
            "    <generalfeedback format=\"plain_text\"><text>{}</text></generalfeedback>\n",
            cdata(&q.explanation)
        ));
        if !q.tags.is_empty() {
            out.push_str("    <tags>\n");
            for t in &q.tags {
                out.push_str(&format!("      <tag><text>{}</text></tag>\n", cdata(t)));
            }
            out.push_str("    </tags>\n");
        }
        out.push_str(&format!(
            "    <defaultgrade>{}.{:02}</defaultgrade>\n",
            q.points / 100,
            q.points % 100
        ));
        out.push_str(&extra);
        for (fraction, text) in answers {
            out.push_str(&format!(
                "    <answer fraction=\"{}\" {}</answer>\n",
                escape_attr(&fraction.to_string()),
                text_with_files(&text, &item.pictures)
            ));
        }
        out.push_str("  </question>\n");
    }
    out.push_str("</quiz>\n");
    out
}

fn numerical(answers: &[NumericAnswer], units: &[NumericUnit]) -> String {
    let mut out = String::new();
    for a in answers {
        out.push_str(&format!(
            "    <answer fraction=\"{}\" format=\"moodle_auto_format\"><text>{}</text><tolerance>{}</tolerance></answer>\n",
            a.credit,
            format_decimal(a.value),
            format_decimal(a.tolerance)
        ));
    }
    if !units.is_empty() {
        out.push_str("    <units>\n");
        for u in units {
            out.push_str(&format!(
                "      <unit><multiplier>{}</multiplier><unit_name>{}</unit_name></unit>\n",
                format_decimal(u.multiplier),
                cdata(&u.name)
            ));
        }
        out.push_str("    </units>\n    <unitgradingtype>0</unitgradingtype>\n    <showunits>3</showunits>\n");
    }
    out
}

/// Each prompt with its answer; options no prompt uses become prompts without text, which
/// Moodle shows as extra answers.
fn matching(q: &Question, correct: &[usize], pictures: &[ImportedPicture]) -> String {
    let mut out = String::from("    <shuffleanswers>true</shuffleanswers>\n");
    let mut pairs: Vec<(&str, &str)> = q
        .prompts
        .iter()
        .zip(correct)
        .filter_map(|(p, &c)| Some((p.as_str(), q.options.get(c)?.as_str())))
        .collect();
    for (i, o) in q.options.iter().enumerate() {
        if !correct.contains(&i) {
            pairs.push(("", o));
        }
    }
    for (prompt, answer) in pairs {
        out.push_str(&format!(
            "    <subquestion {}\n      <answer><text>{}</text></answer>\n    </subquestion>\n",
            text_with_files(prompt, pictures),
            cdata(answer)
        ));
    }
    out
}
