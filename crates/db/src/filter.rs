//! Lists with optional filters: a `WHERE` clause built with numbered placeholders and the
//! values to bind to them, so that no filter value is ever spliced into SQL.

use crate::like_prefix;
use gongjiang_domain::unit::UnitPath;
use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::{QueryAs, QueryScalar};

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default)]
pub(crate) struct Where {
    conds: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    /// Adds a value and gives its placeholder.
    pub fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    pub fn text(&mut self, value: &str) -> String {
        self.arg(Arg::Text(value.to_owned()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    pub fn and(&mut self, cond: impl Into<String>) {
        self.conds.push(cond.into());
    }

    /// Rows whose `column` (a unit path) lies inside one of `roots`; none when `roots` is empty.
    pub fn within(&mut self, column: &str, roots: &[UnitPath]) {
        if roots.is_empty() {
            self.and("1 = 0");
            return;
        }
        let parts: Vec<String> = roots
            .iter()
            .map(|r| {
                let p = self.text(&like_prefix(r.as_str()));
                format!("{column} LIKE {p} ESCAPE '\\'")
            })
            .collect();
        self.and(format!("({})", parts.join(" OR ")));
    }

    /// ` WHERE a AND b`, or nothing.
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }

    pub fn bind_as<'q, O>(
        &self,
        mut q: QueryAs<'q, Any, O, AnyArguments>,
    ) -> QueryAs<'q, Any, O, AnyArguments> {
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }

    pub fn bind_scalar<'q, O>(
        &self,
        mut q: QueryScalar<'q, Any, O, AnyArguments>,
    ) -> QueryScalar<'q, Any, O, AnyArguments> {
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}
