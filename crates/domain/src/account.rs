//! Accounts: login names, password policy and the roles a user can be granted.

use crate::error::FieldError;
use serde::Serialize;

/// A login name: 3–40 of ASCII letters, digits, `.`, `_`, `-`; stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(field: &str, raw: &str) -> Result<Username, FieldError> {
        let value = raw.trim().to_ascii_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let valid = (3..=40).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if valid {
            Ok(Username(value))
        } else {
            Err(FieldError::new(field, "invalid_username"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: at least 10 characters, at most 200, not all one class.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_LEN: usize = 10;

    pub fn parse(field: &str, raw: &str) -> Result<NewPassword, FieldError> {
        let count = raw.chars().count();
        if count < Self::MIN_LEN {
            return Err(FieldError::new(field, "password_too_short").with("min", Self::MIN_LEN));
        }
        if count > 200 {
            return Err(FieldError::new(field, "too_long").with("max", 200));
        }
        let has_letter = raw.chars().any(|c| c.is_alphabetic());
        let has_other = raw.chars().any(|c| !c.is_alphabetic());
        if !(has_letter && has_other) {
            return Err(FieldError::new(field, "password_too_simple"));
        }
        Ok(NewPassword(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// A role is granted on a unit and holds for that unit's whole subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FederationAdmin,
    UnitAdmin,
    StudioLeader,
    Judge,
    Worker,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::FederationAdmin,
        Role::UnitAdmin,
        Role::StudioLeader,
        Role::Judge,
        Role::Worker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FederationAdmin => "federation_admin",
            Role::UnitAdmin => "unit_admin",
            Role::StudioLeader => "studio_leader",
            Role::Judge => "judge",
            Role::Worker => "worker",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Role, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| FieldError::new(field, "unknown_role").with("value", raw.trim()))
    }

    /// Whether the role administers people and units.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::FederationAdmin | Role::UnitAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords_follow_the_policy() {
        assert_eq!(
            Username::parse("u", " Wang.Li ").unwrap().as_str(),
            "wang.li"
        );
        assert!(Username::parse("u", "王力").is_err());
        assert!(Username::parse("u", "ab").is_err());
        assert_eq!(
            NewPassword::parse("p", "short1").unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            NewPassword::parse("p", "onlyletterslong").unwrap_err().code,
            "password_too_simple"
        );
        assert!(NewPassword::parse("p", "工匠精神2026年度").is_ok());
        assert_eq!(Role::parse("r", "judge").unwrap(), Role::Judge);
    }
}
