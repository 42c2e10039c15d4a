//! Who may do what: roles granted on a unit hold for the unit's whole subtree.

use crate::account::Role;
use crate::unit::UnitPath;

/// One role held by a user on one unit (with that unit's current path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
    pub unit_path: UnitPath,
}

/// What a user is trying to do, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create, rename, move, close units; create, edit people; import and export their lists.
    ManageUnits,
    ManagePeople,
    /// Create accounts, reset passwords, lock and unlock.
    ManageAccounts,
    /// Grant or revoke this role.
    GrantRole(Role),
    /// Read and export the audit log.
    ReadAudit,
    /// Keep question banks, papers and exam sessions of a unit, and read their results.
    ManageBanks,
    /// Grade answers that need a person (short answers) in a unit's exam sessions.
    GradeExams,
    /// Register a unit's studios, record their levels, ratings and status (a studio's leader
    /// keeps its profile and members too: the services check that by person).
    ManageStudios,
    /// Keep the record of alliances and the innovation centers and bases kept by a unit.
    ManageAlliances,
    /// Declare a unit's achievements, record their awards and files, and decide on the
    /// declarations that reach the unit from below.
    DeclareAchievements,
    /// Set the registry's rules for the whole federation (the alliances' annual quota).
    ConfigureRegistry,
    /// Change the certificate template used for a unit's subtree.
    DesignCertificates,
    /// Organise a unit's competitions: their tracks, rounds, prizes and entrants.
    ManageCompetitions,
    /// Enrol a unit's workers in competition tracks, and approve or return the entries that
    /// wait on the unit.
    EnrolEntrants,
}

/// All the grants of one user: the answer to every authorization question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(pub Vec<Grant>);

impl Grants {
    /// Whether any grant lets the user administer anything (to show the admin area at all).
    pub fn is_admin(&self) -> bool {
        self.0.iter().any(|g| g.role.is_admin())
    }

    fn roles_allowing(action: Action) -> &'static [Role] {
        match action {
            Action::ManageUnits
            | Action::ManagePeople
            | Action::ManageAccounts
            | Action::ManageBanks
            | Action::ManageStudios
            | Action::ManageAlliances
            | Action::DeclareAchievements
            | Action::ManageCompetitions
            | Action::EnrolEntrants => &[Role::FederationAdmin, Role::UnitAdmin],
            // Only federation staff hand out federation-wide power; unit admins staff their units.
            Action::GrantRole(Role::FederationAdmin) => &[Role::FederationAdmin],
            Action::GrantRole(_) => &[Role::FederationAdmin, Role::UnitAdmin],
            Action::ReadAudit | Action::ConfigureRegistry | Action::DesignCertificates => {
                &[Role::FederationAdmin]
            }
            Action::GradeExams => &[Role::FederationAdmin, Role::UnitAdmin, Role::Judge],
        }
    }

    /// Whether the user may do `action` on something that belongs to the unit at `target`.
    pub fn allows(&self, action: Action, target: &UnitPath) -> bool {
        let roles = Self::roles_allowing(action);
        self.0
            .iter()
            .any(|g| roles.contains(&g.role) && target.is_within(&g.unit_path))
    }

    /// Whether the user may do `action` somewhere (to show a page whose rows are then filtered).
    pub fn allows_somewhere(&self, action: Action) -> bool {
        let roles = Self::roles_allowing(action);
        self.0.iter().any(|g| roles.contains(&g.role))
    }

    /// The roots of the subtrees in which the user may do `action`: lists are filtered to them.
    pub fn scope(&self, action: Action) -> Vec<UnitPath> {
        let roles = Self::roles_allowing(action);
        let mut roots: Vec<UnitPath> = self
            .0
            .iter()
            .filter(|g| roles.contains(&g.role))
            .map(|g| g.unit_path.clone())
            .collect();
        roots.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        // A root inside another root adds nothing.
        let mut kept: Vec<UnitPath> = Vec::new();
        for root in roots {
            if !kept.iter().any(|k| root.is_within(k)) {
                kept.push(root);
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, path: &str) -> Grant {
        let unit_path = UnitPath::from_stored(path);
        Grant {
            role,
            unit_id: *unit_path.ids().last().unwrap(),
            unit_path,
        }
    }

    #[test]
    fn grants_hold_for_the_subtree_only() {
        let admin = Grants(vec![grant(Role::UnitAdmin, "/1/2/")]);
        assert!(admin.allows(Action::ManageUnits, &UnitPath::from_stored("/1/2/9/")));
        assert!(!admin.allows(Action::ManageUnits, &UnitPath::from_stored("/1/3/")));
        assert!(!admin.allows(Action::ManageUnits, &UnitPath::from_stored("/1/")));
        assert!(!admin.allows(Action::ReadAudit, &UnitPath::from_stored("/1/2/")));
        assert!(!admin.allows(
            Action::GrantRole(Role::FederationAdmin),
            &UnitPath::from_stored("/1/2/9/")
        ));
        assert!(admin.allows(
            Action::GrantRole(Role::Judge),
            &UnitPath::from_stored("/1/2/9/")
        ));
        let worker = Grants(vec![grant(Role::Worker, "/1/")]);
        assert!(!worker.allows(Action::ManagePeople, &UnitPath::from_stored("/1/2/")));
    }

    #[test]
    fn scope_drops_nested_roots() {
        let g = Grants(vec![
            grant(Role::UnitAdmin, "/1/2/5/"),
            grant(Role::UnitAdmin, "/1/2/"),
            grant(Role::UnitAdmin, "/1/3/"),
        ]);
        let scope: Vec<String> = g
            .scope(Action::ManageUnits)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        assert_eq!(scope, vec!["/1/2/", "/1/3/"]);
    }
}
