//! What a personal API token may do: read only, or read and write; in every module of the
//! API or in some. A token never stands for a person at a keyboard, so it is given no more
//! than its script needs.

use crate::error::FieldError;

/// The modules of the API a scope can name, each the first segments of its paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    /// Units, people, accounts and grants, imports and exports of the registry's lists, the
    /// audit log and statistics.
    People,
    /// Studios, achievements, alliances, groups, honours, exhibitions, star evaluations,
    /// search and the public registry.
    Registry,
    /// Question banks, papers, exam sessions and attempts.
    Exams,
    /// Competitions, tracks, entries, judging panels, objections and certificates.
    Competitions,
}

impl Module {
    pub const ALL: [Module; 4] = [
        Module::People,
        Module::Registry,
        Module::Exams,
        Module::Competitions,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Module::People => "people",
            Module::Registry => "registry",
            Module::Exams => "exams",
            Module::Competitions => "competitions",
        }
    }

    pub fn parse(code: &str) -> Option<Module> {
        Module::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

/// Where a path belongs, by its first segment: `/api/v1/{segment}/…` for the API, and for the
/// pages a script may fetch with a token (files and pictures), `/{segment}/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The caller's own account (`me`, `my`, `tokens`): in every scope.
    Own,
    In(Module),
    /// A path no module claims (one added later): only for tokens of every module.
    Unclaimed,
}

pub fn area_of(segment: &str) -> Area {
    use Module::*;
    let module = match segment {
        "me" | "my" | "tokens" | "account" => return Area::Own,
        "units" | "people" | "users" | "grants" | "imports" | "exports" | "audit"
        | "statistics" | "admin" => People,
        "studios" | "studio-members" | "achievements" | "achievement-files" | "alliances"
        | "alliance-members" | "groups" | "honours" | "exhibitions" | "mentorships"
        | "star-cycles" | "declarations" | "search" | "public" | "innovation" | "showcase"
        | "studio-pictures" | "files" => Registry,
        "banks" | "questions" | "papers" | "exam-sessions" | "attempts" | "exams" => Exams,
        "competitions"
        | "tracks"
        | "entries"
        | "entry-inbox"
        | "panels"
        | "objections"
        | "certificates"
        | "certificate-batches"
        | "judging"
        | "notices" => Competitions,
        _ => return Area::Unclaimed,
    };
    Area::In(module)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScope {
    pub writes: bool,
    /// Empty: every module.
    pub modules: Vec<Module>,
}

impl TokenScope {
    /// Read from a form or a request: `access` is `read` (the default) or `write`; `modules`
    /// names modules by code, none meaning all.
    pub fn parse(access: &str, modules: &[String]) -> Result<TokenScope, FieldError> {
        let writes = match access.trim() {
            "" | "read" => false,
            "write" => true,
            other => {
                return Err(FieldError::new("access", "unknown_token_access").with("value", other));
            }
        };
        let mut parsed = Vec::new();
        for code in modules.iter().filter(|c| !c.trim().is_empty()) {
            let module = Module::parse(code).ok_or_else(|| {
                FieldError::new("modules", "unknown_token_module").with("value", code)
            })?;
            parsed.push(module);
        }
        parsed.sort();
        parsed.dedup();
        if parsed.len() == Module::ALL.len() {
            parsed.clear();
        }
        Ok(TokenScope {
            writes,
            modules: parsed,
        })
    }

    /// As stored: `read` or `write`, then `:` and the modules when not all.
    pub fn stored(&self) -> String {
        let access = if self.writes { "write" } else { "read" };
        if self.modules.is_empty() {
            access.to_owned()
        } else {
            let codes: Vec<&str> = self.modules.iter().map(|m| m.code()).collect();
            format!("{access}:{}", codes.join(","))
        }
    }

    /// A stored scope; anything unreadable reads as the narrowest (read only, one module that
    /// never matches nothing: no module at all).
    pub fn from_stored(stored: &str) -> TokenScope {
        let (access, modules) = stored.split_once(':').unwrap_or((stored, ""));
        let modules: Vec<String> = modules.split(',').map(str::to_owned).collect();
        TokenScope::parse(access, &modules).unwrap_or(TokenScope {
            writes: false,
            modules: vec![Module::People],
        })
    }

    /// Whether a request to `/api/v1/{segment}/…` that reads (`GET`, `HEAD`) or writes may
    /// go ahead under this scope.
    pub fn allows(&self, writes: bool, segment: &str) -> bool {
        if writes && !self.writes {
            return false;
        }
        match area_of(segment) {
            Area::Own => true,
            Area::In(module) => self.modules.is_empty() || self.modules.contains(&module),
            Area::Unclaimed => self.modules.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(access: &str, modules: &[&str]) -> TokenScope {
        let modules: Vec<String> = modules.iter().map(|m| (*m).to_owned()).collect();
        TokenScope::parse(access, &modules).unwrap()
    }

    #[test]
    fn a_read_scope_reads_and_never_writes() {
        let read = scope("", &[]);
        assert!(read.allows(false, "studios") && read.allows(false, "exam-sessions"));
        assert!(!read.allows(true, "studios") && !read.allows(true, "tokens"));
        assert_eq!(read.stored(), "read");
    }

    #[test]
    fn modules_bound_what_a_token_reaches() {
        let exams = scope("write", &["exams", "exams"]);
        assert!(exams.allows(true, "banks") && exams.allows(false, "attempts"));
        assert!(!exams.allows(false, "studios") && !exams.allows(false, "audit"));
        assert!(
            exams.allows(false, "me"),
            "the own account is in every scope"
        );
        let registry = scope("read", &["registry"]);
        assert!(
            registry.allows(false, "files"),
            "an achievement's files, whose URLs the API gives"
        );
        assert!(scope("read", &["competitions"]).allows(false, "notices"));
        assert!(!exams.allows(false, "something-new"));
        assert!(scope("write", &[]).allows(true, "something-new"));
        assert_eq!(exams.stored(), "write:exams");
        assert_eq!(TokenScope::from_stored("write:exams"), exams);
        let every: Vec<&str> = Module::ALL.iter().map(|m| m.code()).collect();
        assert_eq!(scope("read", &every).stored(), "read");
    }

    #[test]
    fn bad_scopes_are_refused_and_bad_stored_ones_read_narrow() {
        assert_eq!(
            TokenScope::parse("admin", &[]).unwrap_err().code,
            "unknown_token_access"
        );
        assert_eq!(
            TokenScope::parse("read", &["studios".into()])
                .unwrap_err()
                .field,
            "modules"
        );
        let narrow = TokenScope::from_stored("root:everything");
        assert!(!narrow.allows(true, "people") && !narrow.allows(false, "studios"));
    }
}
