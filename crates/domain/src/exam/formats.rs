//! Question bank files: what an import yields (`ImportedQuestion`, its pictures), Aiken
//! (single choice), and what the other formats share; GIFT is in `gift.rs`.

use super::question::{AnswerKey, Question, QuestionKind};

pub use super::gift::parse_gift;
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

pub(super) fn question(
    kind: QuestionKind,
    stem: String,
    options: Vec<String>,
    key: AnswerKey,
) -> Question {
    Question {
        kind,
        stem,
        options,
        prompts: Vec::new(),
        parts: Vec::new(),
        key,
        points: DEFAULT_POINTS,
        difficulty: DEFAULT_DIFFICULTY,
        explanation: String::new(),
        tags: Vec::new(),
    }
}

/// Blocks of non-blank lines with the number of their first line.
pub(super) fn blocks(text: &str) -> Vec<(usize, Vec<&str>)> {
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
}
