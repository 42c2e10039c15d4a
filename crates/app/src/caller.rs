//! Who is asking: the actor recorded in the audit log, and the grants that decide what they may do.

use crate::{ServiceError, ServiceResult};
use gongjiang_domain::audit::Actor;
use gongjiang_domain::authz::{Action, Grants};
use gongjiang_domain::unit::UnitPath;

#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub grants: Grants,
    /// The person the account belongs to (an entrant sits exams as this person).
    pub person_id: Option<i64>,
    /// The command line acts for the operator of the installation, who may do anything.
    system: bool,
}

impl Caller {
    pub fn user(user_id: i64, name: &str, origin: &str, grants: Grants) -> Caller {
        Caller {
            actor: Actor {
                user_id: Some(user_id),
                name: name.to_owned(),
                origin: origin.to_owned(),
            },
            grants,
            person_id: None,
            system: false,
        }
    }

    /// The same caller, acting as the person `person_id`.
    pub fn with_person(mut self, person_id: Option<i64>) -> Caller {
        self.person_id = person_id;
        self
    }

    /// Someone not signed in: reads what is public and nothing more.
    pub fn anonymous(origin: &str) -> Caller {
        Caller {
            actor: Actor {
                user_id: None,
                name: String::new(),
                origin: origin.to_owned(),
            },
            grants: Grants::default(),
            person_id: None,
            system: false,
        }
    }

    pub fn system(name: &str) -> Caller {
        Caller {
            actor: Actor::system(name),
            grants: Grants::default(),
            person_id: None,
            system: true,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.actor.user_id
    }

    pub fn is_system(&self) -> bool {
        self.system
    }

    pub fn may(&self, action: Action, target: &UnitPath) -> bool {
        self.system || self.grants.allows(action, target)
    }

    pub fn ensure(&self, action: Action, target: &UnitPath) -> ServiceResult<()> {
        if self.may(action, target) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    pub fn may_somewhere(&self, action: Action) -> bool {
        self.system || self.grants.allows_somewhere(action)
    }

    pub fn ensure_somewhere(&self, action: Action) -> ServiceResult<()> {
        if self.may_somewhere(action) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// The roots of the subtrees where the caller may do `action` (`/` for the system).
    pub fn scope(&self, action: Action) -> Vec<UnitPath> {
        if self.system {
            vec![UnitPath::from_stored("/")]
        } else {
            self.grants.scope(action)
        }
    }
}
