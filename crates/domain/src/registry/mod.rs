//! The innovation registry: studios with their levels and ratings, people's honours,
//! alliances and the groupings above them. Codes are stored in English; the interface
//! translates them (`level.municipal`, `alliance_kind.value_chain`, …).

pub mod achievement;
pub mod alliance;
pub mod honour;
pub mod sheets;
pub mod studio;
pub mod upload;

use crate::FieldError;

/// The text of a `doc = "…"` attribute as `stringify!` writes it.
#[doc(hidden)]
pub fn doc_text(meta: &str) -> String {
    // `doc = r" How the member studios relate."`
    meta.trim_start_matches("doc")
        .trim()
        .trim_start_matches('=')
        .trim()
        .trim_start_matches('r')
        .trim_matches('"')
        .trim()
        .to_owned()
}

/// A stored code that no longer names anything (a row written by a later version).
#[derive(Debug, thiserror::Error)]
#[error("unknown stored code {0:?}")]
pub struct UnknownCode(pub String);

/// A closed set of codes, parsed from the text a form, a sheet or the API sends.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        // By hand: the derive does not see a `rename` written through the macro's `$code`.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let description: &[&str] = &[$(stringify!($meta)),*];
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(description.first().map(|d| $crate::registry::doc_text(d)))
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The code as stored; anything else is `unknown_code` on `field`.
            pub fn parse(field: &str, raw: &str) -> Result<$name, crate::FieldError> {
                let raw = raw.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == raw)
                    .ok_or_else(|| crate::FieldError::new(field, "unknown_code").with("value", raw))
            }

            /// A code read back from the database (written by `as_str`).
            pub fn from_stored(raw: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|c| c.as_str() == raw)
            }
        }

        /// Read back from a stored column, so that rows carry the code, not its text.
        impl TryFrom<String> for $name {
            type Error = $crate::registry::UnknownCode;
            fn try_from(raw: String) -> Result<$name, Self::Error> {
                Self::from_stored(&raw).ok_or($crate::registry::UnknownCode(raw))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use codes;

codes! {
    /// Industry fields of studios and achievements.
    Field {
        Traditional = "traditional",
        AdvancedManufacturing = "advanced_manufacturing",
        Aerospace = "aerospace",
        EnergyEnvironment = "energy_environment",
        ArtificialIntelligence = "ai",
        Biomedicine = "biomedicine",
        InformationTechnology = "it",
        NewMaterials = "new_materials",
        Transport = "transport",
        Construction = "construction",
        Services = "services",
        Other = "other",
    }
}

/// A year of recognition, founding or an award: from 1949 to next year.
pub fn year(field: &str, raw: &str, this_year: i32) -> Result<i32, FieldError> {
    let raw = raw.trim();
    let value: i32 = raw
        .parse()
        .map_err(|_| FieldError::new(field, "not_a_year").with("value", raw))?;
    if !(1949..=this_year + 1).contains(&value) {
        return Err(FieldError::new(field, "year_out_of_range")
            .with("value", value)
            .with("max", this_year + 1));
    }
    Ok(value)
}

/// An optional year: empty is none.
pub fn optional_year(field: &str, raw: &str, this_year: i32) -> Result<Option<i32>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        year(field, raw, this_year).map(Some)
    }
}

/// A calendar day as `YYYY-MM-DD`: stored as that text, so days compare as strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Day(String);

impl Day {
    pub fn parse(field: &str, raw: &str) -> Result<Day, FieldError> {
        let raw = raw.trim();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(raw, &format) {
            Ok(date) if date.year() >= 1949 => Ok(Day(date.format(&format).unwrap_or_default())),
            _ => Err(FieldError::new(field, "not_a_day").with("value", raw)),
        }
    }

    pub fn optional(field: &str, raw: &str) -> Result<Option<Day>, FieldError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Day::parse(field, raw).map(Some)
        }
    }

    pub fn from_stored(raw: &str) -> Day {
        Day(raw.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn year(&self) -> i32 {
        self.0.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }
}

/// Fields chosen from a list (a form's checkboxes or a sheet's `、`-separated names), without
/// repeats, in the list's order.
pub fn fields(field: &str, raw: &[String]) -> Result<Vec<Field>, FieldError> {
    let mut chosen = Vec::new();
    for code in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let f = Field::parse(field, code)?;
        if !chosen.contains(&f) {
            chosen.push(f);
        }
    }
    chosen.sort();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_lists_document_their_stored_codes_and_their_doc_line() {
        use utoipa::PartialSchema;
        let json = serde_json::to_value(super::Field::schema()).unwrap_or_default();
        assert_eq!(json["enum"][4], "ai");
        assert_eq!(
            json["description"],
            "Industry fields of studios and achievements."
        );
    }

    use super::*;

    #[test]
    fn codes_parse_only_what_they_write() {
        for f in Field::ALL {
            assert_eq!(Field::parse("field", f.as_str()), Ok(*f));
        }
        assert_eq!(
            Field::parse("field", "钢铁").unwrap_err().code,
            "unknown_code"
        );
    }

    #[test]
    fn years_and_days_are_checked() {
        assert_eq!(year("year", " 2024 ", 2026), Ok(2024));
        assert_eq!(
            year("year", "2028", 2026).unwrap_err().code,
            "year_out_of_range"
        );
        assert_eq!(
            year("year", "二〇二四", 2026).unwrap_err().code,
            "not_a_year"
        );
        assert_eq!(optional_year("year", "", 2026), Ok(None));
        let d = Day::parse("day", "2024-3-05");
        assert!(d.is_err(), "two-digit months only");
        let d = Day::parse("day", "2024-03-05").unwrap();
        assert_eq!((d.as_str(), d.year()), ("2024-03-05", 2024));
        assert!(Day::parse("day", "2024-02-30").is_err());
        assert!(
            Day::parse("day", "2024-03-05").unwrap() < Day::parse("day", "2024-11-01").unwrap()
        );
    }

    #[test]
    fn fields_are_deduplicated_and_ordered() {
        let raw = vec![
            "ai".to_owned(),
            " traditional".to_owned(),
            "ai".to_owned(),
            String::new(),
        ];
        assert_eq!(
            fields("fields", &raw),
            Ok(vec![Field::Traditional, Field::ArtificialIntelligence])
        );
    }
}
