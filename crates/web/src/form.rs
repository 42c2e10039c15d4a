//! The one way pages read a posted form: its pairs as typed, read field by field into a
//! service's input with every field error collected at once.

use gongjiang_domain::{FieldError, Invalid};

/// A posted form as its pairs, so that repeated fields (checkboxes) keep every value and
/// numbers stay text until they are read into field errors. Forms are re-shown from it, with
/// what was typed, when the input is refused.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// A form filled in from a record, for its edit page.
    pub fn of<K: Into<String>, V: ToString>(pairs: impl IntoIterator<Item = (K, V)>) -> Posted {
        Posted(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.to_string()))
                .collect(),
        )
    }

    /// Replaces every value of `key` with one.
    pub fn set(&mut self, key: &str, value: String) {
        self.0.retain(|(k, _)| k != key);
        self.0.push((key.to_owned(), value));
    }

    /// The first value of `key`, or empty.
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Reads the form into an input. `build` reads each field through the [`Fields`] it is
    /// given; every field that does not parse is reported, not only the first, and the input
    /// is returned only when none failed.
    pub fn read<T>(&self, build: impl FnOnce(&mut Fields<'_>) -> T) -> Result<T, Invalid> {
        let mut fields = Fields {
            posted: self,
            invalid: Invalid::default(),
        };
        let value = build(&mut fields);
        fields.invalid.into_result().map(|()| value)
    }
}

/// The fields of a form being read; see [`Posted::read`].
pub struct Fields<'a> {
    posted: &'a Posted,
    invalid: Invalid,
}

impl Fields<'_> {
    /// A text field as typed; the service trims and checks it.
    pub fn text(&self, key: &str) -> String {
        self.posted.get(key)
    }

    /// Every value of a repeated field (checkboxes, multiple choice).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.posted.all(key)
    }

    /// Whether a checkbox was ticked.
    pub fn ticked(&self, key: &str) -> bool {
        self.posted.0.iter().any(|(k, v)| k == key && !v.is_empty())
    }

    /// A required record id; `#12` (as people and studios are written in finders) reads as 12.
    /// When missing or not a number the error is noted and 0 stands in, never reaching a
    /// service because [`Posted::read`] then gives the errors instead of the input.
    pub fn id(&mut self, key: &str) -> i64 {
        match self.optional_id(key) {
            Some(id) => id,
            None => {
                if !self.invalid.0.iter().any(|e| e.field == key) {
                    self.invalid.push(FieldError::new(key, "required"));
                }
                0
            }
        }
    }

    /// Every id chosen in a repeated field (a multiple select), each checked.
    pub fn ids(&mut self, key: &str) -> Vec<i64> {
        let mut out = Vec::new();
        for raw in self.posted.all(key) {
            match parse_id(key, raw.trim().trim_start_matches('#')) {
                Ok(Some(id)) => out.push(id),
                Ok(None) => {}
                Err(error) => self.invalid.push(error),
            }
        }
        out
    }

    /// An optional record id: empty is none.
    pub fn optional_id(&mut self, key: &str) -> Option<i64> {
        let raw = self.posted.get(key);
        match parse_id(key, raw.trim().trim_start_matches('#')) {
            Ok(id) => id,
            Err(error) => {
                self.invalid.push(error);
                None
            }
        }
    }

    /// Notes a field error found while reading (a rule of the page, not of the service).
    pub fn refuse(&mut self, error: FieldError) {
        self.invalid.push(error);
    }
}

/// Reads an optional number typed in a form or a query: empty is none, anything else that is
/// not a whole number is an error naming the field.
pub fn parse_id(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| FieldError::new(field, "not_a_number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted::of(pairs.iter().copied())
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let form = posted(&[("unit_id", "x"), ("name", "工作室")]);
        let invalid = form
            .read(|f| (f.id("unit_id"), f.id("studio_id"), f.text("name")))
            .unwrap_err();
        let got: Vec<(&str, &str)> = invalid
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [("unit_id", "not_a_number"), ("studio_id", "required")]
        );
    }

    #[test]
    fn a_good_form_reads_into_its_input() {
        let form = posted(&[
            ("unit_id", " 7 "),
            ("partner", "#12"),
            ("tag", "a"),
            ("tag", "b"),
        ]);
        let read = form
            .read(|f| {
                (
                    f.id("unit_id"),
                    f.optional_id("partner"),
                    f.optional_id("none"),
                    f.all("tag"),
                )
            })
            .unwrap();
        assert_eq!(
            read,
            (7, Some(12), None, vec!["a".to_owned(), "b".to_owned()])
        );
    }

    #[test]
    fn ticked_needs_a_value() {
        let form = posted(&[("public", "on"), ("empty", "")]);
        let read = form.read(|f| (f.ticked("public"), f.ticked("empty"), f.ticked("absent")));
        assert_eq!(read.unwrap(), (true, false, false));
    }
}
