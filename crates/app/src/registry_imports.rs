//! Imports and exports of the registry's Excel templates: studios, honours, alliances with
//! their members, achievements with their awards. All or nothing: every problem of every row
//! is reported and nothing is written unless the whole file is right.

use crate::{Caller, ServiceError, ServiceResult, next_version, record, sheets};
use gongjiang_db::units::UnitRecord;
use gongjiang_db::{
    Conn, Database, Page, achievements, alliances, honours, people, studios, units,
};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, this_year, today};
use gongjiang_domain::import::{Column, Labels, RowError};
use gongjiang_domain::registry::Day;
use gongjiang_domain::registry::alliance::{Span, check_join};
use gongjiang_domain::registry::sheets::{
    ACHIEVEMENT_COLUMNS, ALLIANCE_COLUMNS, HONOUR_COLUMNS, STUDIO_COLUMNS, plan_achievements,
    plan_alliances, plan_honours, plan_studios,
};
use gongjiang_domain::registry::studio::StudioStatus;
use std::collections::HashMap;

pub use crate::imports::ImportReport;

/// Every unit by code.
pub(crate) async fn units_by_code(conn: &mut Conn) -> ServiceResult<HashMap<String, UnitRecord>> {
    Ok(units::all(conn)
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect())
}

/// The unit a row names, if it exists, is open and the caller may act there; otherwise the
/// row's problem is added to `errors`.
#[allow(clippy::too_many_arguments)] // each import names its own column and action
pub(crate) fn unit_of<'a>(
    units: &'a HashMap<String, UnitRecord>,
    caller: &Caller,
    action: Action,
    labels: &Labels,
    errors: &mut Vec<RowError>,
    row: usize,
    field: &str,
    code: &str,
) -> Option<&'a UnitRecord> {
    match units.get(code) {
        None => errors.push(labels.error(
            row,
            FieldError::new(field, "unknown_unit_code").with("value", code),
        )),
        Some(u) if u.is_closed() => errors.push(labels.error(
            row,
            FieldError::new(field, "unit_closed").with("value", code),
        )),
        Some(u) if !caller.may(action, &u.unit_path()) => errors.push(labels.error(
            row,
            FieldError::new(field, "not_in_your_units").with("value", code),
        )),
        Some(u) => return Some(u),
    }
    None
}

/// A sheet row that names a person by their unit's code and employee number (and, to check,
/// their name).
pub(crate) struct RowPerson<'a> {
    pub row: usize,
    pub unit_code: &'a str,
    pub employee_no: &'a str,
    pub name: &'a str,
}

impl RowPerson<'_> {
    /// The unit and the person the row names, if they exist and the caller may do `action`
    /// there; otherwise the row's problem is added to `errors`.
    pub(crate) async fn find<'u>(
        &self,
        conn: &mut Conn,
        units: &'u HashMap<String, UnitRecord>,
        caller: &Caller,
        action: Action,
        labels: &Labels,
        errors: &mut Vec<RowError>,
    ) -> ServiceResult<Option<(&'u UnitRecord, people::PersonView)>> {
        let Some(unit) = unit_of(
            units,
            caller,
            action,
            labels,
            errors,
            self.row,
            "unit_code",
            self.unit_code,
        ) else {
            return Ok(None);
        };
        let Some(person) = people::by_employee_no(conn, unit.id, self.employee_no).await? else {
            errors.push(
                labels.error(
                    self.row,
                    FieldError::new("employee_no", "unknown_employee_no")
                        .with("value", self.employee_no),
                ),
            );
            return Ok(None);
        };
        if !self.name.is_empty() && self.name != person.name {
            errors.push(
                labels.error(
                    self.row,
                    FieldError::new("name", "name_does_not_match")
                        .with("value", self.name)
                        .with("expected", &person.name),
                ),
            );
            return Ok(None);
        }
        Ok(Some((unit, person)))
    }
}

fn summary(what: &str, report: &ImportReport) -> gongjiang_domain::audit::Change {
    gongjiang_domain::audit::Change {
        action: format!("import.{what}"),
        entity_type: "import".into(),
        entity_id: what.into(),
        after: serde_json::to_string(report).ok(),
        ..Default::default()
    }
}

pub async fn import_studios(
    db: &Database,
    caller: &Caller,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::ManageStudios)?;
    let sheet = sheets::read_upload(bytes).await?;
    let (rows, labels, mut errors) =
        plan_studios(&sheet, this_year()).map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let units = units_by_code(&mut tx).await?;
    let mut report = ImportReport::default();
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    let now = now_ms();
    for r in &rows {
        let Some(unit) = unit_of(
            &units,
            caller,
            Action::ManageStudios,
            &labels,
            &mut errors,
            r.row,
            "unit_code",
            &r.unit_code,
        ) else {
            continue;
        };
        if let Some(first) = seen.insert((unit.id, r.profile.name.clone()), r.row) {
            errors.push(labels.error(
                r.row,
                FieldError::new("name", "duplicate_in_file").with("row", first),
            ));
            continue;
        }
        let leader = if r.leader_no.is_empty() {
            None
        } else {
            match people::by_employee_no(&mut tx, unit.id, &r.leader_no).await? {
                Some(p) => Some(p.id),
                None => {
                    errors.push(
                        labels.error(
                            r.row,
                            FieldError::new("leader_no", "unknown_employee_no")
                                .with("value", &r.leader_no),
                        ),
                    );
                    continue;
                }
            }
        };
        if !errors.is_empty() {
            continue;
        }
        let id = match studios::by_name(&mut tx, unit.id, &r.profile.name).await? {
            Some(id) => {
                let current = studios::get(&mut tx, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                let leader = leader.or(current.leader_person_id);
                let (previous, version) =
                    (current.updated_at, next_version(now, current.updated_at));
                if !studios::update_profile(&mut tx, id, leader, &r.profile, previous, version)
                    .await?
                {
                    return Err(ServiceError::Stale);
                }
                report.updated += 1;
                id
            }
            None => {
                let id = studios::insert(&mut tx, unit.id, leader, &r.profile, now).await?;
                if let Some(l) = leader {
                    studios::add_member(&mut tx, id, l, "leader", &today()).await?;
                }
                report.created += 1;
                id
            }
        };
        let mut level = studios::get(&mut tx, id)
            .await?
            .map(|s| (s.level, s.stars))
            .unwrap_or_default();
        if let Some((l, year, by)) = &r.level {
            let history = studios::levels(&mut tx, id).await?;
            if !history
                .iter()
                .any(|h| h.level == l.as_str() && h.year == i64::from(*year))
            {
                studios::add_level(&mut tx, id, l.as_str(), i64::from(*year), by, "", now).await?;
            }
            let recognitions: Vec<_> = studios::levels(&mut tx, id)
                .await?
                .iter()
                .filter_map(|h| {
                    gongjiang_domain::registry::studio::StudioLevel::from_stored(&h.level).map(
                        |level| gongjiang_domain::registry::studio::Recognition {
                            level,
                            year: h.year as i32,
                        },
                    )
                })
                .collect();
            level.0 = gongjiang_domain::registry::studio::current_level(&recognitions)
                .map(|l| l.as_str().to_owned())
                .unwrap_or_default();
        }
        if let Some((stars, day)) = &r.rating {
            studios::add_rating(
                &mut tx,
                id,
                i64::from(stars.get()),
                day.as_str(),
                "导入",
                now,
            )
            .await?;
            level.1 = studios::ratings(&mut tx, id)
                .await?
                .last()
                .map(|x| x.stars)
                .unwrap_or(0);
        }
        studios::set_standing(&mut tx, id, &level.0, level.1).await?;
        crate::search::index_studio(&mut tx, id).await?;
    }
    if !errors.is_empty() {
        return Err(ServiceError::ImportRejected(errors));
    }
    record(&mut tx, caller, summary("studios", &report)).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

pub async fn import_honours(
    db: &Database,
    caller: &Caller,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::ManagePeople)?;
    let sheet = sheets::read_upload(bytes).await?;
    let (rows, labels, mut errors) =
        plan_honours(&sheet, this_year()).map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let units = units_by_code(&mut tx).await?;
    let mut report = ImportReport::default();
    for r in &rows {
        let named = RowPerson {
            row: r.row,
            unit_code: &r.unit_code,
            employee_no: &r.employee_no,
            name: &r.name,
        };
        let Some((_, person)) = named
            .find(
                &mut tx,
                &units,
                caller,
                Action::ManagePeople,
                &labels,
                &mut errors,
            )
            .await?
        else {
            continue;
        };
        let existing = honours::of_person(&mut tx, person.id).await?;
        if existing
            .iter()
            .any(|h| h.title == r.honour.title && h.year == i64::from(r.honour.year))
        {
            errors.push(labels.error(
                r.row,
                FieldError::new("title", "honour_already_recorded").with("value", &r.honour.title),
            ));
            continue;
        }
        if errors.is_empty() {
            honours::insert(&mut tx, person.id, &r.honour, now_ms()).await?;
            crate::search::index_person(&mut tx, person.id).await?;
            report.created += 1;
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::ImportRejected(errors));
    }
    record(&mut tx, caller, summary("honours", &report)).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

pub async fn import_alliances(
    db: &Database,
    caller: &Caller,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::ManageAlliances)?;
    let sheet = sheets::read_upload(bytes).await?;
    let (rows, labels, mut errors) =
        plan_alliances(&sheet, this_year(), &today()).map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let units = units_by_code(&mut tx).await?;
    let mut report = ImportReport::default();
    let now = now_ms();
    for a in &rows {
        let Some(unit) = unit_of(
            &units,
            caller,
            Action::ManageAlliances,
            &labels,
            &mut errors,
            a.row,
            "unit_code",
            &a.unit_code,
        ) else {
            continue;
        };
        let id = match alliances::by_name(&mut tx, &a.profile.name).await? {
            // A row naming an alliance that exists changes it: only its keepers may.
            Some(id) => {
                let existing = alliances::get(&mut tx, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                if !caller.may(Action::ManageAlliances, &existing.unit_path()) {
                    errors.push(
                        labels.error(
                            a.row,
                            FieldError::new("name", "alliance_of_another_unit")
                                .with("value", &a.profile.name),
                        ),
                    );
                    continue;
                }
                report.updated += 1;
                id
            }
            None => {
                report.created += 1;
                alliances::insert(&mut tx, unit.id, &a.profile, None, now).await?
            }
        };
        let present = alliances::members(&mut tx, id).await?;
        for (row, unit_code, studio_name, joined) in &a.members {
            let Some(host) = units.get(unit_code) else {
                errors.push(
                    labels.error(
                        *row,
                        FieldError::new("studio_unit_code", "unknown_unit_code")
                            .with("value", unit_code),
                    ),
                );
                continue;
            };
            let Some(studio) = studios::by_name(&mut tx, host.id, studio_name).await? else {
                errors.push(
                    labels.error(
                        *row,
                        FieldError::new("studio_name", "unknown_studio_name")
                            .with("value", studio_name),
                    ),
                );
                continue;
            };
            if present
                .iter()
                .any(|m| m.studio_id == studio && m.left_on.is_none())
            {
                continue;
            }
            // The same rules as joining on the alliance's page.
            let active = studios::get(&mut tx, studio)
                .await?
                .is_some_and(|s| s.status == StudioStatus::Active);
            if !active {
                errors.push(
                    labels.error(
                        *row,
                        FieldError::new("studio_name", "studio_name_not_active")
                            .with("value", studio_name),
                    ),
                );
                continue;
            }
            let history: Vec<Span> = present
                .iter()
                .filter(|m| m.studio_id == studio)
                .map(|m| Span {
                    from: Day::from_stored(&m.joined_on),
                    until: m.left_on.as_deref().map(Day::from_stored),
                })
                .collect();
            if let Err(e) = check_join(&history, joined) {
                errors.push(labels.error(*row, e));
                continue;
            }
            let member = alliances::add_member(&mut tx, id, studio, joined.as_str()).await?;
            let view = alliances::member(&mut tx, member).await?;
            record(
                &mut tx,
                caller,
                crate::change::<(), _>("alliance.member_join", "alliance", id, None, view.as_ref()),
            )
            .await?;
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::ImportRejected(errors));
    }
    record(&mut tx, caller, summary("alliances", &report)).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

pub async fn import_achievements(
    db: &Database,
    caller: &Caller,
    bytes: &[u8],
) -> ServiceResult<ImportReport> {
    caller.ensure_somewhere(Action::DeclareAchievements)?;
    let sheet = sheets::read_upload(bytes).await?;
    let (rows, labels, mut errors) =
        plan_achievements(&sheet, this_year()).map_err(ServiceError::ImportRejected)?;
    let mut tx = db.begin().await?;
    let units = units_by_code(&mut tx).await?;
    let mut report = ImportReport::default();
    let mut made: HashMap<(i64, String, i32), i64> = HashMap::new();
    let now = now_ms();
    for r in &rows {
        let Some(unit) = unit_of(
            &units,
            caller,
            Action::DeclareAchievements,
            &labels,
            &mut errors,
            r.row,
            "unit_code",
            &r.unit_code,
        ) else {
            continue;
        };
        let key = (unit.id, r.text.title.clone(), r.text.year);
        // A second row of the same achievement adds an award.
        if let Some(id) = made.get(&key) {
            if let Some(award) = &r.award {
                achievements::add_award(&mut tx, *id, award, now).await?;
            }
            continue;
        }
        let studio = if r.studio_name.is_empty() {
            None
        } else {
            match studios::by_name(&mut tx, unit.id, &r.studio_name).await? {
                Some(s) => Some(s),
                None => {
                    errors.push(
                        labels.error(
                            r.row,
                            FieldError::new("studio_name", "unknown_studio_name")
                                .with("value", &r.studio_name),
                        ),
                    );
                    // Go on: the row's other references are reported too.
                    None
                }
            }
        };
        let mut makers = Vec::new();
        for no in &r.makers {
            match people::by_employee_no(&mut tx, unit.id, no).await? {
                Some(p) => makers.push(p.id),
                None => errors.push(labels.error(
                    r.row,
                    FieldError::new("makers", "unknown_employee_no").with("value", no),
                )),
            }
        }
        let filter = achievements::AchievementFilter {
            query: r.text.title.clone(),
            year: Some(i64::from(r.text.year)),
            ..Default::default()
        };
        let (same, _) = achievements::list(
            &mut tx,
            Some(&[unit.unit_path()]),
            &filter,
            Page::new(1, 50),
        )
        .await?;
        if same
            .iter()
            .any(|a| a.title == r.text.title && a.unit_id == unit.id)
        {
            errors.push(labels.error(
                r.row,
                FieldError::new("title", "achievement_exists").with("value", &r.text.title),
            ));
            continue;
        }
        if !errors.is_empty() {
            continue;
        }
        let id = achievements::insert(&mut tx, unit.id, studio, &r.text, now).await?;
        achievements::set_people(&mut tx, id, &makers).await?;
        if let Some(award) = &r.award {
            achievements::add_award(&mut tx, id, award, now).await?;
        }
        made.insert(key, id);
        report.created += 1;
    }
    if !errors.is_empty() {
        return Err(ServiceError::ImportRejected(errors));
    }
    for id in made.values() {
        let best = achievements::awards(&mut tx, *id)
            .await?
            .iter()
            .filter_map(|w| {
                gongjiang_domain::registry::achievement::AwardTier::from_stored(&w.tier)
            })
            .min()
            .map(|t| t.as_str())
            .unwrap_or("");
        achievements::set_best_tier(&mut tx, *id, best).await?;
        crate::search::index_achievement(&mut tx, *id).await?;
    }
    record(&mut tx, caller, summary("achievements", &report)).await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

/// The template columns of an import kind.
pub fn columns(kind: &str) -> Option<&'static [Column]> {
    match kind {
        "studios" => Some(STUDIO_COLUMNS),
        "honours" => Some(HONOUR_COLUMNS),
        "alliances" => Some(ALLIANCE_COLUMNS),
        "achievements" => Some(ACHIEVEMENT_COLUMNS),
        _ => None,
    }
}
