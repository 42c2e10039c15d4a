//! People: the workers, staff, judges and leaders the platform knows, whether or not they log in.

use crate::error::{FieldError, text};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &str, raw: &str) -> Result<PersonName, FieldError> {
        text(field, raw, 2, 40).map(PersonName)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// Empty is allowed (not recorded); otherwise 男/女 or male/female.
    pub fn parse_optional(field: &str, raw: &str) -> Result<Option<Gender>, FieldError> {
        match raw.trim() {
            "" => Ok(None),
            "男" | "male" | "Male" | "M" => Ok(Some(Gender::Male)),
            "女" | "female" | "Female" | "F" => Ok(Some(Gender::Female)),
            other => Err(FieldError::new(field, "unknown_gender").with("value", other)),
        }
    }

    pub fn from_stored(raw: &str) -> Option<Gender> {
        Gender::parse_optional("gender", raw).ok().flatten()
    }
}

/// A mainland mobile number: 11 digits starting with 1 (spaces and dashes are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse_optional(field: &str, raw: &str) -> Result<Option<Phone>, FieldError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.is_empty() {
            return Ok(None);
        }
        let ok = digits.len() == 11
            && digits.starts_with('1')
            && digits.chars().all(|c| c.is_ascii_digit());
        if ok {
            Ok(Some(Phone(digits)))
        } else {
            Err(FieldError::new(field, "invalid_phone").with("value", raw.trim()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse_optional(field: &str, raw: &str) -> Result<Option<Email>, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.chars().any(|c| c.is_whitespace() || c.is_control())
                    && value.len() <= 254
            }
            None => false,
        };
        if valid {
            Ok(Some(Email(value.to_owned())))
        } else {
            Err(FieldError::new(field, "invalid_email").with("value", value))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is needed to record a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub name: PersonName,
    pub unit_id: i64,
    pub gender: Option<Gender>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    /// The trade (工种) the person works in, e.g. 焊工.
    pub trade: String,
    /// Post or title, e.g. 班组长.
    pub post: String,
}

/// Parses the free-text fields of a person that are neither name nor contact.
pub fn optional_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    text(field, raw, 0, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_parse() {
        assert_eq!(
            Phone::parse_optional("p", "138-1234 5678")
                .unwrap()
                .unwrap()
                .as_str(),
            "13812345678"
        );
        assert!(Phone::parse_optional("p", "1234").is_err());
        assert_eq!(Phone::parse_optional("p", "  ").unwrap(), None);
        assert!(
            Email::parse_optional("e", "wang@hj.example.cn")
                .unwrap()
                .is_some()
        );
        assert!(Email::parse_optional("e", "wang@").is_err());
        assert_eq!(
            Gender::parse_optional("g", "女").unwrap(),
            Some(Gender::Female)
        );
        assert!(Gender::parse_optional("g", "x").is_err());
    }
}
