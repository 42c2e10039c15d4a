//! Questions of a bank and their answer keys, and how answers are compared with keys.

use super::cloze::{self, ClozeKey, ClozePart};
use super::numeric::{self, NumericAnswer, NumericUnit};
use crate::error::{FieldError, text};
use serde::{Deserialize, Serialize};

/// Points in hundredths, so that partial credit adds up exactly (250 = 2.5 points).
pub type Centipoints = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    FillIn,
    /// Graded by a person.
    ShortAnswer,
    /// A number, right within a tolerance (数值题, Moodle's numerical).
    Numerical,
    /// Prompts each matched to one of the options (匹配题 / 连线题).
    Matching,
    /// A text with questions inside it (综合填空, Moodle's embedded answers).
    Cloze,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 8] = [
        QuestionKind::SingleChoice,
        QuestionKind::MultipleChoice,
        QuestionKind::TrueFalse,
        QuestionKind::FillIn,
        QuestionKind::ShortAnswer,
        QuestionKind::Numerical,
        QuestionKind::Matching,
        QuestionKind::Cloze,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::MultipleChoice => "multiple_choice",
            QuestionKind::TrueFalse => "true_false",
            QuestionKind::FillIn => "fill_in",
            QuestionKind::ShortAnswer => "short_answer",
            QuestionKind::Numerical => "numerical",
            QuestionKind::Matching => "matching",
            QuestionKind::Cloze => "cloze",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            QuestionKind::SingleChoice => "单选题",
            QuestionKind::MultipleChoice => "多选题",
            QuestionKind::TrueFalse => "判断题",
            QuestionKind::FillIn => "填空题",
            QuestionKind::ShortAnswer => "简答题",
            QuestionKind::Numerical => "数值题",
            QuestionKind::Matching => "匹配题",
            QuestionKind::Cloze => "综合填空题",
        }
    }

    /// Accepts the stored name and the words of the common Chinese templates (单选, 单选题 …).
    pub fn parse(field: &str, raw: &str) -> Result<QuestionKind, FieldError> {
        let v = raw.trim();
        let kind = match v {
            "单选" | "单选题" | "单项选择题" => Some(QuestionKind::SingleChoice),
            "多选" | "多选题" | "多项选择题" => Some(QuestionKind::MultipleChoice),
            "判断" | "判断题" => Some(QuestionKind::TrueFalse),
            "填空" | "填空题" => Some(QuestionKind::FillIn),
            "简答" | "简答题" | "问答题" => Some(QuestionKind::ShortAnswer),
            "数值" | "数值题" | "计算" | "计算题" => Some(QuestionKind::Numerical),
            "匹配" | "匹配题" | "连线" | "连线题" => Some(QuestionKind::Matching),
            "综合填空" | "综合填空题" | "完形填空" | "完形填空题" => {
                Some(QuestionKind::Cloze)
            }
            _ => QuestionKind::ALL.into_iter().find(|k| k.as_str() == v),
        };
        kind.ok_or_else(|| FieldError::new(field, "unknown_question_kind").with("value", v))
    }
}

/// How free text is compared for fill-in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Matching {
    /// `ABC` matches `abc`.
    pub case_insensitive: bool,
    /// Full-width `ＡＢＣ１２３` matches half-width `ABC123` (Chinese input methods produce both).
    pub width_insensitive: bool,
}

/// The right answer of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerKey {
    /// The indices of the right options (one for single choice).
    Choice {
        correct: Vec<usize>,
    },
    TrueFalse {
        correct: bool,
    },
    /// For each blank, the accepted answers.
    FillIn {
        blanks: Vec<Vec<String>>,
        matching: Matching,
    },
    /// A reference answer for the person who grades.
    Manual {
        reference: String,
    },
    /// The accepted values (the best one the answer falls within counts) and the units an
    /// answer may carry.
    Numerical {
        answers: Vec<NumericAnswer>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        units: Vec<NumericUnit>,
    },
    /// For each prompt, the index of its option.
    Matching {
        correct: Vec<usize>,
    },
    /// The key of each part of a cloze question.
    Cloze {
        parts: Vec<ClozeKey>,
    },
}

/// A question as stored in a version: what an attempt shows and grades against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    pub kind: QuestionKind,
    pub stem: String,
    /// Options of choice questions (and the answers a matching question's prompts choose
    /// from), in their original order.
    pub options: Vec<String>,
    /// The prompts of a matching question, each matched to one option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<String>,
    /// The parts of a cloze question, whose places the stem marks `{#1}`, `{#2}` …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<ClozePart>,
    pub key: AnswerKey,
    pub points: Centipoints,
    /// 1 (easy) to 5 (hard).
    pub difficulty: u8,
    pub explanation: String,
    /// Free labels for finding questions (知识点, 考点), beside the category.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Splits `焊接，安全；高空` into tags: trimmed, no repeats, at most 10 of 30 characters.
pub fn parse_tags(field: &str, raw: &str) -> Result<Vec<String>, FieldError> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw
        .split([',', '，', ';', '；', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if t.chars().count() > 30 {
            return Err(FieldError::new(field, "tag_too_long")
                .with("value", t)
                .with("max", 30));
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    if tags.len() > 10 {
        return Err(FieldError::new(field, "too_many_tags").with("max", 10));
    }
    Ok(tags)
}

/// A candidate's answer to one question (option indices refer to the original order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    Choice {
        selected: Vec<usize>,
    },
    TrueFalse {
        value: bool,
    },
    FillIn {
        blanks: Vec<String>,
    },
    Text {
        text: String,
    },
    /// A number as typed, optionally with a unit (`1,500`, `1.5 m`).
    Numerical {
        value: String,
    },
    /// For each prompt, the option chosen (or none yet).
    Matching {
        chosen: Vec<Option<usize>>,
    },
    /// For each part of a cloze question, the text typed or a choice part's option index.
    Cloze {
        parts: Vec<String>,
    },
}

impl Question {
    /// Whether `response` is a possible answer to this question (the right type, options that
    /// exist, no more blanks than the question has, text of a sane length).
    pub fn fits(&self, response: &Response) -> bool {
        match (&self.key, response) {
            (AnswerKey::Choice { .. }, Response::Choice { selected }) => {
                let mut seen = selected.clone();
                seen.sort_unstable();
                seen.dedup();
                seen.len() == selected.len()
                    && selected.iter().all(|&i| i < self.options.len())
                    && (self.kind != QuestionKind::SingleChoice || selected.len() <= 1)
            }
            (AnswerKey::TrueFalse { .. }, Response::TrueFalse { .. }) => true,
            (AnswerKey::FillIn { blanks, .. }, Response::FillIn { blanks: given }) => {
                given.len() <= blanks.len() && given.iter().all(|g| g.chars().count() <= 500)
            }
            (AnswerKey::Manual { .. }, Response::Text { text }) => text.chars().count() <= 20_000,
            (AnswerKey::Numerical { .. }, Response::Numerical { value }) => {
                value.chars().count() <= 100
            }
            (AnswerKey::Matching { correct }, Response::Matching { chosen }) => {
                chosen.len() <= correct.len()
                    && chosen.iter().flatten().all(|&i| i < self.options.len())
            }
            (AnswerKey::Cloze { parts }, Response::Cloze { parts: given }) => {
                given.len() <= parts.len() && given.iter().all(|g| g.chars().count() <= 500)
            }
            _ => false,
        }
    }

    /// How many blanks a fill-in question has (shown to the entrant; not a secret).
    pub fn blank_count(&self) -> usize {
        match &self.key {
            AnswerKey::FillIn { blanks, .. } => blanks.len(),
            _ => 0,
        }
    }

    /// Checks that the question is whole: a stem, options for choices, a key that fits.
    pub fn check(&self) -> Result<(), FieldError> {
        // A stem may run over several lines (paragraphs in Moodle XML, a picture below).
        text("stem", &self.stem.replace('\n', " "), 1, 5000)?;
        if self.points <= 0 || self.points > 10_000 {
            return Err(FieldError::new("points", "invalid_points"));
        }
        if !(1..=5).contains(&self.difficulty) {
            return Err(FieldError::new("difficulty", "invalid_difficulty"));
        }
        match (&self.kind, &self.key) {
            (
                QuestionKind::SingleChoice | QuestionKind::MultipleChoice,
                AnswerKey::Choice { correct },
            ) => {
                if self.options.len() < 2 || self.options.len() > 26 {
                    return Err(FieldError::new("options", "options_count")
                        .with("min", 2)
                        .with("max", 26));
                }
                if self.options.iter().any(|o| o.trim().is_empty()) {
                    return Err(FieldError::new("options", "empty_option"));
                }
                let mut sorted = correct.clone();
                sorted.sort_unstable();
                sorted.dedup();
                let ok_count = if self.kind == QuestionKind::SingleChoice {
                    sorted.len() == 1
                } else {
                    !sorted.is_empty()
                };
                if !ok_count
                    || sorted.len() != correct.len()
                    || sorted.iter().any(|&i| i >= self.options.len())
                {
                    return Err(FieldError::new("answer", "answer_not_an_option"));
                }
                Ok(())
            }
            (QuestionKind::TrueFalse, AnswerKey::TrueFalse { .. }) => Ok(()),
            (QuestionKind::FillIn, AnswerKey::FillIn { blanks, .. }) => {
                if blanks.is_empty()
                    || blanks
                        .iter()
                        .any(|b| b.is_empty() || b.iter().any(|a| a.trim().is_empty()))
                {
                    return Err(FieldError::new("answer", "blank_without_answer"));
                }
                Ok(())
            }
            (QuestionKind::ShortAnswer, AnswerKey::Manual { .. }) => Ok(()),
            (QuestionKind::Numerical, AnswerKey::Numerical { answers, units }) => {
                numeric::check(answers, units)
            }
            (QuestionKind::Matching, AnswerKey::Matching { correct }) => {
                self.check_matching(correct)
            }
            (QuestionKind::Cloze, AnswerKey::Cloze { parts }) => {
                cloze::check(&self.parts, parts)?;
                let every_marker_once =
                    (1..=parts.len()).all(|n| self.stem.matches(&cloze::marker(n)).count() == 1);
                if !every_marker_once {
                    return Err(FieldError::new("stem", "cloze_marker_missing"));
                }
                Ok(())
            }
            _ => Err(FieldError::new("answer", "key_does_not_fit_kind")),
        }
    }
}

impl Question {
    /// Every text that may show a picture: the stem, options, prompts, cloze parts' options.
    pub fn texts(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.stem)
            .chain(&self.options)
            .chain(&self.prompts)
            .chain(self.parts.iter().flat_map(|p| &p.options))
    }

    /// The same texts, to place pictures' markers in.
    pub fn texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        std::iter::once(&mut self.stem)
            .chain(&mut self.options)
            .chain(&mut self.prompts)
            .chain(self.parts.iter_mut().flat_map(|p| &mut p.options))
    }

    /// 2 to 26 prompts, each with an option; at least as many options as are used, none empty.
    fn check_matching(&self, correct: &[usize]) -> Result<(), FieldError> {
        if self.prompts.len() < 2 || self.prompts.len() > 26 {
            return Err(FieldError::new("answer", "prompts_count")
                .with("min", 2)
                .with("max", 26));
        }
        if self.options.len() < 2 || self.options.len() > 26 {
            return Err(FieldError::new("options", "options_count")
                .with("min", 2)
                .with("max", 26));
        }
        if self
            .options
            .iter()
            .chain(&self.prompts)
            .any(|o| o.trim().is_empty())
        {
            return Err(FieldError::new("options", "empty_option"));
        }
        if correct.len() != self.prompts.len() || correct.iter().any(|&i| i >= self.options.len()) {
            return Err(FieldError::new("answer", "answer_not_an_option"));
        }
        Ok(())
    }
}

/// Text as compared for fill-in answers: trimmed, inner runs of white space made one space,
/// and, as asked, full-width forms made half-width and letters lower-case.
pub fn normalize(raw: &str, matching: Matching) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if matching.width_insensitive {
            match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            }
        } else {
            c
        };
        if matching.case_insensitive {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_template_words_parse() {
        assert_eq!(
            QuestionKind::parse("k", "多选题").unwrap(),
            QuestionKind::MultipleChoice
        );
        assert_eq!(
            QuestionKind::parse("k", "判断").unwrap(),
            QuestionKind::TrueFalse
        );
        assert!(QuestionKind::parse("k", "论述").is_err());
    }

    #[test]
    fn width_and_case_fold_only_when_asked() {
        let both = Matching {
            case_insensitive: true,
            width_insensitive: true,
        };
        assert_eq!(normalize("  ＣＯ２　气体保护焊 ", both), "co2 气体保护焊");
        assert_eq!(normalize("ＣＯ２", Matching::default()), "ＣＯ２");
        assert_eq!(
            normalize(
                "Ab  c",
                Matching {
                    case_insensitive: true,
                    width_insensitive: false
                }
            ),
            "ab c"
        );
    }

    #[test]
    fn questions_are_checked_whole() {
        let q = Question {
            prompts: Vec::new(),
            parts: Vec::new(),
            kind: QuestionKind::SingleChoice,
            stem: "焊接电流过大会导致什么缺陷？".into(),
            options: vec!["咬边".into(), "未焊透".into()],
            key: AnswerKey::Choice { correct: vec![0] },
            points: 200,
            difficulty: 2,
            explanation: String::new(),
            tags: Vec::new(),
        };
        assert!(q.check().is_ok());
        let mut two = q.clone();
        two.key = AnswerKey::Choice {
            correct: vec![0, 1],
        };
        assert_eq!(two.check().unwrap_err().code, "answer_not_an_option");
        let mut wrong_key = q.clone();
        wrong_key.key = AnswerKey::TrueFalse { correct: true };
        assert_eq!(wrong_key.check().unwrap_err().code, "key_does_not_fit_kind");
    }
}
