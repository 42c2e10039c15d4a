//! Exports of the registry in the columns of its import templates, so that a file exported
//! from one installation (or one year) imports into another.

use crate::registry_imports::columns;
use crate::{Caller, ServiceError, ServiceResult, sheets};
use gongjiang_db::{Database, Page, achievements, alliances, honours, people, studios, units};
use gongjiang_domain::authz::Action;
use gongjiang_domain::import::Column;
use gongjiang_domain::registry::sheets::name_of;
use gongjiang_domain::unit::UnitPath;
use std::collections::HashMap;

fn headers(columns: &[Column], english: bool) -> Vec<String> {
    columns
        .iter()
        .map(|c| if english { c.en } else { c.zh }.to_owned())
        .collect()
}

/// How a person is named in an export: by employee number (which the import reads back) when
/// the caller manages people of the person's unit, otherwise by name only, as the record's own
/// page shows them: an employee number never leaves the units it belongs to.
fn number_or_name(caller: &Caller, person: gongjiang_db::people::PersonView) -> String {
    if caller.may(
        Action::ManagePeople,
        &UnitPath::from_stored(person.unit_path),
    ) {
        person.employee_no
    } else {
        person.name
    }
}

/// An export in the template's own columns, so that it imports back.
pub async fn export(
    db: &Database,
    caller: &Caller,
    kind: &str,
    english: bool,
) -> ServiceResult<Vec<u8>> {
    let mut conn = db.read().await?;
    let cols = columns(kind).ok_or(ServiceError::NotFound)?;
    let code_of: HashMap<i64, String> = units::all(&mut conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let unit_code = |id: i64| code_of.get(&id).cloned().unwrap_or_default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    match kind {
        "studios" => {
            caller.ensure_somewhere(Action::ManageStudios)?;
            let roots = caller.scope(Action::ManageStudios);
            let (list, _) = studios::list(
                &mut conn,
                Some(&roots),
                &Default::default(),
                Page::new(1, 500),
            )
            .await?;
            let mut all = list;
            let mut page = 2;
            loop {
                let (more, _) = studios::list(
                    &mut conn,
                    Some(&roots),
                    &Default::default(),
                    Page::new(page, 500),
                )
                .await?;
                if more.is_empty() {
                    break;
                }
                all.extend(more);
                page += 1;
            }
            for s in all {
                let leader_no = match s.leader_person_id {
                    Some(p) => people::get(&mut conn, p)
                        .await?
                        .map(|p| number_or_name(caller, p))
                        .unwrap_or_default(),
                    None => String::new(),
                };
                let last_level = studios::levels(&mut conn, s.id)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|l| l.level == s.level);
                let last_rating = studios::ratings(&mut conn, s.id).await?.into_iter().last();
                rows.push(vec![
                    s.name.clone(),
                    unit_code(s.unit_id),
                    leader_no,
                    s.field_codes()
                        .iter()
                        .map(|f| name_of(f))
                        .collect::<Vec<_>>()
                        .join("、"),
                    s.founded_year.map(|y| y.to_string()).unwrap_or_default(),
                    s.site.clone(),
                    s.contact.clone(),
                    s.summary.clone(),
                    name_of(&s.level).to_owned(),
                    last_level
                        .as_ref()
                        .map(|l| l.year.to_string())
                        .unwrap_or_default(),
                    last_level.map(|l| l.granted_by).unwrap_or_default(),
                    last_rating
                        .as_ref()
                        .map(|r| r.stars.to_string())
                        .unwrap_or_default(),
                    last_rating.map(|r| r.rated_on).unwrap_or_default(),
                ]);
            }
        }
        "achievements" => {
            caller.ensure_somewhere(Action::DeclareAchievements)?;
            let roots = caller.scope(Action::DeclareAchievements);
            let mut page = 1;
            loop {
                let (list, _) = achievements::list(
                    &mut conn,
                    Some(&roots),
                    &Default::default(),
                    Page::new(page, 500),
                )
                .await?;
                if list.is_empty() {
                    break;
                }
                for a in list {
                    let makers: Vec<String> = {
                        let mut nos = Vec::new();
                        for m in achievements::people(&mut conn, a.id).await? {
                            if let Some(p) = people::get(&mut conn, m.person_id).await? {
                                nos.push(number_or_name(caller, p));
                            }
                        }
                        nos
                    };
                    let base = vec![
                        a.title.clone(),
                        unit_code(a.unit_id),
                        a.studio_name.clone().unwrap_or_default(),
                        name_of(a.kind.as_str()).to_owned(),
                        name_of(&a.field).to_owned(),
                        a.year.to_string(),
                        makers.join("、"),
                        a.summary.clone(),
                        a.effects.clone(),
                    ];
                    let awards = achievements::awards(&mut conn, a.id).await?;
                    if awards.is_empty() {
                        rows.push(
                            base.iter()
                                .cloned()
                                .chain(std::iter::repeat_n(String::new(), 4))
                                .collect(),
                        );
                    }
                    for w in awards {
                        let mut row = base.clone();
                        row.extend([
                            w.name,
                            name_of(&w.tier).to_owned(),
                            w.granted_by,
                            w.year.to_string(),
                        ]);
                        rows.push(row);
                    }
                }
                page += 1;
            }
        }
        "alliances" => {
            caller.ensure_somewhere(Action::ManageAlliances)?;
            let (list, _) =
                alliances::list(&mut conn, &Default::default(), Page::new(1, 500)).await?;
            for a in list {
                let base = vec![
                    a.name.clone(),
                    name_of(&a.kind).to_owned(),
                    a.theme.clone(),
                    unit_code(a.unit_id),
                    a.founded_year.map(|y| y.to_string()).unwrap_or_default(),
                ];
                for m in alliances::members(&mut conn, a.id)
                    .await?
                    .into_iter()
                    .filter(|m| m.left_on.is_none())
                {
                    let host = studios::get(&mut conn, m.studio_id)
                        .await?
                        .map(|s| unit_code(s.unit_id))
                        .unwrap_or_default();
                    let mut row = base.clone();
                    row.extend([host, m.studio_name, m.joined_on]);
                    rows.push(row);
                }
            }
        }
        _ => {
            caller.ensure_somewhere(Action::ManagePeople)?;
            let roots = caller.scope(Action::ManagePeople);
            let (list, _) =
                people::list(&mut conn, &roots, &Default::default(), Page::new(1, 500)).await?;
            for p in list {
                for h in honours::of_person(&mut conn, p.id).await? {
                    rows.push(vec![
                        p.unit_code.clone(),
                        p.employee_no.clone(),
                        p.name.clone(),
                        name_of(&h.kind).to_owned(),
                        name_of(&h.level).to_owned(),
                        h.title,
                        h.year.to_string(),
                        h.granted_by,
                    ]);
                }
            }
        }
    }
    let headers = headers(cols, english);
    sheets::write_sheets(&[(if english { "Data" } else { "数据" }, &headers, &rows)])
        .map_err(ServiceError::Internal)
}
