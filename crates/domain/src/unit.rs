//! Units of the union federation: a tree from the municipal federation down to branch unions.

use crate::error::{FieldError, text};
use serde::Serialize;

/// The kind of a union unit; the kind decides where in the tree it may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Federation,
    IndustryUnion,
    DistrictUnion,
    EnterpriseUnion,
    BranchUnion,
}

impl std::fmt::Display for UnitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Read back from a stored column, so that a unit's row carries its kind, not its text.
impl TryFrom<String> for UnitKind {
    type Error = crate::registry::UnknownCode;
    fn try_from(raw: String) -> Result<UnitKind, Self::Error> {
        UnitKind::parse("kind", &raw).map_err(|_| crate::registry::UnknownCode(raw))
    }
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] = [
        UnitKind::Federation,
        UnitKind::IndustryUnion,
        UnitKind::DistrictUnion,
        UnitKind::EnterpriseUnion,
        UnitKind::BranchUnion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Federation => "federation",
            UnitKind::IndustryUnion => "industry_union",
            UnitKind::DistrictUnion => "district_union",
            UnitKind::EnterpriseUnion => "enterprise_union",
            UnitKind::BranchUnion => "branch_union",
        }
    }

    /// The Chinese label used in templates and imports.
    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::Federation => "总工会",
            UnitKind::IndustryUnion => "产业工会",
            UnitKind::DistrictUnion => "区总工会",
            UnitKind::EnterpriseUnion => "企业工会",
            UnitKind::BranchUnion => "基层分会",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            UnitKind::Federation => "Federation",
            UnitKind::IndustryUnion => "Industry union",
            UnitKind::DistrictUnion => "District federation",
            UnitKind::EnterpriseUnion => "Enterprise union",
            UnitKind::BranchUnion => "Branch union",
        }
    }

    /// Accepts the stored name and either label, so spreadsheets may use the words people know.
    pub fn parse(field: &str, raw: &str) -> Result<UnitKind, FieldError> {
        let value = raw.trim();
        UnitKind::ALL
            .into_iter()
            .find(|k| {
                k.as_str() == value
                    || k.label_zh() == value
                    || k.label_en().eq_ignore_ascii_case(value)
            })
            .ok_or_else(|| FieldError::new(field, "unknown_unit_kind").with("value", value))
    }

    /// Whether a unit of this kind may sit directly under a unit of kind `parent`
    /// (`None`: at the top of the tree).
    pub fn may_have_parent(self, parent: Option<UnitKind>) -> bool {
        use UnitKind::*;
        match (self, parent) {
            (Federation, None) => true,
            (Federation, Some(_)) | (_, None) => false,
            (IndustryUnion | DistrictUnion, Some(p)) => p == Federation,
            // Enterprise unions may also sit under a group company's union.
            (EnterpriseUnion, Some(p)) => matches!(
                p,
                Federation | IndustryUnion | DistrictUnion | EnterpriseUnion
            ),
            (BranchUnion, Some(p)) => matches!(p, EnterpriseUnion | BranchUnion),
        }
    }
}

impl std::str::FromStr for UnitKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitKind::parse("kind", s)
    }
}

/// A unit's code: upper-case letters, digits and `-`, 2 to 32 long; unique across the platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(field: &str, raw: &str) -> Result<UnitCode, FieldError> {
        let value = raw.trim().to_ascii_uppercase();
        let len = value.chars().count();
        if len == 0 {
            return Err(FieldError::new(field, "required"));
        }
        if !(2..=32).contains(&len) || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(FieldError::new(field, "invalid_unit_code").with("value", raw.trim()));
        }
        Ok(UnitCode(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unit's full name, e.g. 华江钢铁集团有限公司工会.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitName(String);

impl UnitName {
    pub fn parse(field: &str, raw: &str) -> Result<UnitName, FieldError> {
        text(field, raw, 2, 100).map(UnitName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The materialised path of a unit in the tree, `/1/5/23/`: a subtree is every path that starts
/// with its root's path, which both databases answer with an indexed prefix match.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitPath(String);

impl UnitPath {
    pub fn root(id: i64) -> UnitPath {
        UnitPath(format!("/{id}/"))
    }

    pub fn child(&self, id: i64) -> UnitPath {
        UnitPath(format!("{}{id}/", self.0))
    }

    pub fn from_stored(raw: impl Into<String>) -> UnitPath {
        UnitPath(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &UnitPath) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }

    /// The ids from the root down to this unit.
    pub fn ids(&self) -> Vec<i64> {
        self.0.split('/').filter_map(|p| p.parse().ok()).collect()
    }

    /// The path of a descendant after its subtree root moved from `old_root` to `new_root`.
    pub fn rebased(&self, old_root: &UnitPath, new_root: &UnitPath) -> UnitPath {
        match self.0.strip_prefix(&old_root.0) {
            Some(rest) => UnitPath(format!("{}{rest}", new_root.0)),
            None => self.clone(),
        }
    }
}

/// Why a unit may not move under a new parent, if it may not.
pub fn check_move(
    unit: &UnitPath,
    kind: UnitKind,
    new_parent: &UnitPath,
    new_parent_kind: UnitKind,
) -> Result<(), FieldError> {
    if new_parent.is_within(unit) {
        return Err(FieldError::new("parent", "move_into_own_subtree"));
    }
    if !kind.may_have_parent(Some(new_parent_kind)) {
        return Err(FieldError::new("parent", "parent_kind_not_allowed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(
            UnitCode::parse("code", " hj-steel ").unwrap().as_str(),
            "HJ-STEEL"
        );
        assert_eq!(
            UnitCode::parse("code", "钢铁").unwrap_err().code,
            "invalid_unit_code"
        );
        assert_eq!(UnitCode::parse("code", "").unwrap_err().code, "required");
    }

    #[test]
    fn kinds_parse_from_labels_in_both_languages() {
        assert_eq!(
            UnitKind::parse("k", "企业工会").unwrap(),
            UnitKind::EnterpriseUnion
        );
        assert_eq!(
            UnitKind::parse("k", "industry union").unwrap(),
            UnitKind::IndustryUnion
        );
        assert!(UnitKind::parse("k", "公司").is_err());
    }

    #[test]
    fn the_tree_has_rules() {
        assert!(UnitKind::Federation.may_have_parent(None));
        assert!(!UnitKind::BranchUnion.may_have_parent(Some(UnitKind::Federation)));
        assert!(UnitKind::BranchUnion.may_have_parent(Some(UnitKind::EnterpriseUnion)));
        assert!(!UnitKind::EnterpriseUnion.may_have_parent(None));
    }

    #[test]
    fn paths_know_subtrees_and_moves() {
        let root = UnitPath::root(1);
        let a = root.child(5);
        let b = a.child(23);
        assert!(b.is_within(&a) && b.is_within(&root) && !a.is_within(&b));
        assert!(
            !UnitPath::from_stored("/1/50/").is_within(&a),
            "prefix match is per segment"
        );
        assert_eq!(b.ids(), vec![1, 5, 23]);
        let moved = b.rebased(&a, &root.child(7));
        assert_eq!(moved.as_str(), "/1/7/23/");
        assert_eq!(
            check_move(&a, UnitKind::IndustryUnion, &b, UnitKind::BranchUnion)
                .unwrap_err()
                .code,
            "move_into_own_subtree"
        );
    }
}
