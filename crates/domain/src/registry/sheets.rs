//! The registry's Excel templates: studios, honours, alliances with their members, and
//! achievements with their awards. Rows are parsed here (every problem named by row and
//! column); the services then resolve the units, people and studios they name.

use super::Day;
use super::achievement::{AchievementText, AchievementTextInput, Award, AwardInput};
use super::alliance::{AllianceProfile, AllianceProfileInput};
use super::honour::{Honour, HonourInput};
use super::studio::{Stars, StudioLevel, StudioProfile, StudioProfileInput};
use crate::FieldError;
use crate::import::{
    Column, Labels, Layout, RowError, RowErrors, Sheet, check_size, non_blank_rows,
};

/// The rows that parsed, the file's headers, and the problems of the rows that did not: the
/// services add what they find when resolving references, so that one upload reports all.
pub type Planned<T> = (Vec<T>, Labels, Vec<RowError>);

macro_rules! columns {
    ($($key:literal, $zh:literal, $en:literal, $req:literal;)+) => {
        &[$(Column { key: $key, zh: $zh, en: $en, required: $req }),+]
    };
}

pub const STUDIO_COLUMNS: &[Column] = columns! {
    "name", "工作室名称", "Studio name", true;
    "unit_code", "依托单位编码", "Host unit code", true;
    "leader_no", "带头人工号", "Leader's employee number", false;
    "fields", "领域", "Fields", false;
    "founded_year", "成立年份", "Founded", false;
    "site", "场地", "Site", false;
    "contact", "联系方式", "Contact", false;
    "summary", "简介", "Summary", false;
    "level", "命名级别", "Level", false;
    "level_year", "命名年份", "Year recognised", false;
    "granted_by", "命名单位", "Recognised by", false;
    "stars", "星级", "Stars", false;
    "rated_on", "评定日期", "Rated on", false;
};

pub const HONOUR_COLUMNS: &[Column] = columns! {
    "unit_code", "所属单位编码", "Unit code", true;
    "employee_no", "工号", "Employee number", true;
    "name", "姓名", "Name", false;
    "kind", "荣誉类别", "Kind", true;
    "level", "荣誉级别", "Level", true;
    "title", "荣誉称号", "Title", true;
    "year", "年份", "Year", true;
    "granted_by", "授予单位", "Granted by", false;
};

pub const ALLIANCE_COLUMNS: &[Column] = columns! {
    "name", "联盟名称", "Alliance name", true;
    "kind", "联盟类型", "Kind", true;
    "theme", "主题", "Theme", false;
    "unit_code", "管理单位编码", "Keeping unit code", true;
    "founded_year", "成立年份", "Founded", false;
    "studio_unit_code", "成员工作室依托单位编码", "Member studio's unit code", false;
    "studio_name", "成员工作室名称", "Member studio", false;
    "joined_on", "加入日期", "Joined on", false;
};

pub const ACHIEVEMENT_COLUMNS: &[Column] = columns! {
    "title", "成果名称", "Title", true;
    "unit_code", "申报单位编码", "Declaring unit code", true;
    "studio_name", "所属工作室", "Studio", false;
    "kind", "成果类型", "Kind", true;
    "field", "行业领域", "Field", true;
    "year", "年份", "Year", true;
    "makers", "完成人工号", "Makers' employee numbers", false;
    "summary", "简介", "Summary", false;
    "effects", "应用效果", "Effects", false;
    "award_name", "奖项名称", "Award", false;
    "tier", "获奖等级", "Prize", false;
    "award_by", "授奖单位", "Awarded by", false;
    "award_year", "获奖年份", "Year awarded", false;
};

/// The Chinese names a sheet may use for each code (the code itself is accepted too).
const NAMES: &[(&str, &str)] = &[
    ("enterprise", "企业级"),
    ("district", "区级"),
    ("industry", "产业级"),
    ("municipal", "市级"),
    ("demonstration", "市级示范性"),
    ("demonstration", "示范性"),
    ("traditional", "传统产业"),
    ("advanced_manufacturing", "先进制造"),
    ("aerospace", "航空航天"),
    ("energy_environment", "节能环保"),
    ("ai", "人工智能"),
    ("biomedicine", "生物医药"),
    ("it", "信息技术"),
    ("new_materials", "新材料"),
    ("transport", "交通运输"),
    ("construction", "建筑工程"),
    ("services", "服务业"),
    ("other", "其他"),
    ("model_worker", "劳动模范"),
    ("advanced_worker", "先进工作者"),
    ("craftsman", "工匠"),
    ("craftsman_nominee", "工匠提名"),
    ("labour_medal", "劳动奖章"),
    ("other", "其他荣誉"),
    ("national", "全国"),
    ("provincial", "省级"),
    ("municipal", "市级"),
    ("industry", "行业"),
    ("district", "区级"),
    ("enterprise", "企业"),
    ("value_chain", "关联型"),
    ("same_kind", "同型"),
    ("cross_kind", "异型"),
    ("thematic", "主题型"),
    ("original", "原始创新"),
    ("integrated", "集成创新"),
    ("re_innovation", "引进消化吸收再创新"),
    ("re_innovation", "再创新"),
    ("process_improvement", "工艺改进"),
    ("workflow_optimisation", "流程优化"),
    ("special", "特等奖"),
    ("first", "一等奖"),
    ("second", "二等奖"),
    ("third", "三等奖"),
    ("excellence", "优秀奖"),
    ("patent", "专利"),
];

/// A cell's code: the code, or a Chinese name of it.
fn code(raw: &str) -> String {
    let raw = raw.trim();
    NAMES
        .iter()
        .find(|(_, zh)| *zh == raw)
        .map(|(c, _)| (*c).to_owned())
        .unwrap_or_else(|| raw.to_owned())
}

fn split(raw: &str) -> Vec<String> {
    raw.split(['、', ',', '，', ';', '；', '\n'])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn start(sheet: &Sheet, columns: &'static [Column]) -> Result<Layout, Vec<RowError>> {
    let layout = Layout::new(columns, &sheet.headers)?;
    check_size(sheet)?;
    Ok(layout)
}

fn invalid_into(errs: &mut RowErrors<'_>, row: usize, invalid: crate::Invalid) {
    for e in invalid.0 {
        errs.add(row, e);
    }
}

#[derive(Debug, Clone)]
pub struct StudioRow {
    pub row: usize,
    pub unit_code: String,
    pub leader_no: String,
    pub profile: StudioProfile,
    pub level: Option<(StudioLevel, i32, String)>,
    pub rating: Option<(Stars, Day)>,
}

pub fn plan_studios(sheet: &Sheet, this_year: i32) -> Result<Planned<StudioRow>, Vec<RowError>> {
    let layout = start(sheet, STUDIO_COLUMNS)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut rows = Vec::new();
    for row in non_blank_rows(sheet) {
        let (n, cell) = (row.number, |k: &str| layout.cell(row, k).trim().to_owned());
        let input = StudioProfileInput {
            name: cell("name"),
            fields: split(&cell("fields")).iter().map(|f| code(f)).collect(),
            founded_year: cell("founded_year"),
            site: cell("site"),
            equipment: String::new(),
            funds: String::new(),
            contact: cell("contact"),
            summary: cell("summary"),
        };
        let profile = StudioProfile::parse(&input, this_year)
            .map_err(|i| invalid_into(&mut errs, n, i))
            .ok();
        let level = if cell("level").is_empty() {
            Some(None)
        } else {
            let l = errs.check(n, StudioLevel::parse("level", &code(&cell("level"))));
            let y = errs.check(n, super::year("level_year", &cell("level_year"), this_year));
            let by = errs.check(
                n,
                crate::error::text("granted_by", &cell("granted_by"), 2, 60),
            );
            match (l, y, by) {
                (Some(l), Some(y), Some(by)) => Some(Some((l, y, by))),
                _ => None,
            }
        };
        let rating = if cell("stars").is_empty() {
            Some(None)
        } else {
            let s = errs.check(n, Stars::parse("stars", &cell("stars")));
            let d = errs.check(n, Day::parse("rated_on", &cell("rated_on")));
            s.zip(d).map(Some)
        };
        if cell("unit_code").is_empty() {
            errs.add(n, FieldError::new("unit_code", "required"));
        }
        if let (Some(profile), Some(level), Some(rating)) = (profile, level, rating) {
            rows.push(StudioRow {
                row: n,
                unit_code: cell("unit_code"),
                leader_no: cell("leader_no"),
                profile,
                level,
                rating,
            });
        }
    }
    Ok((rows, layout.labels(), errs.errors))
}

#[derive(Debug, Clone)]
pub struct HonourRow {
    pub row: usize,
    pub unit_code: String,
    pub employee_no: String,
    pub name: String,
    pub honour: Honour,
}

pub fn plan_honours(sheet: &Sheet, this_year: i32) -> Result<Planned<HonourRow>, Vec<RowError>> {
    let layout = start(sheet, HONOUR_COLUMNS)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut rows = Vec::new();
    for row in non_blank_rows(sheet) {
        let (n, cell) = (row.number, |k: &str| layout.cell(row, k).trim().to_owned());
        let input = HonourInput {
            kind: code(&cell("kind")),
            level: code(&cell("level")),
            title: cell("title"),
            year: cell("year"),
            granted_by: cell("granted_by"),
        };
        let honour = Honour::parse(&input, this_year)
            .map_err(|i| invalid_into(&mut errs, n, i))
            .ok();
        for key in ["unit_code", "employee_no"] {
            if cell(key).is_empty() {
                errs.add(n, FieldError::new(key, "required"));
            }
        }
        if let Some(honour) = honour {
            rows.push(HonourRow {
                row: n,
                unit_code: cell("unit_code"),
                employee_no: cell("employee_no"),
                name: cell("name"),
                honour,
            });
        }
    }
    Ok((rows, layout.labels(), errs.errors))
}

/// An alliance and its member rows (rows with the same name belong to one alliance).
#[derive(Debug, Clone)]
pub struct AllianceRows {
    pub row: usize,
    pub unit_code: String,
    pub profile: AllianceProfile,
    /// (row, studio's unit code, studio name, joined on)
    pub members: Vec<(usize, String, String, Day)>,
}

pub fn plan_alliances(
    sheet: &Sheet,
    this_year: i32,
    today: &str,
) -> Result<Planned<AllianceRows>, Vec<RowError>> {
    let layout = start(sheet, ALLIANCE_COLUMNS)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut out: Vec<AllianceRows> = Vec::new();
    for row in non_blank_rows(sheet) {
        let (n, cell) = (row.number, |k: &str| layout.cell(row, k).trim().to_owned());
        let name = cell("name");
        if !out.iter().any(|a| a.profile.name == name) {
            let input = AllianceProfileInput {
                name: name.clone(),
                kind: code(&cell("kind")),
                theme: cell("theme"),
                purpose: String::new(),
                founded_year: cell("founded_year"),
            };
            match AllianceProfile::parse(&input, this_year) {
                Ok(profile) => out.push(AllianceRows {
                    row: n,
                    unit_code: cell("unit_code"),
                    profile,
                    members: Vec::new(),
                }),
                Err(i) => {
                    invalid_into(&mut errs, n, i);
                    continue;
                }
            }
            if cell("unit_code").is_empty() {
                errs.add(n, FieldError::new("unit_code", "required"));
            }
        }
        let (unit, studio) = (cell("studio_unit_code"), cell("studio_name"));
        if unit.is_empty() && studio.is_empty() {
            continue;
        }
        if unit.is_empty() || studio.is_empty() {
            errs.add(
                n,
                FieldError::new(
                    if unit.is_empty() {
                        "studio_unit_code"
                    } else {
                        "studio_name"
                    },
                    "required",
                ),
            );
            continue;
        }
        let joined = if cell("joined_on").is_empty() {
            Some(Day::from_stored(today))
        } else {
            errs.check(n, Day::parse("joined_on", &cell("joined_on")))
        };
        if let (Some(joined), Some(a)) = (joined, out.iter_mut().find(|a| a.profile.name == name)) {
            if a.members
                .iter()
                .any(|(_, u, s, _)| *u == unit && *s == studio)
            {
                errs.add(
                    n,
                    FieldError::new("studio_name", "duplicate_in_file").with("row", a.row),
                );
            } else {
                a.members.push((n, unit, studio, joined));
            }
        }
    }
    Ok((out, layout.labels(), errs.errors))
}

#[derive(Debug, Clone)]
pub struct AchievementRow {
    pub row: usize,
    pub unit_code: String,
    pub studio_name: String,
    pub text: AchievementText,
    pub makers: Vec<String>,
    pub award: Option<Award>,
}

pub fn plan_achievements(
    sheet: &Sheet,
    this_year: i32,
) -> Result<Planned<AchievementRow>, Vec<RowError>> {
    let layout = start(sheet, ACHIEVEMENT_COLUMNS)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut rows = Vec::new();
    for row in non_blank_rows(sheet) {
        let (n, cell) = (row.number, |k: &str| layout.cell(row, k).trim().to_owned());
        let input = AchievementTextInput {
            title: cell("title"),
            summary: cell("summary"),
            description: String::new(),
            kind: code(&cell("kind")),
            field: code(&cell("field")),
            year: cell("year"),
            effects: cell("effects"),
            patents: String::new(),
        };
        let text = AchievementText::parse(&input, this_year)
            .map_err(|i| invalid_into(&mut errs, n, i))
            .ok();
        let award = if cell("award_name").is_empty() && cell("tier").is_empty() {
            Some(None)
        } else {
            let input = AwardInput {
                name: cell("award_name"),
                tier: code(&cell("tier")),
                granted_by: cell("award_by"),
                year: cell("award_year"),
            };
            match Award::parse(&input, this_year) {
                Ok(a) => Some(Some(a)),
                Err(i) => {
                    // The award's own fields carry the sheet's names.
                    for mut e in i.0 {
                        e.field = match e.field.as_str() {
                            "granted_by" => "award_by".into(),
                            "year" => "award_year".into(),
                            other => other.to_owned(),
                        };
                        errs.add(n, e);
                    }
                    None
                }
            }
        };
        if cell("unit_code").is_empty() {
            errs.add(n, FieldError::new("unit_code", "required"));
        }
        if let (Some(text), Some(award)) = (text, award) {
            rows.push(AchievementRow {
                row: n,
                unit_code: cell("unit_code"),
                studio_name: cell("studio_name"),
                text,
                makers: split(&cell("makers")),
                award,
            });
        }
    }
    Ok((rows, layout.labels(), errs.errors))
}

/// The names a sheet shows for codes on export.
pub fn name_of(code: &str) -> &str {
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, zh)| *zh)
        .unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::SheetRow;
    use crate::registry::Field;
    use crate::registry::achievement::{AchievementKind, AwardTier};
    use crate::registry::alliance::AllianceKind;
    use crate::registry::honour::{HonourKind, HonourLevel};

    fn sheet(columns: &[Column], rows: &[&[&str]]) -> Sheet {
        Sheet {
            headers: columns.iter().map(|c| c.zh.to_owned()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| SheetRow {
                    number: i + 2,
                    cells: r.iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn every_code_has_a_chinese_name() {
        let all: Vec<&str> = StudioLevel::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(Field::ALL.iter().map(|c| c.as_str()))
            .chain(HonourKind::ALL.iter().map(|c| c.as_str()))
            .chain(HonourLevel::ALL.iter().map(|c| c.as_str()))
            .chain(AllianceKind::ALL.iter().map(|c| c.as_str()))
            .chain(AchievementKind::ALL.iter().map(|c| c.as_str()))
            .chain(AwardTier::ALL.iter().map(|c| c.as_str()))
            .collect();
        for c in all {
            assert_ne!(name_of(c), c, "{c} has no Chinese name");
            assert_eq!(code(name_of(c)), c);
        }
    }

    #[test]
    fn studio_rows_parse_chinese_and_name_their_problems() {
        let s = sheet(
            STUDIO_COLUMNS,
            &[
                &[
                    "王强数控创新工作室",
                    "HJGT-01",
                    "001001",
                    "先进制造、人工智能",
                    "2016",
                    "",
                    "",
                    "",
                    "市级",
                    "2021",
                    "华江市总工会",
                    "4",
                    "2025-12-01",
                ],
                &[
                    "甲",
                    "",
                    "",
                    "钢铁",
                    "1900",
                    "",
                    "",
                    "",
                    "国家级",
                    "",
                    "",
                    "6",
                    "",
                ],
            ],
        );
        let errors = plan_studios(&s, 2026).unwrap().2;
        let cells: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert!(cells.contains(&(3, "工作室名称", "too_short")));
        assert!(cells.contains(&(3, "领域", "unknown_code")));
        assert!(cells.contains(&(3, "命名级别", "unknown_code")));
        assert!(cells.contains(&(3, "星级", "stars_out_of_range")));
        assert!(cells.contains(&(3, "依托单位编码", "required")));
        assert!(
            cells.iter().all(|(row, ..)| *row == 3),
            "the good row has no problem: {cells:?}"
        );
        let good = sheet(
            STUDIO_COLUMNS,
            &[s.rows[0]
                .cells
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()],
        );
        let (rows, _, errors) = plan_studios(&good, 2026).unwrap();
        assert!(errors.is_empty());
        assert_eq!(
            rows[0].profile.fields,
            vec![Field::AdvancedManufacturing, Field::ArtificialIntelligence]
        );
        assert_eq!(
            rows[0].level.as_ref().map(|l| l.0),
            Some(StudioLevel::Municipal)
        );
    }

    #[test]
    fn alliance_rows_group_members_under_their_alliance() {
        let s = sheet(
            ALLIANCE_COLUMNS,
            &[
                &[
                    "汽车轻量化创新联盟",
                    "主题型",
                    "轻量化",
                    "HJ",
                    "2020",
                    "HJQC",
                    "总装创新工作室",
                    "2021-01-01",
                ],
                &[
                    "汽车轻量化创新联盟",
                    "",
                    "",
                    "",
                    "",
                    "HJGT-01",
                    "连铸创新工作室",
                    "",
                ],
                &[
                    "汽车轻量化创新联盟",
                    "",
                    "",
                    "",
                    "",
                    "HJQC",
                    "总装创新工作室",
                    "",
                ],
            ],
        );
        let errors = plan_alliances(&s, 2026, "2026-11-22").unwrap().2;
        assert_eq!(
            (errors[0].row, errors[0].code.as_str()),
            (4, "duplicate_in_file")
        );
        let s = sheet(
            ALLIANCE_COLUMNS,
            &s.rows[..2]
                .iter()
                .map(|r| r.cells.iter().map(String::as_str).collect::<Vec<_>>())
                .collect::<Vec<_>>()
                .iter()
                .map(|v| v.as_slice())
                .collect::<Vec<_>>(),
        );
        let (alliances, _, _) = plan_alliances(&s, 2026, "2026-11-22").unwrap();
        assert_eq!(alliances.len(), 1);
        assert_eq!(alliances[0].members.len(), 2);
        assert_eq!(alliances[0].members[1].3.as_str(), "2026-11-22");
    }

    #[test]
    fn achievement_rows_carry_their_award() {
        let s = sheet(
            ACHIEVEMENT_COLUMNS,
            &[
                &[
                    "转向架焊接变形控制",
                    "HJGT-01",
                    "",
                    "工艺改进",
                    "先进制造",
                    "2024",
                    "001001、001002",
                    "",
                    "",
                    "华江市职工技术创新成果奖",
                    "二等奖",
                    "华江市总工会",
                    "2025",
                ],
                &[
                    "无奖项的成果",
                    "HJGT-01",
                    "",
                    "original",
                    "ai",
                    "2024",
                    "",
                    "",
                    "",
                    "",
                    "一等奖",
                    "",
                    "",
                ],
            ],
        );
        let errors = plan_achievements(&s, 2026).unwrap().2;
        let cols: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert!(
            cols.contains(&"奖项名称") && cols.contains(&"授奖单位") && cols.contains(&"获奖年份"),
            "{cols:?}"
        );
        let good = Sheet {
            headers: s.headers.clone(),
            rows: vec![s.rows[0].clone()],
        };
        let (rows, _, _) = plan_achievements(&good, 2026).unwrap();
        assert_eq!(rows[0].makers, vec!["001001", "001002"]);
        assert_eq!(
            rows[0].award.as_ref().map(|a| a.tier),
            Some(AwardTier::Second)
        );
    }
}
