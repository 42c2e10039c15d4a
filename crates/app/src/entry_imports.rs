//! Enrolment from Excel (报名表): a unit admin enters many workers in a track at once. All or
//! nothing: every row goes through the same rules as a single enrolment, every bad row is
//! named, and nothing is written unless the whole file is right.

use crate::entries::{EntryInput, enter_in, track_and_competition};
use crate::registry_imports::{RowPerson, units_by_code};
use crate::{Caller, ServiceError, ServiceResult, record, sheets};
use gongjiang_db::Database;
use gongjiang_domain::authz::Action;
use gongjiang_domain::competition::entry_sheet::plan_entries;

pub use crate::imports::ImportReport;

pub async fn import(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::EnrolEntrants)?;
    let sheet = sheets::read_xlsx(bytes).map_err(ServiceError::ImportRejected)?;
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
