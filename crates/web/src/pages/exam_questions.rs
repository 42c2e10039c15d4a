//! One question on the exam page: what the template shows for each kind (the saved answer
//! put back, the review's key in words), and the form's fields read back into an answer when
//! the page works without its script.

use super::Posted;
use crate::i18n::Tr;
use gongjiang_app::exams::{Review, ShownQuestion};
use gongjiang_domain::exam::cloze::{self, ClozePartKind};
use gongjiang_domain::exam::numeric;
use gongjiang_domain::exam::picture::{Piece, pieces};
use gongjiang_domain::exam::question::{AnswerKey, QuestionKind, Response as Answer};

pub struct OptionView {
    pub index: usize,
    pub letter: char,
    pub pieces: Vec<Piece>,
    /// `A. text` without pictures, for a drop-down.
    pub label: String,
    pub checked: bool,
}

/// A matching question's prompt and the option chosen for it.
pub struct PairView {
    pub prompt: Vec<Piece>,
    pub chosen: Option<usize>,
}

impl PairView {
    /// Whether this option is the one chosen (templates hand over fields by reference or not).
    pub fn chose(&self, index: impl std::borrow::Borrow<usize>) -> bool {
        self.chosen == Some(*index.borrow())
    }
}

/// A cloze question's part: an input or, for a choice part, a drop-down.
pub struct PartView {
    pub choice: bool,
    pub numeric: bool,
    pub options: Vec<(usize, String)>,
    pub value: String,
}

pub struct QuestionView {
    pub position: usize,
    pub number: usize,
    pub kind: &'static str,
    pub kind_key: &'static str,
    pub stem: Vec<Piece>,
    pub points: String,
    pub options: Vec<OptionView>,
    pub truth: Option<bool>,
    pub blanks: Vec<String>,
    pub pairs: Vec<PairView>,
    pub parts: Vec<PartView>,
    /// A short answer's text or a numerical answer as typed.
    pub text: String,
    /// After submission: points scored and the key, when the session shows them.
    pub scored: Option<String>,
    pub key: String,
    pub explanation: String,
}

/// The translation key of a kind's name.
pub fn kind_key(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice => "question_kind.single_choice",
        QuestionKind::MultipleChoice => "question_kind.multiple_choice",
        QuestionKind::TrueFalse => "question_kind.true_false",
        QuestionKind::FillIn => "question_kind.fill_in",
        QuestionKind::ShortAnswer => "question_kind.short_answer",
        QuestionKind::Numerical => "question_kind.numerical",
        QuestionKind::Matching => "question_kind.matching",
        QuestionKind::Cloze => "question_kind.cloze",
    }
}

pub fn points(p: i64) -> String {
    format!("{}", p as f64 / 100.0)
}

/// A cloze stem with each part's place shown as `（1）`.
fn numbered_places(stem: &str, parts: usize) -> String {
    (1..=parts).fold(stem.to_owned(), |s, n| {
        s.replace(&cloze::marker(n), &format!("（{n}）"))
    })
}

fn key_text(q: &ShownQuestion, key: &AnswerKey, options: &[OptionView], tr: Tr) -> String {
    let letter = |index: usize| {
        options
            .iter()
            .find(|o| o.index == index)
            .map(|o| o.letter.to_string())
            .unwrap_or_default()
    };
    match key {
        AnswerKey::Choice { correct } => options
            .iter()
            .filter(|o| correct.contains(&o.index))
            .map(|o| o.letter.to_string())
            .collect(),
        AnswerKey::TrueFalse { correct } => {
            tr.t_string(if *correct { "take.true" } else { "take.false" })
        }
        AnswerKey::FillIn { blanks, .. } => blanks
            .iter()
            .map(|b| b.join(" / "))
            .collect::<Vec<_>>()
            .join("；"),
        AnswerKey::Manual { reference } => reference.clone(),
        AnswerKey::Numerical { answers, units } => numeric::key_text(answers, units),
        AnswerKey::Matching { correct } => q
            .prompts
            .iter()
            .zip(correct)
            .map(|(p, &c)| format!("{p} → {}", letter(c)))
            .collect::<Vec<_>>()
            .join("；"),
        AnswerKey::Cloze { parts } => parts
            .iter()
            .zip(&q.parts)
            .enumerate()
            .map(|(i, (k, p))| format!("（{}）{}", i + 1, k.text(p)))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// The view of `q` with the answer saved for it and, after submission, its review.
pub fn question_view(
    q: &ShownQuestion,
    saved: Option<&Answer>,
    review: Option<&Review>,
    tr: Tr,
) -> QuestionView {
    let selected: &[usize] = match saved {
        Some(Answer::Choice { selected }) => selected,
        _ => &[],
    };
    let options: Vec<OptionView> = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let letter = char::from(b'A' + (i as u8 % 26));
            let plain: String = pieces(&o.text)
                .into_iter()
                .filter_map(|p| match p {
                    Piece::Text(t) => Some(t),
                    Piece::Picture(_) => None,
                })
                .collect();
            OptionView {
                index: o.index,
                letter,
                pieces: pieces(&o.text),
                label: format!("{letter}. {plain}"),
                checked: selected.contains(&o.index),
            }
        })
        .collect();
    let mut blanks = match saved {
        Some(Answer::FillIn { blanks }) => blanks.clone(),
        _ => Vec::new(),
    };
    blanks.resize(q.blanks, String::new());
    let chosen: &[Option<usize>] = match saved {
        Some(Answer::Matching { chosen }) => chosen,
        _ => &[],
    };
    let pairs = q
        .prompts
        .iter()
        .enumerate()
        .map(|(i, p)| PairView {
            prompt: pieces(p),
            chosen: chosen.get(i).copied().flatten(),
        })
        .collect();
    let given: &[String] = match saved {
        Some(Answer::Cloze { parts }) => parts,
        _ => &[],
    };
    let parts = q
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| PartView {
            choice: p.kind == ClozePartKind::Choice,
            numeric: p.kind == ClozePartKind::Numerical,
            options: p.options.iter().cloned().enumerate().collect(),
            value: given.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let stem = if q.kind == QuestionKind::Cloze {
        numbered_places(&q.stem, q.parts.len())
    } else {
        q.stem.clone()
    };
    QuestionView {
        position: q.position,
        number: q.position + 1,
        kind: q.kind.as_str(),
        kind_key: kind_key(q.kind),
        stem: pieces(&stem),
        points: points(q.points),
        truth: match saved {
            Some(Answer::TrueFalse { value }) => Some(*value),
            _ => None,
        },
        text: match saved {
            Some(Answer::Text { text }) => text.clone(),
            Some(Answer::Numerical { value }) => value.clone(),
            _ => String::new(),
        },
        blanks,
        pairs,
        parts,
        scored: review.map(|r| r.points.map(points).unwrap_or_else(|| "—".into())),
        key: review
            .map(|r| key_text(q, &r.key, &options, tr))
            .unwrap_or_default(),
        explanation: review.map(|r| r.explanation.clone()).unwrap_or_default(),
        options,
    }
}

/// The form's fields for `q`: `a<position>` (option indices, `true`/`false`, a number or
/// text) and `a<position>_<n>` for each blank, prompt or part. `None` when left unanswered.
pub fn answer_from_form(q: &ShownQuestion, posted: &Posted) -> Option<Answer> {
    let name = format!("a{}", q.position);
    let numbered = |count: usize| -> Vec<String> {
        (0..count)
            .map(|n| posted.get(&format!("{name}_{n}")))
            .collect()
    };
    let values = posted.all(&name);
    let first_filled = || values.first().filter(|v| !v.trim().is_empty()).cloned();
    match q.kind {
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            let selected: Vec<usize> = values.iter().filter_map(|v| v.parse().ok()).collect();
            (!selected.is_empty()).then_some(Answer::Choice { selected })
        }
        QuestionKind::TrueFalse => values
            .first()
            .map(|v| Answer::TrueFalse { value: v == "true" }),
        QuestionKind::FillIn => {
            let blanks = numbered(q.blanks);
            blanks
                .iter()
                .any(|b| !b.trim().is_empty())
                .then_some(Answer::FillIn { blanks })
        }
        QuestionKind::ShortAnswer => first_filled().map(|text| Answer::Text { text }),
        QuestionKind::Numerical => first_filled().map(|value| Answer::Numerical { value }),
        QuestionKind::Matching => {
            let chosen: Vec<Option<usize>> = numbered(q.prompts.len())
                .iter()
                .map(|v| v.parse().ok())
                .collect();
            chosen
                .iter()
                .any(Option::is_some)
                .then_some(Answer::Matching { chosen })
        }
        QuestionKind::Cloze => {
            let parts = numbered(q.parts.len());
            parts
                .iter()
                .any(|p| !p.trim().is_empty())
                .then_some(Answer::Cloze { parts })
        }
    }
}
