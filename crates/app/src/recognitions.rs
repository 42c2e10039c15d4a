//! Certificates of recognitions with the prizes' machinery: a studio's star rating and a
//! person's honour, issued in the name of a unit at or above the holder, printed from that
//! unit's template and checked on the same public verification page.

use crate::certificates::new_serial;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::certificates::{self, CertificateRow, NewCertificate};
use gongjiang_db::{Conn, Database, honours, people, studios, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, today};
use gongjiang_domain::unit::UnitPath;

/// Who issues: a unit at or above the holder's. Without one, the highest such unit whose
/// keepers the caller is among (a federation's staff issue in the federation's name).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RecognitionInput {
    #[serde(default)]
    pub issuer_unit_id: Option<i64>,
}

/// What a recognition's certificate says, before its issuer is chosen.
struct Recognition {
    kind: &'static str,
    source_id: i64,
    studio_id: Option<i64>,
    person_id: Option<i64>,
    unit_id: i64,
    unit_path: UnitPath,
    holder: String,
    unit_name: String,
    title: String,
    subtitle: String,
    honour: String,
}

/// Certifies a studio's star rating (the studio's keepers above it).
pub async fn for_rating(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    rating_id: i64,
    input: RecognitionInput,
) -> ServiceResult<CertificateRow> {
    let mut tx = db.begin().await?;
    let studio = studios::get(&mut tx, studio_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rating = studios::ratings(&mut tx, studio_id)
        .await?
        .into_iter()
        .find(|r| r.id == rating_id)
        .ok_or(ServiceError::NotFound)?;
    let recognition = Recognition {
        kind: "studio_rating",
        source_id: rating.id,
        studio_id: Some(studio.id),
        person_id: None,
        unit_id: studio.unit_id,
        unit_path: UnitPath::from_stored(studio.unit_path.clone()),
        holder: studio.name.clone(),
        unit_name: studio.unit_name.clone(),
        title: rating.source.clone(),
        subtitle: String::new(),
        honour: star_title(rating.stars),
    };
    let issued = issue(&mut tx, caller, recognition, Action::ManageStudios, input).await?;
    gongjiang_db::commit(tx).await?;
    Ok(issued)
}

/// Certifies a person's honour (the keepers of people above them).
pub async fn for_honour(
    db: &Database,
    caller: &Caller,
    honour_id: i64,
    input: RecognitionInput,
) -> ServiceResult<CertificateRow> {
    let mut tx = db.begin().await?;
    let honour = honours::get(&mut tx, honour_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let person = people::get(&mut tx, honour.person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let recognition = Recognition {
        kind: "honour",
        source_id: honour.id,
        studio_id: None,
        person_id: Some(person.id),
        unit_id: person.unit_id,
        unit_path: UnitPath::from_stored(person.unit_path.clone()),
        holder: person.name.clone(),
        unit_name: person.unit_name.clone(),
        title: format!("{}年", honour.year),
        subtitle: honour.granted_by.clone(),
        honour: honour.title.clone(),
    };
    let issued = issue(&mut tx, caller, recognition, Action::ManagePeople, input).await?;
    gongjiang_db::commit(tx).await?;
    Ok(issued)
}

/// `3` as a studio's title: 三星级职工创新工作室 (certificates are printed in Chinese).
fn star_title(stars: i64) -> String {
    const NUMERALS: [&str; 5] = ["一", "二", "三", "四", "五"];
    let n = usize::try_from(stars.clamp(1, 5) - 1).unwrap_or(0);
    format!("{}星级职工创新工作室", NUMERALS[n])
}

/// Issues the certificate once: the same recognition issued again gives the certificate
/// already issued; a changed one (a renamed studio, a corrected honour, another issuer)
/// revokes the old certificate and issues a new one.
async fn issue(
    conn: &mut Conn,
    caller: &Caller,
    r: Recognition,
    action: Action,
    input: RecognitionInput,
) -> ServiceResult<CertificateRow> {
    let issuer_unit_id = issuer(caller, &r.unit_path, action, input)?;
    let issuer = units::get(conn, issuer_unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = now_ms();
    let mut revoked = None;
    for c in certificates::of_source(conn, r.kind, r.source_id).await? {
        if !c.is_valid() {
            continue;
        }
        let same = c.holder == r.holder
            && c.unit_name == r.unit_name
            && c.title == r.title
            && c.subtitle == r.subtitle
            && c.honour == r.honour
            && c.issuer_unit_id == issuer.id;
        if same {
            return Ok(c);
        }
        certificates::revoke(conn, c.id, &caller.actor.name, "reissued", now).await?;
        revoked = Some(c.serial);
    }
    let new = NewCertificate {
        serial: new_serial(),
        kind: r.kind,
        competition_id: None,
        track_id: None,
        entry_id: None,
        person_id: r.person_id,
        unit_id: r.unit_id,
        holder: r.holder,
        unit_name: r.unit_name,
        title: r.title,
        subtitle: r.subtitle,
        honour: r.honour,
        issued_on: today(),
        issuer_unit_id: issuer.id,
        issuer: issuer.name,
        results_version: None,
        studio_id: r.studio_id,
        source_id: Some(r.source_id),
    };
    let id = certificates::insert(conn, &new, now).await?;
    let issued = certificates::by_serial(conn, &new.serial)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change::<(), _>("certificate.issue", "certificate", id, None, Some(&issued));
    c.reason = revoked.map(|serial| format!("reissued; {serial} revoked"));
    record(conn, caller, c).await?;
    Ok(issued)
}

/// The issuing unit: the one asked for, which must lie on the holder's path and
/// be kept by the caller; else the highest one the caller keeps.
fn issuer(
    caller: &Caller,
    holder: &UnitPath,
    action: Action,
    input: RecognitionInput,
) -> ServiceResult<i64> {
    let ids = holder.ids();
    let mut path: Option<UnitPath> = None;
    let mut on_path = Vec::new();
    for id in ids {
        let next = match &path {
            None => UnitPath::root(id),
            Some(p) => p.child(id),
        };
        on_path.push((id, next.clone()));
        path = Some(next);
    }
    match input.issuer_unit_id {
        Some(wanted) => {
            let (id, path) = on_path
                .into_iter()
                .find(|(id, _)| *id == wanted)
                .ok_or_else(|| {
                    FieldError::new("issuer_unit_id", "issuer_not_above_holder")
                        .with("value", wanted)
                })?;
            caller.ensure(action, &path)?;
            Ok(id)
        }
        None => on_path
            .into_iter()
            .find(|(_, path)| caller.may(action, path))
            .map(|(id, _)| id)
            .ok_or(ServiceError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_print_as_the_studio_title() {
        assert_eq!(star_title(3), "三星级职工创新工作室");
        assert_eq!(star_title(5), "五星级职工创新工作室");
        assert_eq!(star_title(9), "五星级职工创新工作室");
    }
}
