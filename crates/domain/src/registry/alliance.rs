//! Alliances of studios (创新工作室联盟): their kind, members over time, chair units by term,
//! and the rule that each should produce at least N projects a year.

use super::studio::long_text;
use super::{Day, codes};
use crate::error::text;
use crate::{FieldError, Invalid};

codes! {
    /// How the member studios relate.
    AllianceKind {
        ValueChain = "value_chain",
        SameKind = "same_kind",
        CrossKind = "cross_kind",
        Thematic = "thematic",
    }
}

codes! {
    /// The groupings above alliances (创新中心, 创新基地).
    GroupKind {
        Center = "center",
        Base = "base",
    }
}

/// The default of the annual-projects rule when the federation has not set another.
pub const DEFAULT_ANNUAL_QUOTA: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AllianceProfile {
    pub name: String,
    pub kind: AllianceKind,
    /// The theme of a thematic alliance (轻量化, 电动化); empty otherwise allowed.
    pub theme: String,
    pub purpose: String,
    pub founded_year: Option<i32>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AllianceProfileInput {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub founded_year: String,
}

impl AllianceProfile {
    pub fn parse(input: &AllianceProfileInput, this_year: i32) -> Result<AllianceProfile, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.check(text("name", &input.name, 2, 60));
        let kind = invalid.check(AllianceKind::parse("kind", &input.kind));
        let theme = invalid.check(text("theme", &input.theme, 0, 40));
        if kind == Some(AllianceKind::Thematic) && theme.as_deref() == Some("") {
            invalid.push(FieldError::new("theme", "theme_required"));
        }
        let purpose = invalid.check(long_text("purpose", &input.purpose, 4000));
        let founded_year = invalid.check(super::optional_year(
            "founded_year",
            &input.founded_year,
            this_year,
        ));
        match (name, kind, theme, purpose, founded_year) {
            (Some(name), Some(kind), Some(theme), Some(purpose), Some(founded_year))
                if invalid.is_empty() =>
            {
                Ok(AllianceProfile {
                    name,
                    kind,
                    theme,
                    purpose,
                    founded_year,
                })
            }
            _ => Err(invalid),
        }
    }
}

/// A span of membership or chairing: from a day until a day (open while it lasts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub from: Day,
    pub until: Option<Day>,
}

impl Span {
    pub fn is_open(&self) -> bool {
        self.until.is_none()
    }

    /// Whether the span covers any day of `year`.
    pub fn touches_year(&self, year: i32) -> bool {
        self.from.year() <= year && self.until.as_ref().is_none_or(|u| u.year() >= year)
    }
}

/// Checks that a studio may join on `day`, given its earlier memberships of this alliance:
/// not while it is a member, and not before it last left.
pub fn check_join(history: &[Span], day: &Day) -> Result<(), FieldError> {
    if history.iter().any(Span::is_open) {
        return Err(FieldError::new("studio_id", "already_member"));
    }
    if let Some(last) = history.iter().filter_map(|s| s.until.as_ref()).max()
        && day < last
    {
        return Err(FieldError::new("joined_on", "ends_before_start")
            .with("start", last.as_str())
            .with("end", day.as_str()));
    }
    Ok(())
}

/// Checks a leaving day against the open membership.
pub fn check_leave(open: &Span, day: &Day) -> Result<(), FieldError> {
    super::studio::check_span("left_on", &open.from, Some(day))
}

/// Checks a handover of the chair to `unit_id` on `day`, given the chair terms so far (in
/// order): the new chair differs from the sitting one, and the day is after the sitting term
/// began. The sitting term, if any, ends on `day`.
pub fn check_handover(terms: &[(i64, Span)], unit_id: i64, day: &Day) -> Result<(), FieldError> {
    if let Some((sitting, span)) = terms.iter().find(|(_, s)| s.is_open()) {
        if *sitting == unit_id {
            return Err(FieldError::new("unit_id", "already_chair"));
        }
        if day <= &span.from {
            return Err(
                FieldError::new("from", "handover_before_term").with("start", span.from.as_str())
            );
        }
    }
    if let Some(latest) = terms.iter().filter_map(|(_, s)| s.until.as_ref()).max()
        && day < latest
    {
        return Err(FieldError::new("from", "handover_before_term").with("start", latest.as_str()));
    }
    Ok(())
}

/// One alliance's standing against the annual-projects rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuotaStanding {
    pub alliance_id: i64,
    pub projects: i64,
    pub required: i64,
}

impl QuotaStanding {
    pub fn shortfall(&self) -> i64 {
        (self.required - self.projects).max(0)
    }
}

/// The alliances below the rule in `year`: each needs `quota` projects (its own override
/// first), counted among those alive in that year. Worst shortfall first, then by id.
pub fn below_quota(alliances: &[(i64, Option<i64>, i64)], quota: i64) -> Vec<QuotaStanding> {
    let mut below: Vec<QuotaStanding> = alliances
        .iter()
        .map(|&(alliance_id, own, projects)| QuotaStanding {
            alliance_id,
            projects,
            required: own.unwrap_or(quota),
        })
        .filter(|s| s.shortfall() > 0)
        .collect();
    below.sort_by_key(|s| (std::cmp::Reverse(s.shortfall()), s.alliance_id));
    below
}

/// An annual quota as the federation sets it: a whole number from 1 to 20.
pub fn parse_quota(field: &str, raw: &str) -> Result<i64, FieldError> {
    match raw.trim().parse::<i64>() {
        Ok(n @ 1..=20) => Ok(n),
        _ => Err(FieldError::new(field, "quota_out_of_range").with("value", raw.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse("d", s).unwrap()
    }

    fn span(from: &str, until: Option<&str>) -> Span {
        Span {
            from: d(from),
            until: until.map(d),
        }
    }

    #[test]
    fn a_thematic_alliance_needs_its_theme() {
        let input = AllianceProfileInput {
            name: "汽车轻量化创新联盟".into(),
            kind: "thematic".into(),
            ..Default::default()
        };
        let err = AllianceProfile::parse(&input, 2026).unwrap_err();
        assert_eq!(err.0[0].code, "theme_required");
        let ok = AllianceProfile::parse(
            &AllianceProfileInput {
                theme: "轻量化".into(),
                ..input
            },
            2026,
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn members_join_once_at_a_time_and_leave_after_joining() {
        assert!(check_join(&[], &d("2024-01-01")).is_ok());
        let open = [span("2023-05-01", None)];
        assert_eq!(
            check_join(&open, &d("2024-01-01")).unwrap_err().code,
            "already_member"
        );
        let left = [span("2020-05-01", Some("2023-06-30"))];
        assert!(check_join(&left, &d("2023-06-30")).is_ok());
        assert!(check_join(&left, &d("2023-01-01")).is_err());
        assert!(check_leave(&open[0], &d("2023-04-30")).is_err());
        assert!(check_leave(&open[0], &d("2023-05-01")).is_ok());
    }

    #[test]
    fn the_chair_is_handed_over_forward_in_time_to_another_unit() {
        let terms = [
            (7, span("2021-01-01", Some("2023-12-31"))),
            (8, span("2024-01-01", None)),
        ];
        assert!(check_handover(&terms, 9, &d("2025-01-01")).is_ok());
        assert_eq!(
            check_handover(&terms, 8, &d("2025-01-01"))
                .unwrap_err()
                .code,
            "already_chair"
        );
        assert_eq!(
            check_handover(&terms, 9, &d("2024-01-01"))
                .unwrap_err()
                .code,
            "handover_before_term"
        );
        assert!(check_handover(&[], 7, &d("2021-01-01")).is_ok());
        let closed = [(7, span("2021-01-01", Some("2023-12-31")))];
        assert!(check_handover(&closed, 9, &d("2023-06-01")).is_err());
    }

    #[test]
    fn spans_touch_the_years_they_cover() {
        let s = span("2021-07-01", Some("2023-03-01"));
        assert!(!s.touches_year(2020));
        assert!(s.touches_year(2021) && s.touches_year(2023));
        assert!(!s.touches_year(2024));
        assert!(span("2021-07-01", None).touches_year(2030));
    }

    #[test]
    fn below_quota_lists_the_worst_first_and_honours_overrides() {
        let alliances = [
            (1, None, 0),
            (2, None, 1),
            (3, Some(3), 1),
            (4, Some(1), 0),
            (5, None, 5),
        ];
        let below = below_quota(&alliances, 1);
        let ids: Vec<i64> = below.iter().map(|s| s.alliance_id).collect();
        assert_eq!(ids, vec![3, 1, 4]);
        assert_eq!(below[0].shortfall(), 2);
        assert_eq!(below_quota(&alliances, 2).len(), 4);
        assert_eq!(
            parse_quota("quota", "0").unwrap_err().code,
            "quota_out_of_range"
        );
        assert_eq!(parse_quota("quota", " 2 "), Ok(2));
    }
}
