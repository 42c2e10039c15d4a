//! Server-rendered pages: one file per area, thin handlers (extract, call a service, render).

pub mod account;
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod banks;
pub mod errors;
pub mod exams;
pub mod home;
pub mod imports;
pub mod people;
pub mod questions;
pub mod sessions;
pub mod units;

use gongjiang_db::units::UnitRecord;

/// A unit in a `<select>`, indented by its depth.
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub indent: String,
}

pub fn unit_options(units: &[UnitRecord]) -> Vec<UnitOption> {
    let top = units
        .iter()
        .map(|u| u.unit_path().depth())
        .min()
        .unwrap_or(1);
    units
        .iter()
        .map(|u| UnitOption {
            id: u.id,
            name: u.name.clone(),
            code: u.code.clone(),
            indent: "\u{3000}".repeat(u.unit_path().depth().saturating_sub(top)),
        })
        .collect()
}

/// Reads a form's optional number field: empty is none, garbage is an error naming the field.
pub fn parse_id(field: &str, raw: &str) -> Result<Option<i64>, gongjiang_domain::FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| gongjiang_domain::FieldError::new(field, "not_a_number"))
}
