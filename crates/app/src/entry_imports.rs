//! Entries and Excel: enrolment from a sheet (报名表), where a unit admin enters many workers in
//! a track at once, and the entries list as a workbook. Enrolment is all or
//! nothing: every row goes through the same rules as a single enrolment, every bad row is
//! named, and nothing is written unless the whole file is right.

use crate::entries::{EntryInput, enter_in, track_and_competition};
use crate::registry_imports::{RowPerson, units_by_code};
use crate::{Caller, ServiceError, ServiceResult, record, sheets};
use gongjiang_db::Database;
use gongjiang_domain::authz::Action;
use gongjiang_domain::competition::entry::EntryStage;
use gongjiang_domain::competition::entry_sheet::plan_entries;

pub use crate::imports::ImportReport;

pub async fn import(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::EnrolEntrants)?;
    let sheet = sheets::read_upload(bytes).await?;
    let (rows, labels, mut errors) = plan_entries(&sheet).map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let (track, competition) = track_and_competition(&mut tx, track_id).await?;
    let units = units_by_code(&mut tx).await?;
    let mut report = ImportReport::default();
    for r in &rows {
        let named = RowPerson {
            row: r.row,
            unit_code: &r.unit_code,
            employee_no: &r.employee_no,
            name: &r.name,
        };
        let Some((unit, person)) = named
            .find(
                &mut tx,
                &units,
                caller,
                Action::EnrolEntrants,
                &labels,
                &mut errors,
            )
            .await?
        else {
            continue;
        };
        let input = EntryInput {
            team: r.team.clone(),
            birth_on: r.birth_on.clone(),
        };
        // Rows are entered as they come, so that a later row meets the quota and the team
        // sizes the earlier ones took; a refused file rolls all of them back.
        let unit_path = unit.unit_path();
        match enter_in(
            &mut tx,
            caller,
            &track,
            &competition,
            &person,
            &unit_path,
            &input,
            true,
        )
        .await
        {
            Ok(_) => report.created += 1,
            Err(ServiceError::Invalid(invalid)) => {
                errors.extend(invalid.0.into_iter().map(|e| labels.error(r.row, e)));
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::ImportRejected(errors));
    }
    let summary = gongjiang_domain::audit::Change {
        action: "import.entries".into(),
        entity_type: "track".into(),
        entity_id: track_id.to_string(),
        after: serde_json::to_string(&report).ok(),
        ..Default::default()
    };
    record(&mut tx, caller, summary).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

/// A track's entries as the caller may see them, as a workbook: number, entrant, unit, team,
/// stage and the unit an entry waits on.
pub async fn export(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    english: bool,
) -> ServiceResult<Vec<u8>> {
    let (rows, _) =
        crate::entries::of_track(db, caller, track_id, None, false, gongjiang_db::Page::ALL)
            .await?;
    let label = |zh: &str, en: &str| if english { en } else { zh }.to_owned();
    let headers = vec![
        label("编号", "Number"),
        label("姓名", "Name"),
        label("工号", "Employee number"),
        label("单位", "Unit"),
        label("队名", "Team"),
        label("出生日期", "Date of birth"),
        label("状态", "Stage"),
        label("待审核单位", "Waiting on"),
    ];
    let stage = |s: EntryStage| {
        let (zh, en) = match s {
            EntryStage::Pending => ("审核中", "pending"),
            EntryStage::Returned => ("已退回", "returned"),
            EntryStage::Approved => ("已通过", "approved"),
            EntryStage::Withdrawn => ("已撤回", "withdrawn"),
        };
        label(zh, en)
    };
    let lines: Vec<Vec<String>> = rows
        .into_iter()
        .map(|e| {
            vec![
                e.number.map(|n| n.to_string()).unwrap_or_default(),
                e.person_name,
                e.employee_no,
                e.unit_name,
                e.team,
                e.birth_on,
                stage(e.stage),
                e.at_unit_name.unwrap_or_default(),
            ]
        })
        .collect();
    sheets::write_xlsx(&label("报名名单", "Entries"), &headers, &lines)
        .map_err(ServiceError::Internal)
}
