//! Validation errors that say what is wrong and where, as stable codes the interface translates.

use serde::Serialize;

/// One problem with one field: `code` is a stable snake_case key (`error.<code>` in the
/// translation files); `params` fill the placeholders of its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub params: Vec<(String, String)>,
}

impl FieldError {
    pub fn new(field: &str, code: &str) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.to_owned(), value.to_string()));
        self
    }
}

/// A set of field errors; an input with any of them changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: &str, code: &str) -> Self {
        Self(vec![FieldError::new(field, code)])
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Collects the error of a parse into `self` and gives the value back when there was none.
    pub fn check<T>(&mut self, parsed: Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.code))
            .collect();
        write!(f, "invalid input ({})", parts.join(", "))
    }
}

impl std::error::Error for Invalid {}

/// Trims a text field and checks its length in characters (not bytes: names are Chinese).
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    let count = value.chars().count();
    if count == 0 && min > 0 {
        return Err(FieldError::new(field, "required"));
    }
    if count < min {
        return Err(FieldError::new(field, "too_short").with("min", min));
    }
    if count > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, "control_characters"));
    }
    Ok(value.to_owned())
}

/// A search or filter term: trimmed, control characters dropped (PostgreSQL refuses NUL in
/// text), at most 100 characters. Searching never fails on odd input; it just finds less.
pub fn search_term(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A number within `min..=max`, or an error that says the bounds.
pub fn in_range(field: &str, value: i64, min: i64, max: i64) -> Result<i64, FieldError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(FieldError::new(field, "out_of_range")
            .with("min", min)
            .with("max", max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_counts_characters_not_bytes() {
        assert_eq!(text("name", " 华江钢铁 ", 1, 4), Ok("华江钢铁".to_owned()));
        assert_eq!(
            text("name", "华江钢铁集", 1, 4).unwrap_err().code,
            "too_long"
        );
        assert_eq!(text("name", "   ", 1, 4).unwrap_err().code, "required");
        assert_eq!(
            text("name", "a\u{0}b", 1, 4).unwrap_err().code,
            "control_characters"
        );
    }
}
