//! Imports of units and people from Excel and their exports: all or nothing, in one transaction.

use crate::{Caller, ServiceError, ServiceResult, change, record, sheets};
use gongjiang_db::people::PeopleFilter;
use gongjiang_db::units::NewUnit;
use gongjiang_db::{Database, Page, people, units};
use gongjiang_domain::audit::Change;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::import::{
    ExistingUnit, PERSON_COLUMNS, UNIT_COLUMNS, plan_person_import, plan_unit_import,
};
use gongjiang_domain::unit::UnitPath;
use std::collections::HashMap;

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

async fn existing_units(db: &Database) -> ServiceResult<HashMap<String, ExistingUnit>> {
    let mut conn = db.read().await?;
    Ok(units::all(&mut conn)
        .await?
        .into_iter()
        .map(|u| {
            let e = ExistingUnit {
                id: u.id,
                kind: u.kind,
                path: u.unit_path(),
                closed: u.is_closed(),
            };
            (u.code, e)
        })
        .collect())
}

fn summary(what: &str, report: &ImportReport) -> Change {
    Change {
        action: format!("import.{what}"),
        entity_type: "import".into(),
        entity_id: what.into(),
        after: serde_json::to_string(report).ok(),
        ..Default::default()
    }
}

/// Imports units from an `.xlsx` file. Parents may be existing units or rows of the same file.
pub async fn import_units(
    db: &Database,
    caller: &Caller,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::ManageUnits)?;
    let sheet = sheets::read_upload(bytes).await?;
    let existing = existing_units(db).await?;
    let plan = plan_unit_import(&sheet, &existing, |path| {
        caller.may(Action::ManageUnits, path)
    })
    .map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let now = now_ms();
    let mut made: HashMap<String, (i64, UnitPath)> = HashMap::new();
    for row in &plan {
        let parent = match existing.get(row.parent_code.as_str()) {
            Some(p) => (p.id, p.path.clone()),
            None => made
                .get(row.parent_code.as_str())
                .cloned()
                .ok_or(ServiceError::Internal("import plan out of order".into()))?,
        };
        let new = NewUnit {
            parent: Some((parent.0, &parent.1)),
            kind: row.kind.as_str(),
            code: row.code.as_str(),
            name: row.name.as_str(),
        };
        let unit = match units::insert(&mut tx, new, now).await {
            // Someone created the same code since the file was checked: refuse it all.
            Err(e) if e.is_unique_violation() => {
                return Err(ServiceError::ImportRejected(vec![
                    gongjiang_domain::import::RowError {
                        row: row.row,
                        column: String::new(),
                        code: "unit_code_taken".into(),
                        params: vec![("value".into(), row.code.as_str().into())],
                    },
                ]));
            }
            other => other?,
        };
        record(
            &mut tx,
            caller,
            change::<(), _>("unit.create", "unit", unit.id, None, Some(&unit)),
        )
        .await?;
        made.insert(unit.code.clone(), (unit.id, unit.unit_path()));
    }
    let report = ImportReport {
        created: plan.len(),
        updated: 0,
    };
    record(&mut tx, caller, summary("units", &report)).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

/// Imports people from an `.xlsx` file. A row whose unit already has a person with the row's
/// employee number updates that person; other rows add people.
pub async fn import_people(
    db: &Database,
    caller: &Caller,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::ManagePeople)?;
    let sheet = sheets::read_upload(bytes).await?;
    let existing = existing_units(db).await?;
    let plan = plan_person_import(&sheet, &existing, |path| {
        caller.may(Action::ManagePeople, path)
    })
    .map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let now = now_ms();
    let mut report = ImportReport::default();
    for row in &plan {
        let found = if row.employee_no.is_empty() {
            None
        } else {
            people::by_employee_no(&mut tx, row.person.unit_id, &row.employee_no).await?
        };
        match found {
            Some(before) => {
                people::update(&mut tx, before.id, &row.person, &row.employee_no, now).await?;
                let after = people::get(&mut tx, before.id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                record(
                    &mut tx,
                    caller,
                    change(
                        "person.update",
                        "person",
                        before.id,
                        Some(&before),
                        Some(&after),
                    ),
                )
                .await?;
                report.updated += 1;
            }
            None => {
                let id = people::insert(&mut tx, &row.person, &row.employee_no, now).await?;
                let after = people::get(&mut tx, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                record(
                    &mut tx,
                    caller,
                    change::<(), _>("person.create", "person", id, None, Some(&after)),
                )
                .await?;
                report.created += 1;
            }
        }
    }
    record(&mut tx, caller, summary("people", &report)).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

fn headers(columns: &[gongjiang_domain::import::Column], english: bool) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            if english {
                c.en.to_owned()
            } else {
                c.zh.to_owned()
            }
        })
        .collect()
}

/// The units the caller manages, in the import template's columns (so an export re-imports).
pub async fn export_units(db: &Database, caller: &Caller, english: bool) -> ServiceResult<Vec<u8>> {
    let list = crate::units::list(db, caller, "", true).await?;
    let by_id: HashMap<i64, String> = {
        let mut conn = db.read().await?;
        units::all(&mut conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect()
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|u| {
            let kind = u.kind;
            vec![
                u.code.clone(),
                u.name.clone(),
                if english {
                    kind.label_en().to_owned()
                } else {
                    kind.label_zh().to_owned()
                },
                u.parent_id
                    .and_then(|p| by_id.get(&p).cloned())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    sheets::write_xlsx(
        if english { "Units" } else { "单位" },
        &headers(UNIT_COLUMNS, english),
        &rows,
    )
    .map_err(ServiceError::Internal)
}

/// The people the caller manages, in the import template's columns.
pub async fn export_people(
    db: &Database,
    caller: &Caller,
    english: bool,
) -> ServiceResult<Vec<u8>> {
    caller.ensure_somewhere(Action::ManagePeople)?;
    let mut conn = db.read().await?;
    let (list, _) = people::list(
        &mut conn,
        &caller.scope(Action::ManagePeople),
        &PeopleFilter::default(),
        Page {
            offset: 0,
            limit: 1_000_000,
        },
    )
    .await?;
    let gender = |g: &str| match (g, english) {
        ("male", false) => "男",
        ("female", false) => "女",
        ("male", true) => "male",
        ("female", true) => "female",
        _ => "",
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.unit_code.clone(),
                p.employee_no.clone(),
                gender(&p.gender).to_owned(),
                p.phone.clone(),
                p.email.clone(),
                p.trade.clone(),
                p.post.clone(),
            ]
        })
        .collect();
    sheets::write_xlsx(
        if english { "People" } else { "人员" },
        &headers(PERSON_COLUMNS, english),
        &rows,
    )
    .map_err(ServiceError::Internal)
}

/// The lists that import from and export to Excel, by the name routes use.
pub const KINDS: [&str; 6] = [
    "units",
    "people",
    "studios",
    "honours",
    "alliances",
    "achievements",
];

/// Imports a list of `kind` from an `.xlsx` in its template's columns, all or nothing; an
/// unknown kind is not found. The one dispatch the import page and the API share.
pub async fn import(
    db: &Database,
    caller: &Caller,
    kind: &str,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    use crate::registry_imports as registry;
    match kind {
        "units" => import_units(db, caller, bytes).await,
        "people" => import_people(db, caller, bytes).await,
        "studios" => registry::import_studios(db, caller, bytes).await,
        "honours" => registry::import_honours(db, caller, bytes).await,
        "alliances" => registry::import_alliances(db, caller, bytes).await,
        "achievements" => registry::import_achievements(db, caller, bytes).await,
        _ => Err(ServiceError::NotFound),
    }
}

/// Exports a list of `kind` in its template's columns, so that it imports back.
pub async fn export(
    db: &Database,
    caller: &Caller,
    kind: &str,
    english: bool,
) -> ServiceResult<Vec<u8>> {
    match kind {
        "units" => export_units(db, caller, english).await,
        "people" => export_people(db, caller, english).await,
        k if crate::registry_imports::columns(k).is_some() => {
            crate::registry_exports::export(db, caller, k, english).await
        }
        _ => Err(ServiceError::NotFound),
    }
}
