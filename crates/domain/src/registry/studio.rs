//! Studios (职工创新工作室): their profile, recognition levels, star ratings, status and members.

use super::{Day, Field, codes};
use crate::error::text;
use crate::{FieldError, Invalid};

codes! {
    /// Recognition levels, from the enterprise up to a municipal demonstration studio.
    StudioLevel {
        Enterprise = "enterprise",
        District = "district",
        Industry = "industry",
        Municipal = "municipal",
        Demonstration = "demonstration",
    }
}

impl StudioLevel {
    /// District and industry recognition stand at the same height.
    pub fn rank(self) -> u8 {
        match self {
            StudioLevel::Enterprise => 1,
            StudioLevel::District | StudioLevel::Industry => 2,
            StudioLevel::Municipal => 3,
            StudioLevel::Demonstration => 4,
        }
    }
}

codes! {
    /// Whether a studio still works, or merged into another, or left the registry.
    StudioStatus {
        Active = "active",
        Merged = "merged",
        Exited = "exited",
    }
}

codes! {
    /// A member's place in a studio.
    MemberRole {
        Leader = "leader",
        Core = "core",
        Member = "member",
        Advisor = "advisor",
    }
}

/// One recognition of a studio at a level, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    pub level: StudioLevel,
    pub year: i32,
}

/// The level a studio holds now: the highest it was ever recognised at (a level is not
/// withdrawn by a later, lower recognition; losing one is an exit or a rating's business).
pub fn current_level(history: &[Recognition]) -> Option<StudioLevel> {
    history
        .iter()
        .max_by_key(|r| (r.level.rank(), r.level == StudioLevel::Industry, r.year))
        .map(|r| r.level)
}

/// A star rating from an evaluation: three, four or five stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Stars(u8);

impl Stars {
    pub fn parse(field: &str, raw: &str) -> Result<Stars, FieldError> {
        match raw.trim().parse::<u8>() {
            Ok(n @ 3..=5) => Ok(Stars(n)),
            _ => Err(FieldError::new(field, "stars_out_of_range").with("value", raw.trim())),
        }
    }

    pub fn from_stored(n: i64) -> Option<Stars> {
        u8::try_from(n)
            .ok()
            .filter(|n| (3..=5).contains(n))
            .map(Stars)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// What a rating did to a studio compared with its previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingOutcome {
    First,
    Promoted,
    Kept,
    Demoted,
}

impl RatingOutcome {
    pub fn between(previous: Option<Stars>, next: Stars) -> RatingOutcome {
        match previous {
            None => RatingOutcome::First,
            Some(p) if next > p => RatingOutcome::Promoted,
            Some(p) if next < p => RatingOutcome::Demoted,
            Some(_) => RatingOutcome::Kept,
        }
    }

    /// The outcome of each rating of a history ordered by date.
    pub fn of_history(history: &[Stars]) -> Vec<RatingOutcome> {
        let mut previous = None;
        history
            .iter()
            .map(|&stars| {
                let outcome = RatingOutcome::between(previous, stars);
                previous = Some(stars);
                outcome
            })
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RatingOutcome::First => "first",
            RatingOutcome::Promoted => "promoted",
            RatingOutcome::Kept => "kept",
            RatingOutcome::Demoted => "demoted",
        }
    }
}

/// A studio's profile as it is kept; the host unit and leader are ids checked by the service.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StudioProfile {
    pub name: String,
    pub fields: Vec<Field>,
    pub founded_year: Option<i32>,
    pub site: String,
    pub equipment: String,
    pub funds: String,
    pub contact: String,
    pub summary: String,
}

/// The profile's text as a form or a sheet gives it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StudioProfileInput {
    pub name: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub founded_year: String,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub funds: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub summary: String,
}

impl StudioProfile {
    pub fn parse(input: &StudioProfileInput, this_year: i32) -> Result<StudioProfile, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.check(text("name", &input.name, 2, 60));
        let fields = invalid.check(super::fields("fields", &input.fields));
        let founded_year = invalid.check(super::optional_year(
            "founded_year",
            &input.founded_year,
            this_year,
        ));
        let site = invalid.check(text("site", &input.site, 0, 120));
        let equipment = invalid.check(long_text("equipment", &input.equipment, 2000));
        let funds = invalid.check(text("funds", &input.funds, 0, 200));
        let contact = invalid.check(text("contact", &input.contact, 0, 120));
        let summary = invalid.check(long_text("summary", &input.summary, 4000));
        match (
            name,
            fields,
            founded_year,
            site,
            equipment,
            funds,
            contact,
            summary,
        ) {
            (
                Some(name),
                Some(fields),
                Some(founded_year),
                Some(site),
                Some(equipment),
                Some(funds),
                Some(contact),
                Some(summary),
            ) if invalid.is_empty() => Ok(StudioProfile {
                name,
                fields,
                founded_year,
                site,
                equipment,
                funds,
                contact,
                summary,
            }),
            _ => Err(invalid),
        }
    }
}

/// Text of several lines (a description): line breaks allowed, other control characters not.
pub fn long_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim().replace("\r\n", "\n");
    if value.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(field, "control_characters"));
    }
    Ok(value)
}

/// A membership's span: who joined when and, once they leave, when they left.
pub fn check_span(field: &str, from: &Day, until: Option<&Day>) -> Result<(), FieldError> {
    match until {
        Some(u) if u < from => Err(FieldError::new(field, "ends_before_start")
            .with("start", from.as_str())
            .with("end", u.as_str())),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_level_is_the_highest_ever_held() {
        let r = |level, year| Recognition { level, year };
        assert_eq!(current_level(&[]), None);
        assert_eq!(
            current_level(&[
                r(StudioLevel::Enterprise, 2018),
                r(StudioLevel::Municipal, 2021),
                r(StudioLevel::District, 2023),
            ]),
            Some(StudioLevel::Municipal)
        );
        assert_eq!(
            current_level(&[
                r(StudioLevel::District, 2019),
                r(StudioLevel::Industry, 2020)
            ]),
            Some(StudioLevel::Industry)
        );
    }

    #[test]
    fn ratings_say_what_changed() {
        let s = |n: &str| Stars::parse("stars", n).unwrap();
        assert_eq!(RatingOutcome::between(None, s("3")), RatingOutcome::First);
        assert_eq!(
            RatingOutcome::between(Some(s("3")), s("5")),
            RatingOutcome::Promoted
        );
        assert_eq!(
            RatingOutcome::between(Some(s("4")), s("4")),
            RatingOutcome::Kept
        );
        assert_eq!(
            RatingOutcome::between(Some(s("5")), s("3")),
            RatingOutcome::Demoted
        );
        assert_eq!(
            RatingOutcome::of_history(&[s("3"), s("4"), s("4"), s("3")]),
            vec![
                RatingOutcome::First,
                RatingOutcome::Promoted,
                RatingOutcome::Kept,
                RatingOutcome::Demoted
            ]
        );
        assert_eq!(
            Stars::parse("stars", "6").unwrap_err().code,
            "stars_out_of_range"
        );
        assert_eq!(
            Stars::parse("stars", "二").unwrap_err().code,
            "stars_out_of_range"
        );
    }

    #[test]
    fn a_profile_names_every_bad_field() {
        let input = StudioProfileInput {
            name: "甲".into(),
            fields: vec!["ai".into(), "钢铁".into()],
            founded_year: "1900".into(),
            summary: "好\u{7}".into(),
            ..Default::default()
        };
        let invalid = StudioProfile::parse(&input, 2026).unwrap_err();
        let fields: Vec<&str> = invalid.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "fields", "founded_year", "summary"]);
        let ok = StudioProfile::parse(
            &StudioProfileInput {
                name: " 王强数控创新工作室 ".into(),
                fields: vec!["advanced_manufacturing".into()],
                founded_year: "2016".into(),
                summary: "第一行\r\n第二行".into(),
                ..Default::default()
            },
            2026,
        )
        .unwrap();
        assert_eq!(ok.name, "王强数控创新工作室");
        assert_eq!(ok.summary, "第一行\n第二行");
    }

    #[test]
    fn spans_end_after_they_start() {
        let d = |s| Day::parse("d", s).unwrap();
        assert!(check_span("left_on", &d("2024-01-01"), None).is_ok());
        assert!(check_span("left_on", &d("2024-01-01"), Some(&d("2024-01-01"))).is_ok());
        assert_eq!(
            check_span("left_on", &d("2024-01-02"), Some(&d("2024-01-01")))
                .unwrap_err()
                .code,
            "ends_before_start"
        );
    }
}
