//! Question bank text formats: Aiken (single choice) and Moodle's GIFT. Parsing yields
//! checked questions with the line they start on, or every problem with its line.

use super::question::{AnswerKey, Matching, Question, QuestionKind};
use crate::import::RowError;

/// A question read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedQuestion {
    /// The line (1-based) where the question starts.
    pub line: usize,
    /// GIFT's `$CATEGORY:` in force, as a path `焊接/工艺`.
    pub category: Option<String>,
    pub title: String,
    pub question: Question,
    /// Pictures the file carried (Moodle XML), placed in the stem and options by
    /// [`super::picture::file_marker`] until they are stored and have ids.
    pub pictures: Vec<ImportedPicture>,
}

/// A picture inside an imported file, already checked to be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPicture {
    /// Its name in the file.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Points of an imported question when the format has none: 1 point.
pub const DEFAULT_POINTS: i64 = 100;
pub const DEFAULT_DIFFICULTY: u8 = 3;

/// A problem at a line (or, for sheets, a row) of a file.
pub(crate) fn problem(line: usize, code: &str) -> RowError {
    RowError {
        row: line,
        column: String::new(),
        code: code.to_owned(),
        params: vec![],
    }
}

fn question(kind: QuestionKind, stem: String, options: Vec<String>, key: AnswerKey) -> Question {
    Question {
        kind,
        stem,
        options,
        key,
        points: DEFAULT_POINTS,
        difficulty: DEFAULT_DIFFICULTY,
        explanation: String::new(),
        tags: Vec::new(),
    }
}

/// Blocks of non-blank lines with the number of their first line.
fn blocks(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if let Some(block) = current.take() {
                out.push(block);
            }
        } else {
            current
                .get_or_insert_with(|| (i + 1, Vec::new()))
                .1
                .push(line);
        }
    }
    out.extend(current);
    out
}

/// Aiken: a stem, options `A.` or `A)`, and `ANSWER: X`; questions apart by a blank line.
pub fn parse_aiken(text: &str) -> Result<Vec<ImportedQuestion>, Vec<RowError>> {
    let text = text.trim_start_matches('\u{FEFF}');
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (first, lines) in blocks(text) {
        let mut stem: Vec<&str> = Vec::new();
        let mut options: Vec<String> = Vec::new();
        let mut answer: Option<(usize, String)> = None;
        for (offset, line) in lines.iter().enumerate() {
            let n = first + offset;
            let trimmed = line.trim();
            let upper = trimmed.to_ascii_uppercase();
            if let Some(rest) = upper
                .strip_prefix("ANSWER:")
                .or_else(|| upper.strip_prefix("ANSWER："))
            {
                answer = Some((n, rest.trim().to_owned()));
                continue;
            }
            let bytes = trimmed.as_bytes();
            let is_option = bytes.len() >= 2
                && bytes[0].is_ascii_uppercase()
                && (bytes[1] == b'.' || bytes[1] == b')')
                && (bytes[0] - b'A') as usize == options.len();
            if is_option {
                options.push(trimmed[2..].trim().to_owned());
            } else if options.is_empty() {
                stem.push(trimmed);
            } else {
                errors.push(problem(n, "aiken_line_after_options"));
            }
        }
        let Some((answer_line, letter)) = answer else {
            errors.push(problem(first, "aiken_missing_answer"));
            continue;
        };
        let index = letter
            .chars()
            .next()
            .filter(|c| c.is_ascii_uppercase() && letter.len() == 1)
            .map(|c| (c as u8 - b'A') as usize);
        match index {
            Some(i) if i < options.len() => {
                let q = question(
                    QuestionKind::SingleChoice,
                    stem.join("\n"),
                    options,
                    AnswerKey::Choice { correct: vec![i] },
                );
                match q.check() {
                    Ok(()) => out.push(ImportedQuestion {
                        line: first,
                        category: None,
                        title: String::new(),
                        question: q,
                        pictures: vec![],
                    }),
                    Err(e) => errors.push(RowError {
                        row: first,
                        column: String::new(),
                        code: e.code,
                        params: e.params,
                    }),
                }
            }
            _ => errors.push(problem(answer_line, "answer_not_an_option")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Splits GIFT text at unescaped `{` … `}`; returns (before, inside, after).
fn answer_block(text: &str) -> Option<(String, String, String)> {
    let mut depth_start = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' if depth_start.is_none() => depth_start = Some(i),
            '}' => {
                let start = depth_start?;
                return Some((
                    text[..start].to_owned(),
                    text[start + 1..i].to_owned(),
                    text[i + 1..].to_owned(),
                ));
            }
            _ => {}
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(next) => out.push(next),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// The answers of a GIFT block: (`=` right or `~` other, weight percent, text), feedback removed.
fn gift_answers(inside: &str) -> Vec<(bool, Option<i64>, String)> {
    let mut parts: Vec<(char, String)> = Vec::new();
    let mut escaped = false;
    for c in inside.chars() {
        if escaped {
            if let Some(last) = parts.last_mut() {
                last.1.push('\\');
                last.1.push(c);
            }
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '=' | '~' => parts.push((c, String::new())),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.1.push(c);
                }
            }
        }
    }
    parts
        .into_iter()
        .map(|(marker, raw)| {
            // Feedback after an unescaped `#` is dropped.
            let body = split_unescaped(&raw, '#');
            let (weight, body) = match body
                .trim()
                .strip_prefix('%')
                .and_then(|r| r.split_once('%'))
            {
                Some((w, rest)) => (
                    w.trim().parse::<f64>().ok().map(|w| w.round() as i64),
                    rest.to_owned(),
                ),
                None => (None, body),
            };
            (marker == '=', weight, unescape(&body))
        })
        .collect()
}

fn split_unescaped(s: &str, at: char) -> String {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == at => return s[..i].to_owned(),
            _ => {}
        }
    }
    s.to_owned()
}

/// GIFT (Moodle): multiple choice `{=right ~wrong}` (or weights `~%50%`), true/false `{T}`,
/// fill-in `{=answer =other}` (the block may stand inside the sentence), essay `{}`;
/// `::title::`, `$CATEGORY:`, `//` comments.
pub fn parse_gift(text: &str) -> Result<Vec<ImportedQuestion>, Vec<RowError>> {
    let text = text.trim_start_matches('\u{FEFF}');
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut category: Option<String> = None;
    for (first, lines) in blocks(text) {
        let kept: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .map(|(o, l)| (first + o, *l))
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .collect();
        let Some(&(start, _)) = kept.first() else {
            continue;
        };
        if let Some(cat) = kept
            .iter()
            .find_map(|(_, l)| l.trim().strip_prefix("$CATEGORY:"))
        {
            let path = cat
                .trim()
                .trim_start_matches("$course$/")
                .trim_start_matches("top/")
                .trim_matches('/')
                .to_owned();
            category = (!path.is_empty()).then_some(path);
            continue;
        }
        let mut body = kept.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n");
        let mut title = String::new();
        if let Some(rest) = body.trim_start().strip_prefix("::")
            && let Some((t, after)) = rest.split_once("::")
        {
            title = unescape(t);
            body = after.to_owned();
        }
        if let Some(rest) = body.trim_start().strip_prefix('[')
            && let Some((_, after)) = rest.split_once(']')
        {
            body = after.to_owned(); // a text format marker such as [html]: kept as plain text
        }
        let Some((before, inside, after)) = answer_block(&body) else {
            errors.push(problem(start, "gift_missing_answers"));
            continue;
        };
        let inside_trim = inside.trim();
        let stem_with_blank = |b: &str, a: &str| {
            let (b, a) = (unescape(b), unescape(a));
            if a.is_empty() {
                b
            } else {
                format!("{b} ____ {a}")
            }
        };
        let parsed = if inside_trim.is_empty() {
            Ok(question(
                QuestionKind::ShortAnswer,
                stem_with_blank(&before, &after),
                vec![],
                AnswerKey::Manual {
                    reference: String::new(),
                },
            ))
        } else if let Some(tf) = match inside_trim
            .split('#')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase()
            .as_str()
        {
            "T" | "TRUE" => Some(true),
            "F" | "FALSE" => Some(false),
            _ => None,
        } {
            Ok(question(
                QuestionKind::TrueFalse,
                stem_with_blank(&before, &after),
                vec![],
                AnswerKey::TrueFalse { correct: tf },
            ))
        } else if inside_trim.starts_with('#') || inside_trim.contains("->") {
            Err("gift_unsupported_type")
        } else {
            let answers = gift_answers(inside_trim);
            let has_wrong = answers.iter().any(|(right, _, _)| !right);
            if answers.is_empty() {
                Err("gift_missing_answers")
            } else if !has_wrong {
                let accepted: Vec<String> = answers.into_iter().map(|(_, _, t)| t).collect();
                let key = AnswerKey::FillIn {
                    blanks: vec![accepted],
                    matching: Matching {
                        case_insensitive: true,
                        width_insensitive: true,
                    },
                };
                Ok(question(
                    QuestionKind::FillIn,
                    stem_with_blank(&before, &after),
                    vec![],
                    key,
                ))
            } else {
                let options: Vec<String> = answers.iter().map(|(_, _, t)| t.clone()).collect();
                let right: Vec<usize> = answers
                    .iter()
                    .enumerate()
                    .filter(|(_, (r, w, _))| *r || w.is_some_and(|w| w > 0))
                    .map(|(i, _)| i)
                    .collect();
                let multiple = answers
                    .iter()
                    .any(|(_, w, _)| w.is_some_and(|w| w > 0 && w < 100))
                    || right.len() > 1;
                let kind = if multiple {
                    QuestionKind::MultipleChoice
                } else {
                    QuestionKind::SingleChoice
                };
                Ok(question(
                    kind,
                    stem_with_blank(&before, &after),
                    options,
                    AnswerKey::Choice { correct: right },
                ))
            }
        };
        match parsed {
            Ok(q) => match q.check() {
                Ok(()) => out.push(ImportedQuestion {
                    line: start,
                    category: category.clone(),
                    title,
                    question: q,
                    pictures: vec![],
                }),
                Err(e) => errors.push(RowError {
                    row: start,
                    column: String::new(),
                    code: e.code,
                    params: e.params,
                }),
            },
            Err(code) => errors.push(problem(start, code)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aiken_reads_questions_and_reports_lines() {
        let text = "焊接时产生咬边的主要原因是？\nA. 电流过大\nB. 电流过小\nC) 焊速过慢\nANSWER: A\n\n下列哪种气体常用于气体保护焊？\nA. 氧气\nB. 二氧化碳\nANSWER: B\n";
        let qs = parse_aiken(text).unwrap();
        assert_eq!(qs.len(), 2);
        assert_eq!(
            qs[0].question.options,
            vec!["电流过大", "电流过小", "焊速过慢"]
        );
        assert_eq!(qs[1].line, 7);
        assert_eq!(qs[1].question.key, AnswerKey::Choice { correct: vec![1] });
        let bad = "题目一\nA. 甲\nB. 乙\nANSWER: C\n\n题目二\nA. 甲\nB. 乙\n";
        let errors = parse_aiken(bad).unwrap_err();
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            got,
            vec![(4, "answer_not_an_option"), (6, "aiken_missing_answer")]
        );
    }

    #[test]
    fn gift_reads_each_supported_type() {
        let text = r"// 焊工题库
$CATEGORY: $course$/top/焊接/安全

::T1:: 焊接作业前必须检查周围有无易燃物。{T}

::T2:: 下列属于焊接缺陷的是 {=咬边 ~焊缝余高适当 ~母材}

::T3:: 以下哪些是个人防护用品？{~%50%焊接面罩 ~%50%绝缘手套 ~%-100%拖鞋}

二氧化碳气体保护焊的英文缩写是 {=CO2 =MAG} 焊。

::T5:: 简述预防焊接变形的措施。{}

// a comment between questions
::T6:: 电弧电压单位是 \{伏特\}? {=V #正确 ~A #错误}
";
        let qs = parse_gift(text).unwrap();
        assert_eq!(qs.len(), 6);
        assert_eq!(qs[0].category.as_deref(), Some("焊接/安全"));
        assert_eq!(qs[0].question.key, AnswerKey::TrueFalse { correct: true });
        assert_eq!(qs[1].question.kind, QuestionKind::SingleChoice);
        assert_eq!(qs[1].question.options, vec!["咬边", "焊缝余高适当", "母材"]);
        assert_eq!(qs[2].question.kind, QuestionKind::MultipleChoice);
        assert_eq!(
            qs[2].question.key,
            AnswerKey::Choice {
                correct: vec![0, 1]
            }
        );
        assert_eq!(qs[3].question.kind, QuestionKind::FillIn);
        assert_eq!(
            qs[3].question.stem,
            "二氧化碳气体保护焊的英文缩写是 ____ 焊。"
        );
        assert_eq!(qs[4].question.kind, QuestionKind::ShortAnswer);
        assert_eq!(qs[5].question.stem, "电弧电压单位是 {伏特}?");
        assert_eq!(qs[5].question.options, vec!["V", "A"]);
        assert_eq!(qs[5].title, "T6");
    }

    #[test]
    fn gift_problems_name_their_line() {
        let text =
            "::A:: 没有答案块的题目\n\n::B:: 数值题 {#3.14:0.01}\n\n::C:: 只有一个选项 {=甲 ~}\n";
        let errors = parse_gift(text).unwrap_err();
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "gift_missing_answers"),
                (3, "gift_unsupported_type"),
                (5, "empty_option")
            ]
        );
    }
}
