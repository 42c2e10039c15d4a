//! Spreadsheet imports: columns known by their Chinese or English header, rows parsed into domain
//! values, and every problem reported with its row number, column and reason. An import with
//! any problem changes nothing.

use crate::error::FieldError;
use crate::person::{Email, Gender, NewPerson, PersonName, Phone, optional_text};
use crate::unit::{UnitCode, UnitKind, UnitName};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A sheet as read from a file: header labels and rows of text cells.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone)]
pub struct SheetRow {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub number: usize,
    pub cells: Vec<String>,
}

/// One problem in an import, where a person can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    /// The column's header as the file has it (or the expected header if it is missing).
    pub column: String,
    pub code: String,
    pub params: Vec<(String, String)>,
}

/// A column of an import template.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

pub const UNIT_COLUMNS: &[Column] = &[
    Column {
        key: "code",
        zh: "单位编码",
        en: "Unit code",
        required: true,
    },
    Column {
        key: "name",
        zh: "单位名称",
        en: "Unit name",
        required: true,
    },
    Column {
        key: "kind",
        zh: "单位类型",
        en: "Unit type",
        required: true,
    },
    Column {
        key: "parent_code",
        zh: "上级单位编码",
        en: "Parent unit code",
        required: true,
    },
];

pub const PERSON_COLUMNS: &[Column] = &[
    Column {
        key: "name",
        zh: "姓名",
        en: "Name",
        required: true,
    },
    Column {
        key: "unit_code",
        zh: "所属单位编码",
        en: "Unit code",
        required: true,
    },
    Column {
        key: "employee_no",
        zh: "工号",
        en: "Employee number",
        required: false,
    },
    Column {
        key: "gender",
        zh: "性别",
        en: "Gender",
        required: false,
    },
    Column {
        key: "phone",
        zh: "手机号码",
        en: "Mobile phone",
        required: false,
    },
    Column {
        key: "email",
        zh: "电子邮箱",
        en: "Email",
        required: false,
    },
    Column {
        key: "trade",
        zh: "工种",
        en: "Trade",
        required: false,
    },
    Column {
        key: "post",
        zh: "岗位职务",
        en: "Post",
        required: false,
    },
];

/// Most rows one import may hold: a large enterprise, with room to spare.
pub const MAX_ROWS: usize = 20_000;

/// Where each known column stands in a sheet.
pub struct Layout {
    index: HashMap<&'static str, usize>,
    labels: HashMap<&'static str, String>,
}

impl Layout {
    pub(crate) fn new(
        columns: &'static [Column],
        headers: &[String],
    ) -> Result<Layout, Vec<RowError>> {
        let mut index = HashMap::new();
        let mut labels = HashMap::new();
        let mut errors = Vec::new();
        for (i, raw) in headers.iter().enumerate() {
            // Templates mark required columns with `*`; people add spaces.
            let header = raw.trim().trim_end_matches('*').trim();
            if header.is_empty() {
                continue;
            }
            match columns
                .iter()
                .find(|c| c.zh == header || c.en.eq_ignore_ascii_case(header))
            {
                Some(c) if index.contains_key(c.key) => errors.push(row_error(
                    1,
                    raw.trim(),
                    FieldError::new(c.key, "duplicate_column"),
                )),
                Some(c) => {
                    index.insert(c.key, i);
                    labels.insert(c.key, raw.trim().to_owned());
                }
                None => errors.push(row_error(
                    1,
                    raw.trim(),
                    FieldError::new("header", "unknown_column"),
                )),
            }
        }
        for c in columns
            .iter()
            .filter(|c| c.required && !index.contains_key(c.key))
        {
            errors.push(row_error(1, c.zh, FieldError::new(c.key, "missing_column")));
        }
        if errors.is_empty() {
            Ok(Layout { index, labels })
        } else {
            Err(errors)
        }
    }

    pub(crate) fn cell<'a>(&self, row: &'a SheetRow, key: &str) -> &'a str {
        self.index
            .get(key)
            .and_then(|&i| row.cells.get(i))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    fn label(&self, key: &str) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }
}

fn row_error(row: usize, column: &str, e: FieldError) -> RowError {
    RowError {
        row,
        column: column.to_owned(),
        code: e.code,
        params: e.params,
    }
}

impl Layout {
    /// The headers of the file, to label problems found after parsing (by the services).
    pub fn labels(&self) -> Labels {
        Labels(
            self.labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }
}

/// A file's column headers by key.
#[derive(Debug, Clone, Default)]
pub struct Labels(HashMap<String, String>);

impl Labels {
    /// A problem with the cell of `error.field` in row `row`.
    pub fn error(&self, row: usize, error: FieldError) -> RowError {
        let column = self
            .0
            .get(&error.field)
            .cloned()
            .unwrap_or_else(|| error.field.clone());
        row_error(row, &column, error)
    }
}

/// Collects per-row problems, labelled with the column headers of the file.
pub struct RowErrors<'a> {
    pub(crate) layout: &'a Layout,
    pub errors: Vec<RowError>,
}

impl RowErrors<'_> {
    /// Records a problem with `key` in the row numbered `row`.
    pub fn add(&mut self, row: usize, error: FieldError) {
        let column = self.layout.label(&error.field);
        self.errors.push(row_error(row, &column, error));
    }

    pub(crate) fn check<T>(&mut self, row: usize, parsed: Result<T, FieldError>) -> Option<T> {
        parsed.map_err(|e| self.add(row, e)).ok()
    }
}

pub(crate) fn non_blank_rows(sheet: &Sheet) -> impl Iterator<Item = &SheetRow> {
    sheet
        .rows
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
}

pub(crate) fn check_size(sheet: &Sheet) -> Result<(), Vec<RowError>> {
    let count = non_blank_rows(sheet).count();
    if count == 0 {
        return Err(vec![RowError {
            row: 2,
            column: String::new(),
            code: "no_rows".into(),
            params: vec![],
        }]);
    }
    if count > MAX_ROWS {
        return Err(vec![RowError {
            row: MAX_ROWS + 2,
            column: String::new(),
            code: "too_many_rows".into(),
            params: vec![("max".into(), MAX_ROWS.to_string())],
        }]);
    }
    Ok(())
}

/// A unit row that parsed.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub row: usize,
    pub code: UnitCode,
    pub name: UnitName,
    pub kind: UnitKind,
    pub parent_code: UnitCode,
}

/// What the import needs to know of a unit that already exists.
#[derive(Debug, Clone)]
pub struct ExistingUnit {
    pub id: i64,
    pub kind: UnitKind,
    pub path: crate::unit::UnitPath,
    pub closed: bool,
}

/// Parses a units sheet and checks it against the units that exist: codes unique, parents known
/// (in the database or earlier or later in the file), tree rules kept, and every new unit inside
/// a subtree the importer may manage. Rows come back ordered so that parents precede children.
pub fn plan_unit_import(
    sheet: &Sheet,
    existing: &HashMap<String, ExistingUnit>,
    may_manage: impl Fn(&crate::unit::UnitPath) -> bool,
) -> Result<Vec<UnitRow>, Vec<RowError>> {
    let layout = Layout::new(UNIT_COLUMNS, &sheet.headers)?;
    check_size(sheet)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut parsed: Vec<UnitRow> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unparsed_parents: Vec<(usize, UnitCode)> = Vec::new();
    for row in non_blank_rows(sheet) {
        let n = row.number;
        let code = errs.check(n, UnitCode::parse("code", layout.cell(row, "code")));
        let name = errs.check(n, UnitName::parse("name", layout.cell(row, "name")));
        let kind = errs.check(n, UnitKind::parse("kind", layout.cell(row, "kind")));
        let parent_code = errs.check(
            n,
            UnitCode::parse("parent_code", layout.cell(row, "parent_code")),
        );
        if let Some(code) = &code {
            if existing.contains_key(code.as_str()) {
                errs.add(
                    n,
                    FieldError::new("code", "unit_code_taken").with("value", code.as_str()),
                );
            } else if let Some(first) = seen.insert(code.as_str().to_owned(), n) {
                errs.add(
                    n,
                    FieldError::new("code", "duplicate_in_file").with("row", first),
                );
            }
        }
        match (code, name, kind, parent_code) {
            (Some(code), Some(name), Some(kind), Some(parent_code)) => parsed.push(UnitRow {
                row: n,
                code,
                name,
                kind,
                parent_code,
            }),
            // A row with other problems still has its parent checked, so every problem shows.
            (_, _, _, Some(parent_code)) => unparsed_parents.push((n, parent_code)),
            _ => {}
        }
    }
    for (n, parent) in unparsed_parents {
        if !existing.contains_key(parent.as_str()) && !seen.contains_key(parent.as_str()) {
            errs.add(
                n,
                FieldError::new("parent_code", "unknown_unit_code").with("value", parent.as_str()),
            );
        }
    }
    // Resolve each row's parent to an existing unit or another row, then order by depth.
    let by_code: HashMap<&str, &UnitRow> = parsed.iter().map(|r| (r.code.as_str(), r)).collect();
    let mut depth: HashMap<String, usize> = HashMap::new();
    for r in &parsed {
        let mut chain: HashSet<&str> = HashSet::new();
        let mut current = r;
        let mut steps = 0;
        loop {
            let parent = current.parent_code.as_str();
            if let Some(p) = existing.get(parent) {
                if current.row == r.row {
                    if p.closed {
                        errs.add(
                            r.row,
                            FieldError::new("parent_code", "parent_closed").with("value", parent),
                        );
                    } else if !r.kind.may_have_parent(Some(p.kind)) {
                        errs.add(r.row, FieldError::new("kind", "parent_kind_not_allowed"));
                    }
                }
                if !may_manage(&p.path) {
                    errs.add(
                        r.row,
                        FieldError::new("parent_code", "not_in_your_units").with("value", parent),
                    );
                }
                depth.insert(r.code.as_str().to_owned(), steps);
                break;
            }
            match by_code.get(parent) {
                Some(next) if chain.insert(next.code.as_str()) => {
                    if current.row == r.row && !r.kind.may_have_parent(Some(next.kind)) {
                        errs.add(r.row, FieldError::new("kind", "parent_kind_not_allowed"));
                    }
                    current = next;
                    steps += 1;
                }
                Some(_) => {
                    errs.add(r.row, FieldError::new("parent_code", "parent_cycle"));
                    break;
                }
                None => {
                    errs.add(
                        r.row,
                        FieldError::new("parent_code", "unknown_unit_code").with("value", parent),
                    );
                    break;
                }
            }
        }
    }
    if !errs.errors.is_empty() {
        let mut errors = errs.errors;
        errors.sort_by_key(|e| e.row);
        errors.dedup();
        return Err(errors);
    }
    parsed.sort_by_key(|r| (depth.get(r.code.as_str()).copied().unwrap_or(0), r.row));
    Ok(parsed)
}

/// A person row that parsed, with the code of its unit still to be resolved.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub row: usize,
    pub unit_code: UnitCode,
    pub employee_no: String,
    pub person: NewPerson,
}

/// Parses a people sheet: every row's unit must exist, be open and be one the importer manages;
/// an employee number appears once per unit in the file. A row whose unit already has a person
/// with its employee number updates that person.
pub fn plan_person_import(
    sheet: &Sheet,
    units: &HashMap<String, ExistingUnit>,
    may_manage: impl Fn(&crate::unit::UnitPath) -> bool,
) -> Result<Vec<PersonRow>, Vec<RowError>> {
    let layout = Layout::new(PERSON_COLUMNS, &sheet.headers)?;
    check_size(sheet)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in non_blank_rows(sheet) {
        let n = row.number;
        let name = errs.check(n, PersonName::parse("name", layout.cell(row, "name")));
        let unit_code = errs.check(
            n,
            UnitCode::parse("unit_code", layout.cell(row, "unit_code")),
        );
        let employee_no = errs.check(
            n,
            optional_text("employee_no", layout.cell(row, "employee_no"), 32),
        );
        let gender = errs.check(
            n,
            Gender::parse_optional("gender", layout.cell(row, "gender")),
        );
        let phone = errs.check(n, Phone::parse_optional("phone", layout.cell(row, "phone")));
        let email = errs.check(n, Email::parse_optional("email", layout.cell(row, "email")));
        let trade = errs.check(n, optional_text("trade", layout.cell(row, "trade"), 40));
        let post = errs.check(n, optional_text("post", layout.cell(row, "post"), 40));
        let unit = unit_code
            .as_ref()
            .and_then(|code| match units.get(code.as_str()) {
                None => {
                    errs.add(
                        n,
                        FieldError::new("unit_code", "unknown_unit_code")
                            .with("value", code.as_str()),
                    );
                    None
                }
                Some(u) if u.closed => {
                    errs.add(
                        n,
                        FieldError::new("unit_code", "unit_closed").with("value", code.as_str()),
                    );
                    None
                }
                Some(u) if !may_manage(&u.path) => {
                    errs.add(
                        n,
                        FieldError::new("unit_code", "not_in_your_units")
                            .with("value", code.as_str()),
                    );
                    None
                }
                Some(u) => Some(u),
            });
        if let (Some(code), Some(no)) = (&unit_code, &employee_no)
            && !no.is_empty()
            && let Some(first) = seen.insert((code.as_str().to_owned(), no.clone()), n)
        {
            errs.add(
                n,
                FieldError::new("employee_no", "duplicate_in_file").with("row", first),
            );
        }
        if let (
            Some(name),
            Some(unit_code),
            Some(unit),
            Some(employee_no),
            Some(gender),
            Some(phone),
            Some(email),
            Some(trade),
            Some(post),
        ) = (
            name,
            unit_code,
            unit,
            employee_no,
            gender,
            phone,
            email,
            trade,
            post,
        ) {
            let person = NewPerson {
                name,
                unit_id: unit.id,
                gender,
                phone,
                email,
                trade,
                post,
            };
            rows.push(PersonRow {
                row: n,
                unit_code,
                employee_no,
                person,
            });
        }
    }
    if errs.errors.is_empty() {
        Ok(rows)
    } else {
        Err(errs.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::UnitPath;

    fn sheet(headers: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            headers: headers.iter().map(|s| s.to_string()).collect(),
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

    fn federation() -> HashMap<String, ExistingUnit> {
        let mut m = HashMap::new();
        m.insert(
            "HJ".into(),
            ExistingUnit {
                id: 1,
                kind: UnitKind::Federation,
                path: UnitPath::root(1),
                closed: false,
            },
        );
        m
    }

    #[test]
    fn units_are_ordered_parents_first_and_may_reference_later_rows() {
        let s = sheet(
            &["单位编码*", "单位名称", "单位类型", "上级单位编码"],
            &[
                &["GANG-1", "炼钢厂分会", "基层分会", "GANG"],
                &["GANG", "华江钢铁集团工会", "企业工会", "HJ"],
            ],
        );
        let plan = plan_unit_import(&s, &federation(), |_| true).unwrap();
        assert_eq!(
            plan.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            vec!["GANG", "GANG-1"]
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_row_and_column() {
        let s = sheet(
            &["单位编码", "单位名称", "单位类型", "上级单位编码"],
            &[
                &["A1", "甲", "企业工会", "HJ"],
                &["A1", "乙单位工会", "公司", "NOPE"],
                &["B1", "丙单位工会", "基层分会", "HJ"],
                &["C1", "丁单位工会", "企业工会", "C2"],
                &["C2", "戊单位工会", "企业工会", "C1"],
            ],
        );
        let errors = plan_unit_import(&s, &federation(), |_| true).unwrap_err();
        let got: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert!(got.contains(&(2, "单位名称", "too_short")), "{got:?}");
        assert!(
            got.contains(&(3, "单位编码", "duplicate_in_file")),
            "{got:?}"
        );
        assert!(
            got.contains(&(3, "单位类型", "unknown_unit_kind")),
            "{got:?}"
        );
        assert!(
            got.contains(&(4, "单位类型", "parent_kind_not_allowed")),
            "{got:?}"
        );
        assert!(
            got.contains(&(5, "上级单位编码", "parent_cycle")),
            "{got:?}"
        );
    }

    #[test]
    fn headers_are_checked_and_english_is_accepted() {
        let bad = sheet(&["单位编码", "颜色"], &[&["A1", "x"]]);
        let errors = plan_unit_import(&bad, &federation(), |_| true).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.code == "unknown_column" && e.column == "颜色")
        );
        assert!(
            errors
                .iter()
                .any(|e| e.code == "missing_column" && e.column == "单位名称")
        );
        let english = sheet(
            &["Unit code", "Unit name", "Unit type", "Parent unit code"],
            &[&["E1", "Eastern Works", "enterprise union", "hj"]],
        );
        assert_eq!(
            plan_unit_import(&english, &federation(), |_| true)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn units_outside_the_importers_subtree_are_refused() {
        let s = sheet(
            &["单位编码", "单位名称", "单位类型", "上级单位编码"],
            &[&["E1", "东区企业工会", "企业工会", "HJ"]],
        );
        let errors = plan_unit_import(&s, &federation(), |_| false).unwrap_err();
        assert_eq!(errors[0].code, "not_in_your_units");
    }

    #[test]
    fn people_rows_resolve_units_and_report_each_problem() {
        let s = sheet(
            &["姓名", "所属单位编码", "工号", "性别", "手机号码"],
            &[
                &["王建国", "HJ", "001", "男", "13800000001"],
                &["李", "XX", "001", "未知", "123"],
                &[],
                &["赵敏", "hj", "001", "", ""],
            ],
        );
        let errors = plan_person_import(&s, &federation(), |_| true).unwrap_err();
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (3, "too_short"),
                (3, "unknown_gender"),
                (3, "invalid_phone"),
                (3, "unknown_unit_code"),
                (5, "duplicate_in_file")
            ]
        );
        let fine = sheet(
            &["姓名", "所属单位编码"],
            &[&["王建国", "HJ"], &["赵敏", "HJ"]],
        );
        assert_eq!(
            plan_person_import(&fine, &federation(), |_| true)
                .unwrap()
                .len(),
            2
        );
    }
}
