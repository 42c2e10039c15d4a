//! Moodle XML question banks: import (multichoice, truefalse, shortanswer, essay, categories)
//! and export, so that a bank moves between Moodle and gongjiang both ways.

use super::formats::{DEFAULT_DIFFICULTY, DEFAULT_POINTS, ImportedQuestion, problem};
use super::moodle_files::{XmlFile, pictures_of, plugin_file, text_with_files};
use super::picture;
use super::question::{AnswerKey, Matching, Question, QuestionKind};
use crate::import::RowError;
use serde::Deserialize;

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
                let options: Vec<String> = fractions.iter().map(|(_, t)| t.clone()).collect();
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
        let points = grade(q.defaultgrade.as_deref());
        match (parsed, points) {
            (Err(code), _) => errors.push(RowError {
                params: vec![("value".into(), q.kind.clone())],
                ..problem(line, code)
            }),
            (_, None) => errors.push(problem(line, "invalid_points")),
            (Ok((kind, options, key)), Some(points)) => {
                let question = Question {
                    kind,
                    stem,
                    options,
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
                let mut texts: Vec<&str> = vec![question.stem.as_str()];
                texts.extend(question.options.iter().map(String::as_str));
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
            text_with_files(&q.stem, &item.pictures)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12, finding 7: the lines of 200,000 questions are found in one pass (counting
    /// from the start for each took minutes of CPU).
    #[test]
    fn question_lines_are_counted_in_one_pass() {
        let xml = "<question type=\"x\"/>\n".repeat(200_000);
        let lines = question_lines(&xml);
        assert_eq!(lines.len(), 200_000);
        assert_eq!(lines[0], 1);
        assert_eq!(lines[199_999], 200_000);
    }

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/焊接/安全</text></category>
  </question>
  <question type="multichoice">
    <name><text>电流</text></name>
    <questiontext format="html"><text><![CDATA[<p>焊接电流过大易产生&nbsp;<b>哪种</b>缺陷？</p>]]></text></questiontext>
    <generalfeedback format="html"><text>电流大熔池深。</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text>咬边</text></answer>
    <answer fraction="0" format="html"><text>未熔合</text></answer>
  </question>
  <question type="multichoice">
    <questiontext format="html"><text>防护用品有？</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>面罩</text></answer>
    <answer fraction="50"><text>手套</text></answer>
    <answer fraction="-100"><text>拖鞋</text></answer>
  </question>
  <question type="truefalse">
    <questiontext format="html"><text>动火作业需要审批。</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <questiontext format="html"><text>CO2 焊的保护气是？</text></questiontext>
    <usecase>0</usecase>
    <answer fraction="100"><text>二氧化碳</text></answer>
    <answer fraction="100"><text>CO2</text></answer>
  </question>
  <question type="essay">
    <questiontext format="html"><text>简述预防焊接变形的措施。</text></questiontext>
    <defaultgrade>10</defaultgrade>
  </question>
</quiz>"#;

    #[test]
    fn a_moodle_bank_reads_and_round_trips() {
        let qs = parse_moodle_xml(SAMPLE).unwrap();
        assert_eq!(qs.len(), 5);
        assert_eq!(qs[0].question.stem, "焊接电流过大易产生 哪种缺陷？");
        assert_eq!(qs[0].category.as_deref(), Some("焊接/安全"));
        assert_eq!((qs[0].question.points, qs[0].line), (200, 6));
        assert_eq!(
            qs[1].question.key,
            AnswerKey::Choice {
                correct: vec![0, 1]
            }
        );
        assert_eq!(qs[2].question.key, AnswerKey::TrueFalse { correct: true });
        assert!(
            matches!(&qs[3].question.key, AnswerKey::FillIn { blanks, .. } if blanks[0] == vec!["二氧化碳", "CO2"])
        );
        assert_eq!(qs[4].question.kind, QuestionKind::ShortAnswer);
        let again = parse_moodle_xml(&write_moodle_xml(&qs)).unwrap();
        assert_eq!(
            again
                .iter()
                .map(|q| (&q.question, &q.category))
                .collect::<Vec<_>>(),
            qs.iter()
                .map(|q| (&q.question, &q.category))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn problems_name_the_line_of_their_question() {
        let bad = "<quiz>\n<question type=\"numerical\"><questiontext><text>1+1?</text></questiontext></question>\n<question type=\"multichoice\">\n<questiontext><text>只有一个选项</text></questiontext>\n<answer fraction=\"100\"><text>甲</text></answer>\n</question>\n</quiz>";
        let errors = parse_moodle_xml(bad).unwrap_err();
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            got,
            vec![(2, "unsupported_question_type"), (3, "options_count")]
        );
        assert_eq!(
            parse_moodle_xml("not xml at all <").unwrap_err()[0].code,
            "not_moodle_xml"
        );
    }

    #[test]
    fn tags_survive_a_round_trip() {
        let question = Question {
            kind: QuestionKind::TrueFalse,
            stem: "动火作业前必须办理动火证。".into(),
            options: vec![],
            key: AnswerKey::TrueFalse { correct: true },
            points: 100,
            difficulty: DEFAULT_DIFFICULTY,
            explanation: String::new(),
            tags: vec!["安全".into(), "动火".into()],
        };
        let xml = write_moodle_xml(&[ImportedQuestion {
            line: 1,
            category: None,
            title: String::new(),
            question: question.clone(),
            pictures: vec![],
        }]);
        let back = parse_moodle_xml(&xml).unwrap();
        assert_eq!(back[0].question.tags, question.tags);
        assert_eq!(
            super::super::question::parse_tags("tags", "焊接，安全、焊接；").unwrap(),
            vec!["焊接".to_owned(), "安全".to_owned()]
        );
        assert!(super::super::question::parse_tags("tags", &"长".repeat(31)).is_err());
    }
}
