//! The enrolment template (报名表): one row per worker entered in a track, named by their
//! unit's code and employee number. Rows are parsed here; the service resolves the people and
//! applies every registration rule, so that one upload reports every bad row.

use crate::FieldError;
use crate::import::{Column, Layout, RowError, RowErrors, Sheet, check_size, non_blank_rows};
use crate::registry::Day;
use crate::registry::sheets::Planned;

pub const ENTRY_COLUMNS: &[Column] = &[
    Column {
        key: "unit_code",
        zh: "单位编码",
        en: "Unit code",
        required: true,
    },
    Column {
        key: "employee_no",
        zh: "工号",
        en: "Employee number",
        required: true,
    },
    Column {
        key: "name",
        zh: "姓名",
        en: "Name",
        required: false,
    },
    Column {
        key: "team",
        zh: "队名",
        en: "Team",
        required: false,
    },
    Column {
        key: "birth_on",
        zh: "出生日期",
        en: "Date of birth",
        required: false,
    },
];

#[derive(Debug, Clone)]
pub struct EntryRow {
    pub row: usize,
    pub unit_code: String,
    pub employee_no: String,
    pub name: String,
    pub team: String,
    /// `YYYY-MM-DD`, or empty.
    pub birth_on: String,
}

pub fn plan_entries(sheet: &Sheet) -> Result<Planned<EntryRow>, Vec<RowError>> {
    let layout = Layout::new(ENTRY_COLUMNS, &sheet.headers)?;
    check_size(sheet)?;
    let mut errs = RowErrors {
        layout: &layout,
        errors: Vec::new(),
    };
    let mut rows = Vec::new();
    for row in non_blank_rows(sheet) {
        let (n, cell) = (row.number, |k: &str| layout.cell(row, k).trim().to_owned());
        let mut fine = true;
        for key in ["unit_code", "employee_no"] {
            if cell(key).is_empty() {
                errs.add(n, FieldError::new(key, "required"));
                fine = false;
            }
        }
        let birth_on = match errs.check(n, Day::optional("birth_on", &cell("birth_on"))) {
            Some(day) => day.map(|d| d.as_str().to_owned()).unwrap_or_default(),
            None => {
                fine = false;
                String::new()
            }
        };
        if fine {
            rows.push(EntryRow {
                row: n,
                unit_code: cell("unit_code"),
                employee_no: cell("employee_no"),
                name: cell("name"),
                team: cell("team"),
                birth_on,
            });
        }
    }
    Ok((rows, layout.labels(), errs.errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::SheetRow;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            headers: ["单位编码", "工号", "姓名", "队名", "出生日期"]
                .map(String::from)
                .to_vec(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| SheetRow {
                    number: i + 2,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn every_bad_row_is_named_with_its_column() {
        let s = sheet(&[
            &["HJGT-01", "1001", "刘伟", "", "1990-03-08"],
            &["", "1002", "赵敏", "", "1990-13-01"],
            &["HJGT-01", "", "", "", ""],
        ]);
        let (rows, _, errors) = plan_entries(&s).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].birth_on, "1990-03-08");
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "单位编码", "required"),
                (3, "出生日期", "not_a_day"),
                (4, "工号", "required")
            ]
        );
    }
}
