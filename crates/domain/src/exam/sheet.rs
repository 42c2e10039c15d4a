//! The common Chinese Excel question template (题型, 题干, 选项A…H, 答案, 解析, 难度, 分值, 分类),
//! read row by row with every problem named by row and column, and written back for export.

use super::formats::ImportedQuestion;
use super::question::{AnswerKey, Matching, Question, QuestionKind};
use super::sheet_cells::{blanks, difficulty, letters, pairs, points, true_false};
use super::{cloze, numeric};
use crate::import::{Column, Layout, RowError, RowErrors, Sheet, check_size, non_blank_rows};

pub const OPTION_LETTERS: &[char] = &['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

pub const QUESTION_COLUMNS: &[Column] = &[
    Column {
        key: "kind",
        zh: "题型",
        en: "Type",
        required: true,
    },
    Column {
        key: "stem",
        zh: "题干",
        en: "Question",
        required: true,
    },
    Column {
        key: "option_a",
        zh: "选项A",
        en: "Option A",
        required: false,
    },
    Column {
        key: "option_b",
        zh: "选项B",
        en: "Option B",
        required: false,
    },
    Column {
        key: "option_c",
        zh: "选项C",
        en: "Option C",
        required: false,
    },
    Column {
        key: "option_d",
        zh: "选项D",
        en: "Option D",
        required: false,
    },
    Column {
        key: "option_e",
        zh: "选项E",
        en: "Option E",
        required: false,
    },
    Column {
        key: "option_f",
        zh: "选项F",
        en: "Option F",
        required: false,
    },
    Column {
        key: "option_g",
        zh: "选项G",
        en: "Option G",
        required: false,
    },
    Column {
        key: "option_h",
        zh: "选项H",
        en: "Option H",
        required: false,
    },
    Column {
        key: "answer",
        zh: "答案",
        en: "Answer",
        required: true,
    },
    Column {
        key: "explanation",
        zh: "解析",
        en: "Explanation",
        required: false,
    },
    Column {
        key: "difficulty",
        zh: "难度",
        en: "Difficulty",
        required: false,
    },
    Column {
        key: "points",
        zh: "分值",
        en: "Points",
        required: false,
    },
    Column {
        key: "category",
        zh: "分类",
        en: "Category",
        required: false,
    },
    Column {
        key: "tags",
        zh: "标签",
        en: "Tags",
        required: false,
    },
];

const OPTION_KEYS: &[&str] = &[
    "option_a", "option_b", "option_c", "option_d", "option_e", "option_f", "option_g", "option_h",
];

/// Reads every row; any problem anywhere rejects the whole sheet, each named by row and column.
pub fn parse_question_sheet(sheet: &Sheet) -> Result<Vec<ImportedQuestion>, Vec<RowError>> {
    let layout = Layout::new(QUESTION_COLUMNS, &sheet.headers)?;
    check_size(sheet)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for row in non_blank_rows(sheet) {
        let n = row.number;
        let kind = errs.check(n, QuestionKind::parse("kind", layout.cell(row, "kind")));
        let options: Vec<String> = OPTION_KEYS
            .iter()
            .map(|k| layout.cell(row, k).trim().to_owned())
            .collect();
        let last = options
            .iter()
            .rposition(|o| !o.is_empty())
            .map(|i| i + 1)
            .unwrap_or(0);
        let options: Vec<String> = options.into_iter().take(last).collect();
        let answer = layout.cell(row, "answer");
        let difficulty = errs.check(n, difficulty(layout.cell(row, "difficulty")));
        let points = errs.check(n, points(layout.cell(row, "points")));
        let Some(kind) = kind else { continue };
        let mut stem = layout.cell(row, "stem").trim().to_owned();
        let mut prompts = Vec::new();
        let mut parts = Vec::new();
        let key = match kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                letters(answer, options.len()).map(|correct| AnswerKey::Choice { correct })
            }
            QuestionKind::TrueFalse => {
                true_false(answer).map(|correct| AnswerKey::TrueFalse { correct })
            }
            QuestionKind::FillIn => blanks(answer).map(|b| AnswerKey::FillIn {
                blanks: b,
                matching: Matching {
                    case_insensitive: true,
                    width_insensitive: true,
                },
            }),
            QuestionKind::ShortAnswer => Ok(AnswerKey::Manual {
                reference: answer.trim().to_owned(),
            }),
            QuestionKind::Numerical => numeric::parse_key_text(answer)
                .map(|(answers, units)| AnswerKey::Numerical { answers, units }),
            QuestionKind::Matching => pairs(answer, options.len()).map(|(p, correct)| {
                prompts = p;
                AnswerKey::Matching { correct }
            }),
            // The parts and their answers are written inside the stem, as in Moodle.
            QuestionKind::Cloze => cloze::parse(&stem).map(|c| {
                stem = c.stem;
                parts = c.parts;
                AnswerKey::Cloze { parts: c.keys }
            }),
        };
        let Some(key) = errs.check(n, key) else {
            continue;
        };
        let options = if matches!(
            kind,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice | QuestionKind::Matching
        ) {
            options
        } else {
            Vec::new()
        };
        let tags = errs.check(
            n,
            super::question::parse_tags("tags", layout.cell(row, "tags")),
        );
        let (Some(difficulty), Some(points), Some(tags)) = (difficulty, points, tags) else {
            continue;
        };
        let question = Question {
            kind,
            stem,
            options,
            prompts,
            parts,
            key,
            points,
            difficulty,
            explanation: layout.cell(row, "explanation").trim().to_owned(),
            tags,
        };
        if let Some(()) = errs.check(n, question.check()) {
            let category = Some(
                layout
                    .cell(row, "category")
                    .trim()
                    .trim_matches('/')
                    .to_owned(),
            )
            .filter(|c| !c.is_empty());
            out.push(ImportedQuestion {
                line: n,
                category,
                title: String::new(),
                question,
                pictures: vec![],
            });
        }
    }
    if errs.errors.is_empty() {
        Ok(out)
    } else {
        Err(errs.errors)
    }
}

/// A question as a row of the template (for exports that import again).
pub fn question_row(q: &Question, category: &str) -> Vec<String> {
    let mut options: Vec<String> = q.options.clone();
    options.resize(OPTION_LETTERS.len(), String::new());
    let answer = match &q.key {
        AnswerKey::Choice { correct } => correct
            .iter()
            .filter_map(|&i| OPTION_LETTERS.get(i))
            .collect(),
        AnswerKey::TrueFalse { correct } => if *correct { "对" } else { "错" }.to_owned(),
        AnswerKey::FillIn { blanks, .. } => blanks
            .iter()
            .map(|b| b.join(";"))
            .collect::<Vec<_>>()
            .join("|"),
        AnswerKey::Manual { reference } => reference.clone(),
        AnswerKey::Numerical { answers, units } => numeric::key_text(answers, units),
        AnswerKey::Matching { correct } => q
            .prompts
            .iter()
            .zip(correct)
            .map(|(p, &c)| format!("{p}→{}", OPTION_LETTERS.get(c).copied().unwrap_or('?')))
            .collect::<Vec<_>>()
            .join(" | "),
        AnswerKey::Cloze { .. } => String::new(),
    };
    let stem = match &q.key {
        AnswerKey::Cloze { parts } => cloze::write(&q.stem, &q.parts, parts),
        _ => q.stem.clone(),
    };
    let points = if q.points % 100 == 0 {
        (q.points / 100).to_string()
    } else {
        format!("{}.{:02}", q.points / 100, q.points % 100)
            .trim_end_matches('0')
            .to_owned()
    };
    let mut row = vec![q.kind.label_zh().to_owned(), stem];
    row.extend(options);
    row.extend([
        answer,
        q.explanation.clone(),
        q.difficulty.to_string(),
        points,
        category.to_owned(),
        q.tags.join("，"),
    ]);
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::SheetRow;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            headers: QUESTION_COLUMNS
                .iter()
                .map(|c| {
                    if c.required {
                        format!("{}*", c.zh)
                    } else {
                        c.zh.to_owned()
                    }
                })
                .collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| SheetRow {
                    number: i + 2,
                    cells: r.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn every_type_reads_and_round_trips() {
        let s = sheet(&[
            &[
                "单选题",
                "焊接电流过大易产生？",
                "咬边",
                "未熔合",
                "",
                "",
                "",
                "",
                "",
                "",
                "A",
                "电流大熔池深",
                "2",
                "2",
                "焊接/工艺",
            ],
            &[
                "多选",
                "属于个人防护用品的是？",
                "面罩",
                "手套",
                "拖鞋",
                "",
                "",
                "",
                "",
                "",
                "A、B",
                "",
                "较难",
                "2.5",
                "",
            ],
            &[
                "判断题",
                "动火作业需要审批。",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "√",
                "",
                "",
                "",
                "",
            ],
            &[
                "填空题",
                "CO2焊的保护气是____，焊丝常用____。",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "二氧化碳;CO2|ER50-6",
                "",
                "3",
                "4",
                "",
            ],
            &[
                "简答题",
                "简述预防焊接变形的措施。",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "合理的焊接顺序、反变形法等",
                "",
                "",
                "10",
                "",
            ],
            &[
                "计算题",
                "Q235 钢的屈服强度约为多少 MPa？",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "235±5; 235±20 (50%); 单位: MPa=1",
                "",
                "",
                "2",
                "",
            ],
            &[
                "连线题",
                "将焊接方法与其代号连线。",
                "111",
                "121",
                "135",
                "141",
                "",
                "",
                "",
                "",
                "焊条电弧焊→A | 埋弧焊→B | 熔化极气体保护焊->C",
                "",
                "",
                "3",
                "",
            ],
            &[
                "综合填空",
                "焊条电弧焊的英文缩写是{1:SHORTANSWER:=SMAW}，电压单位是{1:MULTICHOICE:=V~A}。",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "2",
                "",
            ],
        ]);
        let qs = parse_question_sheet(&s).unwrap();
        assert_eq!(qs.len(), 8);
        assert_eq!(qs[5].question.kind, QuestionKind::Numerical);
        assert_eq!(qs[6].question.prompts.len(), 3);
        assert_eq!(qs[6].question.options.len(), 4);
        assert_eq!(
            qs[6].question.key,
            AnswerKey::Matching {
                correct: vec![0, 1, 2]
            }
        );
        assert_eq!(qs[7].question.parts.len(), 2);
        assert_eq!(
            qs[7].question.stem,
            "焊条电弧焊的英文缩写是{#1}，电压单位是{#2}。"
        );
        assert_eq!(qs[0].category.as_deref(), Some("焊接/工艺"));
        assert_eq!(
            qs[1].question.key,
            AnswerKey::Choice {
                correct: vec![0, 1]
            }
        );
        assert_eq!((qs[1].question.difficulty, qs[1].question.points), (4, 250));
        assert_eq!(qs[2].question.key, AnswerKey::TrueFalse { correct: true });
        assert!(
            matches!(&qs[3].question.key, AnswerKey::FillIn { blanks, .. } if blanks.len() == 2 && blanks[0] == vec!["二氧化碳", "CO2"])
        );
        // Written back, the rows read the same.
        let back = Sheet {
            headers: s.headers.clone(),
            rows: qs
                .iter()
                .enumerate()
                .map(|(i, q)| SheetRow {
                    number: i + 2,
                    cells: question_row(&q.question, q.category.as_deref().unwrap_or("")),
                })
                .collect(),
        };
        let again = parse_question_sheet(&back).unwrap();
        assert_eq!(
            again.iter().map(|q| &q.question).collect::<Vec<_>>(),
            qs.iter().map(|q| &q.question).collect::<Vec<_>>()
        );
    }

    #[test]
    fn problems_are_named_by_row_and_column() {
        let s = sheet(&[
            &[
                "论述题",
                "某题",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "A",
                "",
                "",
                "",
                "",
            ],
            &[
                "单选题",
                "某题",
                "甲",
                "乙",
                "",
                "",
                "",
                "",
                "",
                "",
                "C",
                "",
                "9",
                "-1",
                "",
            ],
            &[
                "判断题",
                "某题",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "也许",
                "",
                "",
                "",
                "",
            ],
            &[
                "填空题",
                "某题",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "甲||丙",
                "",
                "",
                "",
                "",
            ],
        ]);
        let errors = parse_question_sheet(&s).unwrap_err();
        let got: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "题型*", "unknown_question_kind"),
                (3, "难度", "invalid_difficulty"),
                (3, "分值", "invalid_points"),
                (3, "答案*", "answer_not_an_option"),
                (4, "答案*", "invalid_true_false"),
                (5, "答案*", "blank_without_answer"),
            ]
        );
    }
}
