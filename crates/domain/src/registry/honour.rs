//! Honours people hold (劳动模范, 先进工作者, 工匠, 劳动奖章) and master–apprentice pairs.

use super::codes;
use crate::error::text;
use crate::{FieldError, Invalid};

codes! {
    /// What kind of honour.
    HonourKind {
        ModelWorker = "model_worker",
        AdvancedWorker = "advanced_worker",
        Craftsman = "craftsman",
        CraftsmanNominee = "craftsman_nominee",
        LabourMedal = "labour_medal",
        Other = "other",
    }
}

codes! {
    /// At what level it was granted.
    HonourLevel {
        National = "national",
        Provincial = "provincial",
        Municipal = "municipal",
        Industry = "industry",
        District = "district",
        Enterprise = "enterprise",
    }
}

/// One honour of one person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Honour {
    pub kind: HonourKind,
    pub level: HonourLevel,
    /// The title as granted, e.g. 全国五一劳动奖章 or 华江大工匠.
    pub title: String,
    pub year: i32,
    pub granted_by: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct HonourInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub granted_by: String,
}

impl Honour {
    pub fn parse(input: &HonourInput, this_year: i32) -> Result<Honour, Invalid> {
        let mut invalid = Invalid::default();
        let kind = invalid.check(HonourKind::parse("kind", &input.kind));
        let level = invalid.check(HonourLevel::parse("level", &input.level));
        let title = invalid.check(text("title", &input.title, 2, 60));
        let year = invalid.check(super::year("year", &input.year, this_year));
        let granted_by = invalid.check(text("granted_by", &input.granted_by, 0, 60));
        match (kind, level, title, year, granted_by) {
            (Some(kind), Some(level), Some(title), Some(year), Some(granted_by))
                if invalid.is_empty() =>
            {
                Ok(Honour {
                    kind,
                    level,
                    title,
                    year,
                    granted_by,
                })
            }
            _ => Err(invalid),
        }
    }
}

/// A master–apprentice pair (名师带徒) over a span of years.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mentorship {
    pub master_id: i64,
    pub apprentice_id: i64,
    pub from_year: i32,
    pub to_year: Option<i32>,
}

impl Mentorship {
    pub fn new(
        master_id: i64,
        apprentice_id: i64,
        from_year: i32,
        to_year: Option<i32>,
    ) -> Result<Mentorship, FieldError> {
        if master_id == apprentice_id {
            return Err(FieldError::new("apprentice_id", "own_apprentice"));
        }
        if let Some(to) = to_year.filter(|to| *to < from_year) {
            return Err(FieldError::new("to_year", "ends_before_start")
                .with("start", from_year)
                .with("end", to));
        }
        Ok(Mentorship {
            master_id,
            apprentice_id,
            from_year,
            to_year,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_honour_needs_kind_level_title_and_year() {
        let input = HonourInput {
            kind: "model_worker".into(),
            level: "national".into(),
            title: "全国劳动模范".into(),
            year: "2020".into(),
            granted_by: "国务院".into(),
        };
        let h = Honour::parse(&input, 2026).unwrap();
        assert_eq!(
            (h.kind, h.level, h.year),
            (HonourKind::ModelWorker, HonourLevel::National, 2020)
        );
        let bad = Honour::parse(
            &HonourInput {
                kind: "hero".into(),
                year: "2030".into(),
                ..Default::default()
            },
            2026,
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["kind", "level", "title", "year"]);
    }

    #[test]
    fn a_pair_is_two_people_in_order() {
        assert!(Mentorship::new(1, 2, 2020, Some(2023)).is_ok());
        assert_eq!(
            Mentorship::new(1, 1, 2020, None).unwrap_err().code,
            "own_apprentice"
        );
        assert_eq!(
            Mentorship::new(1, 2, 2020, Some(2019)).unwrap_err().code,
            "ends_before_start"
        );
    }
}
