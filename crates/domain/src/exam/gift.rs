//! Moodle's GIFT text format: multiple choice `{=right ~wrong}` (weights `~%50%`), true/false
//! `{T}`, fill-in `{=answer =other}` (the block may stand inside the sentence), essay `{}`,
//! numerical `{#1500:50}`, matching `{=prompt -> answer}`; `::title::`, `$CATEGORY:`, `//`
//! comments. Questions come out checked with their line, or every problem with its line.

use super::formats::{ImportedQuestion, blocks, problem, question};
use super::numeric::{self, NumericAnswer};
use super::question::{AnswerKey, Matching, QuestionKind};
use crate::import::RowError;

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

/// GIFT numerical answers: `1500:50`, `1400..1600`, or several `=1500:50 =%50%1500:200`.
fn gift_numerical(body: &str) -> Result<Vec<NumericAnswer>, &'static str> {
    let body = body.trim();
    let answers: Vec<(u8, String)> = if body.starts_with('=') || body.starts_with('~') {
        gift_answers(body)
            .into_iter()
            .map(|(right, weight, text)| {
                let credit = match weight {
                    Some(w) => w.clamp(0, 100) as u8,
                    None if right => 100,
                    None => 0,
                };
                (credit, text)
            })
            .filter(|(c, _)| *c > 0)
            .collect()
    } else {
        vec![(100, unescape(&split_unescaped(body, '#')))]
    };
    let parsed: Option<Vec<NumericAnswer>> = answers
        .iter()
        .map(|(credit, text)| numeric::parse_with_tolerance(text, *credit))
        .collect();
    let parsed = parsed.ok_or("invalid_numeric_answer")?;
    numeric::check(&parsed, &[]).map_err(|_| "numeric_without_full_answer")?;
    Ok(parsed)
}

/// GIFT matching pairs `=prompt -> answer`; a pair without a prompt adds a distractor.
/// Returns the prompts, the options (each answer once, in order) and each prompt's option.
fn gift_matching(inside: &str) -> (Vec<String>, Vec<String>, Vec<usize>) {
    let mut prompts = Vec::new();
    let mut options: Vec<String> = Vec::new();
    let mut correct = Vec::new();
    for (_, _, pair) in gift_answers(inside) {
        let (prompt, answer) = pair.split_once("->").unwrap_or((pair.as_str(), ""));
        let (prompt, answer) = (prompt.trim(), answer.trim().to_owned());
        let index = match options.iter().position(|o| *o == answer) {
            Some(i) => i,
            None => {
                options.push(answer);
                options.len() - 1
            }
        };
        if !prompt.is_empty() {
            prompts.push(prompt.to_owned());
            correct.push(index);
        }
    }
    (prompts, options, correct)
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
        } else if let Some(numbers) = inside_trim.strip_prefix('#') {
            gift_numerical(numbers).map(|answers| {
                question(
                    QuestionKind::Numerical,
                    stem_with_blank(&before, &after),
                    vec![],
                    AnswerKey::Numerical {
                        answers,
                        units: vec![],
                    },
                )
            })
        } else if inside_trim.contains("->") {
            let (prompts, options, correct) = gift_matching(inside_trim);
            let mut q = question(
                QuestionKind::Matching,
                stem_with_blank(&before, &after),
                options,
                AnswerKey::Matching { correct },
            );
            q.prompts = prompts;
            Ok(q)
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
    fn gift_reads_numerical_and_matching_questions() {
        let text = "::N1:: 焊接电流约为多少安？{#150:10}\n\n::N2:: 板厚（mm）{#=12:0.5 =%50%12:2 #差一点}\n\n::N3:: 范围 {#1400..1600}\n\n::M:: 将焊接方法与代号连线。{\n=焊条电弧焊 -> 111\n=埋弧焊 -> 121\n=熔化极气体保护焊 -> 135\n= -> 141\n}\n";
        let qs = parse_gift(text).unwrap();
        assert_eq!(qs[0].question.kind, QuestionKind::Numerical);
        assert_eq!(
            qs[1].question.key,
            AnswerKey::Numerical {
                answers: vec![
                    NumericAnswer {
                        value: 12_000_000,
                        tolerance: 500_000,
                        credit: 100
                    },
                    NumericAnswer {
                        value: 12_000_000,
                        tolerance: 2_000_000,
                        credit: 50
                    },
                ],
                units: vec![]
            }
        );
        assert!(
            matches!(&qs[2].question.key, AnswerKey::Numerical { answers, .. } if answers[0].tolerance == 100_000_000)
        );
        let m = &qs[3].question;
        assert_eq!(m.kind, QuestionKind::Matching);
        assert_eq!(m.prompts, vec!["焊条电弧焊", "埋弧焊", "熔化极气体保护焊"]);
        assert_eq!(m.options, vec!["111", "121", "135", "141"]);
        assert_eq!(
            m.key,
            AnswerKey::Matching {
                correct: vec![0, 1, 2]
            }
        );
    }

    #[test]
    fn gift_problems_name_their_line() {
        let text =
            "::A:: 没有答案块的题目\n\n::B:: 数值题 {#三点一四}\n\n::C:: 只有一个选项 {=甲 ~}\n";
        let errors = parse_gift(text).unwrap_err();
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "gift_missing_answers"),
                (3, "invalid_numeric_answer"),
                (5, "empty_option")
            ]
        );
    }
}
