//! Certificates of prizes (and, through `recognitions`, of studio ratings and honours):
//! issued from a track's final results (one per prize, person or team), each with a serial that the public verification page checks; revoked with a reason
//! when the results change; printed as PDF from the template of the nearest unit that set
//! one (the shipped template otherwise), with a QR code to the verification page.

use crate::notices::frozen;
use crate::{Caller, Conflict, ServiceError, ServiceResult, change, record};
use gongjiang_certificates::{CertificateFields, Fonts, Renderer};
use gongjiang_db::certificates::{self, CertificateRow, NewCertificate};
use gongjiang_db::{Conn, Database, competitions, notices, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, today};
use gongjiang_domain::competition::notice::ResultStage;
use gongjiang_domain::unit::UnitPath;
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;

/// What certificates need besides the database: the renderer, the site's public address for
/// the QR codes, and the folder batches are written to. The fonts are searched on the first
/// certificate, not at start-up (the CJK collections are 90 MB to read); without a Chinese
/// font every certificate action says so.
#[derive(Clone)]
pub struct Certificates {
    font_dirs: Vec<PathBuf>,
    renderer: Arc<tokio::sync::OnceCell<Result<Renderer, String>>>,
    public_url: String,
    pub(crate) batch_dir: PathBuf,
}

impl Certificates {
    pub fn new(font_dirs: &[PathBuf], public_url: &str, batch_dir: PathBuf) -> Self {
        Self {
            font_dirs: font_dirs.to_vec(),
            renderer: Arc::default(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            batch_dir,
        }
    }

    async fn loaded(&self) -> &Result<Renderer, String> {
        self.renderer
            .get_or_init(|| async {
                let dirs = self.font_dirs.clone();
                let found = tokio::task::spawn_blocking(move || Fonts::search(&dirs))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()));
                if let Err(why) = &found {
                    tracing::warn!("certificates cannot be printed: {why}");
                }
                found.map(|fonts| Renderer::new(Arc::new(fonts)))
            })
            .await
    }

    pub(crate) async fn renderer(&self) -> ServiceResult<Renderer> {
        self.loaded()
            .await
            .clone()
            .map_err(|_| ServiceError::Conflict(Conflict::CertificateFontsMissing))
    }

    /// The font families certificates may use (for the template editor).
    pub async fn font_families(&self) -> Vec<String> {
        self.loaded()
            .await
            .as_ref()
            .map(|r| r.fonts().families())
            .unwrap_or_default()
    }

    pub fn verify_url(&self, serial: &str) -> String {
        format!("{}/verify/{serial}", self.public_url)
    }

    pub(crate) fn fields(&self, c: &CertificateRow) -> CertificateFields {
        CertificateFields {
            kind: c.kind.clone(),
            serial: c.serial.clone(),
            holder: c.holder.clone(),
            unit: c.unit_name.clone(),
            title: c.title.clone(),
            subtitle: c.subtitle.clone(),
            honour: c.honour.clone(),
            issued_on: chinese_date(&c.issued_on),
            issuer: c.issuer.clone(),
            verify_url: self.verify_url(&c.serial),
        }
    }
}

/// `2026-12-03` as printed: `2026年12月3日`.
pub fn chinese_date(day: &str) -> String {
    let parts: Vec<&str> = day.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!(
            "{y}年{}月{}日",
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
        _ => day.to_owned(),
    }
}

/// A serial no one can guess: the year and twelve characters of Crockford's base 32.
pub(crate) fn new_serial() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let tail: String = (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("GJ{}-{}-{}", &today()[..4], &tail[..6], &tail[6..])
}

async fn organise(
    conn: &mut Conn,
    caller: &Caller,
    competition_id: i64,
) -> ServiceResult<competitions::CompetitionView> {
    let competition = competitions::get(conn, competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    Ok(competition)
}

/// What issuing did.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct IssueReport {
    pub issued: usize,
    /// Already issued for the same prize.
    pub kept: usize,
    /// Revoked because the final results no longer give that prize.
    pub revoked: usize,
}

/// One prize the final results give.
struct Prize {
    kind: &'static str,
    entry_id: Option<i64>,
    person_id: Option<i64>,
    unit_id: i64,
    holder: String,
    unit_name: String,
    honour: String,
}

impl Prize {
    fn matches(&self, c: &CertificateRow) -> bool {
        c.kind == self.kind
            && c.entry_id == self.entry_id
            && c.unit_id == self.unit_id
            && c.honour == self.honour
            && c.holder == self.holder
    }
}

/// Issues a certificate for every prize of a track's final results (once: issuing again
/// keeps those already issued, and revokes those the results no longer give).
pub async fn issue(db: &Database, caller: &Caller, track_id: i64) -> ServiceResult<IssueReport> {
    let mut tx = db.begin().await?;
    let track = competitions::track(&mut tx, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = organise(&mut tx, caller, track.row.competition_id).await?;
    let state = notices::state(&mut tx, track_id).await?;
    if state.stage != ResultStage::Final {
        return Err(FieldError::new("track", "results_not_final").into());
    }
    let results = frozen(&mut tx, track_id, state.version)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut prizes: Vec<Prize> = results
        .lines
        .iter()
        .filter_map(|l| {
            Some(Prize {
                kind: "prize",
                entry_id: Some(l.entry_id),
                person_id: Some(l.person_id),
                unit_id: l.unit_id,
                holder: l.name.clone(),
                unit_name: l.unit_name.clone(),
                honour: l.prize.clone()?,
            })
        })
        .collect();
    prizes.extend(results.teams.iter().filter_map(|t| {
        Some(Prize {
            kind: "team_prize",
            entry_id: None,
            person_id: None,
            unit_id: t.unit_id,
            holder: t.unit_name.clone(),
            unit_name: t.unit_name.clone(),
            honour: t.prize.clone()?,
        })
    }));
    let existing: Vec<CertificateRow> = certificates::of_track(&mut tx, track_id)
        .await?
        .into_iter()
        .filter(CertificateRow::is_valid)
        .collect();
    let mut report = IssueReport::default();
    let now = now_ms();
    let reason = format!("results version {}", state.version);
    for c in &existing {
        if !prizes.iter().any(|p| p.matches(c)) {
            certificates::revoke(&mut tx, c.id, &caller.actor.name, &reason, now).await?;
            report.revoked += 1;
        }
    }
    // The competition's name says its edition (华江市第三届职工职业技能大赛).
    let title = competition.name.clone();
    for p in prizes {
        if existing.iter().any(|c| p.matches(c)) {
            report.kept += 1;
            continue;
        }
        let new = NewCertificate {
            serial: new_serial(),
            kind: p.kind,
            competition_id: Some(competition.id),
            track_id: Some(track_id),
            entry_id: p.entry_id,
            person_id: p.person_id,
            unit_id: p.unit_id,
            holder: p.holder,
            unit_name: p.unit_name,
            title: title.clone(),
            subtitle: track.row.name.clone(),
            honour: p.honour,
            issued_on: today(),
            issuer_unit_id: competition.unit_id,
            issuer: competition.unit_name.clone(),
            results_version: Some(state.version),
            studio_id: None,
            source_id: None,
        };
        certificates::insert(&mut tx, &new, now).await?;
        report.issued += 1;
    }
    record(
        &mut tx,
        caller,
        change(
            "certificates.issue",
            "track",
            track_id,
            None::<&()>,
            Some(&report),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(report)
}

/// A track's certificates, valid and revoked: for its organisers.
pub async fn of_track(
    db: &Database,
    caller: &Caller,
    track_id: i64,
) -> ServiceResult<Vec<CertificateRow>> {
    let mut conn = db.read().await?;
    let track = competitions::track(&mut conn, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    organise(&mut conn, caller, track.row.competition_id).await?;
    Ok(certificates::of_track(&mut conn, track_id).await?)
}

/// A person's valid certificates (their prizes), for their page.
pub async fn of_person(db: &Database, person_id: i64) -> ServiceResult<Vec<CertificateRow>> {
    let mut conn = db.read().await?;
    Ok(certificates::of_person(&mut conn, person_id).await?)
}

/// Revokes a certificate with a reason (organisers of its competition).
pub async fn revoke(
    db: &Database,
    caller: &Caller,
    serial: &str,
    reason: &str,
) -> ServiceResult<CertificateRow> {
    let mut tx = db.begin().await?;
    let before = certificates::by_serial(&mut tx, serial)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (action, keeper) = keeper(&mut tx, &before).await?;
    caller.ensure(action, &keeper)?;
    let reason = crate::units::non_empty(reason)
        .ok_or_else(|| FieldError::new("reason", "reason_required"))?;
    if !certificates::revoke(&mut tx, before.id, &caller.actor.name, &reason, now_ms()).await? {
        return Err(FieldError::new("serial", "certificate_revoked").into());
    }
    let after = certificates::by_serial(&mut tx, serial)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        "certificate.revoke",
        "certificate",
        before.id,
        Some(&before),
        Some(&after),
    );
    c.reason = Some(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// What the public verification page says of a serial: nothing private, and nothing at all
/// of a serial that was never issued.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub serial: String,
    /// `valid`, `revoked` or `unknown`.
    pub status: String,
    pub holder: Option<String>,
    pub unit_name: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub honour: Option<String>,
    pub issued_on: Option<String>,
    pub issuer: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`, China time.
    pub revoked_at: Option<String>,
}

pub async fn verify(db: &Database, serial: &str) -> ServiceResult<Verification> {
    let serial = serial.trim().to_ascii_uppercase();
    let mut conn = db.read().await?;
    let found = if serial.len() > 40 {
        None
    } else {
        certificates::by_serial(&mut conn, &serial).await?
    };
    Ok(match found {
        None => Verification {
            serial,
            status: "unknown".into(),
            holder: None,
            unit_name: None,
            title: None,
            subtitle: None,
            honour: None,
            issued_on: None,
            issuer: None,
            revoked_at: None,
        },
        Some(c) => Verification {
            status: if c.is_valid() { "valid" } else { "revoked" }.into(),
            serial: c.serial,
            holder: Some(c.holder),
            unit_name: Some(c.unit_name),
            title: Some(c.title),
            subtitle: Some(c.subtitle),
            honour: Some(c.honour),
            issued_on: Some(c.issued_on),
            issuer: Some(c.issuer),
            revoked_at: c.revoked_at.map(gongjiang_domain::clock::format_datetime),
        },
    })
}

/// The units whose template a competition's certificates use, nearest first.
pub(crate) async fn template_for(conn: &mut Conn, unit_path: &UnitPath) -> ServiceResult<String> {
    let mut units = unit_path.ids();
    units.reverse();
    Ok(certificates::nearest_template(conn, &units)
        .await?
        .map(|(_, source)| source)
        .unwrap_or_else(|| gongjiang_certificates::DEFAULT_TEMPLATE.to_owned()))
}

/// Renders on a blocking thread: a certificate takes milliseconds of CPU.
pub(crate) async fn render(
    renderer: Renderer,
    template: String,
    fields: CertificateFields,
) -> ServiceResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || renderer.render(&template, &fields))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(format!("certificate: {e}")))
}

/// Who keeps a certificate (revokes it, prints any of them), and the unit whose template
/// prints it: for a prize, the competition's organisers; for a recognition, the staff of its
/// issuing unit who keep studios (a rating) or people (an honour).
pub(crate) async fn keeper(
    conn: &mut Conn,
    c: &CertificateRow,
) -> ServiceResult<(Action, UnitPath)> {
    if let Some(id) = c.competition_id {
        let competition = competitions::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        return Ok((Action::ManageCompetitions, competition.unit_path()));
    }
    let issuer = units::get(conn, c.issuer_unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let action = if c.studio_id.is_some() {
        Action::ManageStudios
    } else {
        Action::ManagePeople
    };
    Ok((action, UnitPath::from_stored(issuer.path)))
}

/// A certificate as PDF: for its holder (the person it names, or the keepers of the studio
/// it names) and its keepers. Revoked ones are not printed.
pub async fn pdf(
    db: &Database,
    service: &Certificates,
    caller: &Caller,
    serial: &str,
) -> ServiceResult<(CertificateRow, Vec<u8>)> {
    let mut conn = db.read().await?;
    let c = certificates::by_serial(&mut conn, serial)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (action, keeper) = keeper(&mut conn, &c).await?;
    let holder = c.person_id.is_some() && c.person_id == caller.person_id;
    let studio_keeper = c.studio_id.is_some()
        && units::get(&mut conn, c.unit_id)
            .await?
            .is_some_and(|u| caller.may(Action::ManageStudios, &UnitPath::from_stored(u.path)));
    if !holder && !studio_keeper && !caller.may(action, &keeper) {
        return Err(ServiceError::NotFound);
    }
    if !c.is_valid() {
        return Err(FieldError::new("serial", "certificate_revoked").into());
    }
    let template = template_for(&mut conn, &keeper).await?;
    drop(conn);
    let bytes = render(service.renderer().await?, template, service.fields(&c)).await?;
    Ok((c, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_the_chinese_way_and_serials_are_unguessable() {
        assert_eq!(chinese_date("2026-12-03"), "2026年12月3日");
        assert_eq!(chinese_date("2026-10-15"), "2026年10月15日");
        let (a, b) = (new_serial(), new_serial());
        assert_ne!(a, b);
        assert_eq!(a.len(), "GJ2026-XXXXXX-XXXXXX".len(), "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
