//! `gongjiang fuzz`: every importer fed mutated files for a while. An importer may refuse any
//! input, never panic on one, never take over a second on one, never grow the process by
//! more than 256 MiB on one. A failing input is written to `--out` to be replayed.
//!
//! Mutation fuzzing without a compiler plugin (so it runs on stable Rust, in CI): each target
//! starts from real files (the formats' own samples and our templates), and each round applies
//! a few mutations (bit flips, bytes inserted, removed, repeated, spliced from another seed,
//! tokens the parsers look for); sheets are also fuzzed cell by cell past the zip layer.

use gongjiang_domain::import::{Column, ExistingUnit, Sheet, SheetRow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The most an input may take.
const MOST_TIME: Duration = Duration::from_secs(1);
/// The most an input may grow the process (its peak resident memory).
const MOST_GROWTH_KB: u64 = 256 * 1024;

const AIKEN: &str = "焊接电流过大易产生？\nA. 咬边\nB. 气孔\nC. 夹渣\nANSWER: A\n\n钢的含碳量越高，焊接性越？\nA) 好\nB) 差\nANSWER: B\n";
const GIFT: &str = "// 焊工理论\n$CATEGORY: 焊接/安全\n::电流::焊接电流过大易产生{=咬边 ~气孔 ~夹渣}\n::判断::低氢焊条使用前须烘干。{TRUE}\n::多选::属于焊接缺陷的有{~%50%咬边 ~%50%气孔 ~%-100%飞溅}\n::填空::手工电弧焊的英文缩写是{=SMAW =MMA}\n::简答::简述预热的作用。{}\n::数值::碳钢熔点约为多少度？{#1500:50}\n::匹配::配对{=咬边 -> 电流大 =气孔 -> 受潮}\n";
const MOODLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/焊接</text></category></question>
  <question type="multichoice">
    <name><text>电流</text></name>
    <questiontext format="html"><text><![CDATA[<p>焊接电流过大易产生&nbsp;<b>哪种</b>缺陷？<img src="@@PLUGINFILE@@/a.png"></p>]]></text>
      <file name="a.png" path="/" encoding="base64">iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=</file></questiontext>
    <defaultgrade>2.0000000</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text>咬边</text><feedback><text>对</text></feedback></answer>
    <answer fraction="0"><text>气孔</text></answer>
  </question>
  <question type="truefalse"><name><text>烘干</text></name><questiontext><text>低氢焊条使用前须烘干。</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
  <question type="shortanswer"><questiontext><text>手工电弧焊的缩写</text></questiontext><answer fraction="100"><text>SMAW</text></answer></question>
  <question type="essay"><questiontext><text>简述预热的作用。</text></questiontext></question>
  <question type="numerical"><questiontext><text>板长</text></questiontext>
    <answer fraction="100"><text>1500</text><tolerance>50</tolerance></answer>
    <units><unit><multiplier>0.001</multiplier><unit_name>m</unit_name></unit></units></question>
  <question type="matching"><questiontext><text>连线</text></questiontext>
    <subquestion><text>咬边</text><answer><text>电流大</text></answer></subquestion>
    <subquestion><text>气孔</text><answer><text>受潮</text></answer></subquestion>
    <subquestion><text></text><answer><text>干扰项</text></answer></subquestion></question>
  <question type="cloze"><questiontext><text><![CDATA[缩写{1:SHORTANSWER:=SMAW~%50%MMA#近}，单位{1:MULTICHOICE:=V~A}，强度{2:NUMERICAL:=235:5}]]></text></questiontext></question>
</quiz>
"#;

/// What the parsers look for: inserting them reaches deeper than random bytes do.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "=",
    "~",
    "#",
    "->",
    "%",
    "::",
    "\n",
    "ANSWER: ",
    "A. ",
    "$CATEGORY:",
    "<question type=\"",
    "<question>",
    "</question>",
    "<![CDATA[",
    "]]>",
    "<answer fraction=\"",
    "<text>",
    "</text>",
    "@@PLUGINFILE@@/",
    "<file name=\"a.png\" encoding=\"base64\">",
    "[图片:",
    "[图片:@",
    "]",
    "&amp;",
    "&#x",
    "\u{FEFF}",
    "\\",
    "100",
    "-1",
    "1e308",
    "99999999999",
    "对",
    "错",
    "√",
    "×",
    "单选题",
    "多选题",
    "判断题",
    "填空题",
    "简答题",
    "数值题",
    "匹配题",
    "综合填空题",
    "{1:SHORTANSWER:=",
    "{2:MULTICHOICE:",
    "{1:NUMERICAL:=",
    ":0.5}",
    "{#1}",
    "..",
    "±",
    "→",
    "单位: m=0.001",
    "HJ",
    "2026-11-22",
];

/// Cell values for sheets fuzzed past the zip layer.
const CELLS: &[&str] = &[
    "",
    " ",
    "HJ",
    "HJ-JX",
    "HJGT",
    "华江市总工会",
    "企业工会",
    "基层分会",
    "总工会",
    "男",
    "女",
    "13800138000",
    "1380013800",
    "a@b.cn",
    "2026",
    "2026-11-22",
    "2026-02-30",
    "-1",
    "0",
    "1e9",
    "99999999999999999999",
    "一级",
    "省级",
    "全国",
    "国家级",
    "是",
    "否",
    "√",
    "刘伟",
    "焊工",
    "焊接创新工作室",
    "先进制造",
    "原创",
    "HJ-0001",
    "\u{0}",
    "=SUM(A1)",
    "A\nB",
    "、",
    ";",
    "计算题",
    "连线题",
    "综合填空",
    "1500±50; 1500±200 (50%)",
    "甲→A | 乙→B",
    "{1:SHORTANSWER:=甲}{1:MULTICHOICE:=乙~丙}",
];

struct Target {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    run: fn(&[u8]),
}

fn questions(name: &'static str) -> impl Fn(&[u8]) {
    move |bytes| {
        let _ = gongjiang_app::banks::read_questions(name, bytes);
    }
}

fn existing_units() -> HashMap<String, ExistingUnit> {
    use gongjiang_domain::unit::{UnitKind, UnitPath};
    let mut units = HashMap::new();
    units.insert(
        "HJ".to_owned(),
        ExistingUnit {
            id: 1,
            kind: UnitKind::Federation,
            path: UnitPath::root(1),
            closed: false,
        },
    );
    units
}

/// Every planner of a sheet: what each workbook import does with its first sheet.
fn plan_all(sheet: &Sheet) {
    use gongjiang_domain::registry::sheets as registry;
    let units = existing_units();
    let _ = gongjiang_domain::import::plan_unit_import(sheet, &units, |_| true);
    let _ = gongjiang_domain::import::plan_person_import(sheet, &units, |_| true);
    let _ = registry::plan_studios(sheet, 2026);
    let _ = registry::plan_honours(sheet, 2026);
    let _ = registry::plan_alliances(sheet, 2026, "2026-11-22");
    let _ = registry::plan_achievements(sheet, 2026);
    let _ = gongjiang_domain::competition::entry_sheet::plan_entries(sheet);
    let _ = gongjiang_domain::exam::sheet::parse_question_sheet(sheet);
}

fn workbook(bytes: &[u8]) {
    if let Ok(sheet) = gongjiang_app::sheets::read_xlsx(bytes) {
        plan_all(&sheet);
    }
}

const TEMPLATES: [&[Column]; 8] = [
    gongjiang_domain::import::UNIT_COLUMNS,
    gongjiang_domain::import::PERSON_COLUMNS,
    gongjiang_domain::registry::sheets::STUDIO_COLUMNS,
    gongjiang_domain::registry::sheets::HONOUR_COLUMNS,
    gongjiang_domain::registry::sheets::ALLIANCE_COLUMNS,
    gongjiang_domain::registry::sheets::ACHIEVEMENT_COLUMNS,
    gongjiang_domain::competition::entry_sheet::ENTRY_COLUMNS,
    gongjiang_domain::exam::sheet::QUESTION_COLUMNS,
];

/// A sheet described by bytes: which template's headers (first byte), then cells chosen
/// from `CELLS` or cut from the bytes themselves. The fuzzer mutates the description.
fn sheet_of(bytes: &[u8]) -> Sheet {
    let template = TEMPLATES[usize::from(bytes.first().copied().unwrap_or(0)) % TEMPLATES.len()];
    let mut headers: Vec<String> = template.iter().map(|c| c.zh.to_owned()).collect();
    if bytes.get(1).is_some_and(|b| b % 7 == 0) {
        headers.reverse();
    }
    let width = headers.len();
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    for chunk in bytes.get(2..).unwrap_or_default().chunks(3) {
        let cell = match chunk {
            [k, ..] if k % 4 != 0 => CELLS[usize::from(*k) % CELLS.len()].to_owned(),
            _ => String::from_utf8_lossy(chunk).into_owned(),
        };
        cells.push(cell);
        if cells.len() == width {
            rows.push(SheetRow {
                number: rows.len() + 2,
                cells: std::mem::take(&mut cells),
            });
        }
    }
    Sheet { headers, rows }
}

fn targets() -> Vec<Target> {
    let sheet_seeds: Vec<Vec<u8>> = (0..TEMPLATES.len() as u8)
        .map(|t| {
            let mut seed = vec![t, 1];
            seed.extend((0..90u8).map(|i| i.wrapping_mul(37).wrapping_add(t)));
            seed
        })
        .collect();
    let templates: Vec<Vec<u8>> = TEMPLATES
        .iter()
        .filter_map(|columns| {
            let headers: Vec<String> = columns.iter().map(|c| c.zh.to_owned()).collect();
            let row: Vec<String> = columns.iter().map(|_| "HJ".to_owned()).collect();
            gongjiang_app::sheets::write_xlsx("数据", &headers, &[row]).ok()
        })
        .collect();
    vec![
        Target {
            name: "aiken",
            seeds: vec![AIKEN.as_bytes().to_vec()],
            run: |b| questions("f.txt")(b),
        },
        Target {
            name: "gift",
            seeds: vec![GIFT.as_bytes().to_vec()],
            run: |b| questions("f.gift")(b),
        },
        Target {
            name: "moodle-xml",
            seeds: vec![MOODLE.as_bytes().to_vec()],
            run: |b| questions("f.xml")(b),
        },
        Target {
            name: "text-encoding",
            seeds: vec![AIKEN.as_bytes().to_vec(), GIFT.as_bytes().to_vec()],
            run: |b| {
                let _ = gongjiang_domain::text_encoding::decode(b);
            },
        },
        Target {
            name: "workbook",
            seeds: templates,
            run: workbook,
        },
        Target {
            name: "sheet-rows",
            seeds: sheet_seeds,
            run: |b| plan_all(&sheet_of(b)),
        },
    ]
}

fn mutate(rng: &mut StdRng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..rng.random_range(1..=4) {
        let len = input.len();
        match rng.random_range(0..8) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] = rng.random();
            }
            2 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())].as_bytes();
                let at = rng.random_range(0..=len);
                input.splice(at..at, token.iter().copied());
            }
            3 if len > 1 => {
                let from = rng.random_range(0..len);
                let to = (from + rng.random_range(1..=64)).min(len);
                input.drain(from..to);
            }
            4 if len > 1 => {
                // A stretch repeated: long lines, many questions, deep nesting.
                let from = rng.random_range(0..len);
                let to = (from + rng.random_range(1..=256)).min(len);
                let piece = input[from..to].to_vec();
                let times = rng.random_range(1..=64);
                for _ in 0..times {
                    input.splice(to..to, piece.iter().copied());
                }
            }
            5 if !seeds.is_empty() => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                if !other.is_empty() {
                    let from = rng.random_range(0..other.len());
                    let to = (from + rng.random_range(1..=128)).min(other.len());
                    let at = rng.random_range(0..=len);
                    input.splice(at..at, other[from..to].iter().copied());
                }
            }
            6 if len > 0 => input.truncate(rng.random_range(0..len)),
            _ => input.push(rng.random()),
        }
    }
    // Inputs stay within what an upload may be.
    input.truncate(2 * 1024 * 1024);
}

/// The process's peak resident memory in kB (Linux), or 0 where unknown.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// What a run found, per target: inputs tried, and the slowest.
pub struct Report {
    pub lines: Vec<String>,
    pub failures: Vec<String>,
}

/// Fuzzes every target for `seconds` in all (shared evenly), from `seed`; failing inputs are
/// written to `out`.
pub fn run(seconds: u64, seed: u64, out: &std::path::Path) -> Report {
    let targets = targets();
    let per_target = Duration::from_secs(seconds.max(1)) / targets.len() as u32;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = Report {
        lines: Vec::new(),
        failures: Vec::new(),
    };
    let baseline = peak_kb();
    // Panics are caught and reported with their input, not printed by the default hook.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for target in &targets {
        let started = Instant::now();
        let (mut tried, mut slowest) = (0_u64, Duration::ZERO);
        let mut corpus = target.seeds.clone();
        while started.elapsed() < per_target {
            let mut input = corpus[rng.random_range(0..corpus.len())].clone();
            mutate(&mut rng, &mut input, &target.seeds);
            let began = Instant::now();
            let outcome = std::panic::catch_unwind(|| (target.run)(&input));
            let took = began.elapsed();
            tried += 1;
            slowest = slowest.max(took);
            let grown = peak_kb().saturating_sub(baseline);
            let problem = if outcome.is_err() {
                Some("panicked".to_owned())
            } else if took > MOST_TIME {
                Some(format!("took {} ms", took.as_millis()))
            } else if grown > MOST_GROWTH_KB {
                Some(format!("grew the process to {} MiB", grown / 1024))
            } else {
                None
            };
            if let Some(problem) = problem {
                let file = out.join(format!("{}-{tried}.bin", target.name));
                let _ = std::fs::create_dir_all(out);
                let _ = std::fs::write(&file, &input);
                report.failures.push(format!(
                    "{}: {problem} on an input of {} bytes (saved to {})",
                    target.name,
                    input.len(),
                    file.display()
                ));
                if report.failures.len() > 20 {
                    break;
                }
            }
            // Keep some mutants as new starting points, so that depth accumulates.
            if tried % 16 == 0 && corpus.len() < 256 {
                corpus.push(input);
            }
        }
        report.lines.push(format!(
            "{:<14} {:>8} inputs, slowest {:>6.1} ms",
            target.name,
            tried,
            slowest.as_secs_f64() * 1000.0
        ));
    }
    std::panic::set_hook(hook);
    report.lines.push(format!(
        "peak memory grew by {} MiB in all",
        peak_kb().saturating_sub(baseline) / 1024
    ));
    report
}

/// Replays saved inputs against a target (to check a fix).
pub fn replay(target: &str, file: &std::path::Path) -> Result<Duration, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let found = targets()
        .into_iter()
        .find(|t| t.name == target)
        .ok_or_else(|| format!("no target {target}"))?;
    let began = Instant::now();
    (found.run)(&bytes);
    Ok(began.elapsed())
}
