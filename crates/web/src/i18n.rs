//! Translations: every string the interface shows lives in `locales/*.toml`, keyed by a stable
//! name. Chinese is the default; English is the second language.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Locale> {
        match raw.trim() {
            "zh-CN" | "zh" | "zh-cn" => Some(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| {
                let tag = tag.trim().to_ascii_lowercase();
                if tag.starts_with("zh") {
                    Some(Locale::ZhCn)
                } else if tag.starts_with("en") {
                    Some(Locale::En)
                } else {
                    None
                }
            })
    }

    pub fn is_english(self) -> bool {
        self == Locale::En
    }
}

type Catalog = HashMap<String, String>;

/// One language's catalog from its files (one per area of the platform).
fn parse_catalog(sources: &[&str]) -> Catalog {
    let mut out = HashMap::new();
    for source in sources {
        // A malformed catalog is caught by the tests; at run time it degrades to showing keys.
        let table: toml::Table = toml::from_str(source).unwrap_or_default();
        flatten("", &table, &mut out);
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

pub const ZH_SOURCE: &[&str] = &[
    include_str!("../../../locales/zh-CN.toml"),
    include_str!("../../../locales/registry.zh-CN.toml"),
    include_str!("../../../locales/competitions.zh-CN.toml"),
];
pub const EN_SOURCE: &[&str] = &[
    include_str!("../../../locales/en.toml"),
    include_str!("../../../locales/registry.en.toml"),
    include_str!("../../../locales/competitions.en.toml"),
];

fn catalogs() -> &'static (Catalog, Catalog) {
    static CATALOGS: OnceLock<(Catalog, Catalog)> = OnceLock::new();
    CATALOGS.get_or_init(|| (parse_catalog(ZH_SOURCE), parse_catalog(EN_SOURCE)))
}

/// Looks up strings in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Tr {
        Tr { locale }
    }

    /// The string for `key`; a missing key shows itself (and fails the catalog tests).
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        let (zh, en) = catalogs();
        let catalog = if self.locale.is_english() { en } else { zh };
        catalog.get(key).map(|s| s.as_str()).unwrap_or(key)
    }

    /// The string for `key` with `{name}` placeholders filled.
    pub fn tf(&self, key: &str, params: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in params {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Like `tf` with parameters as owned pairs (as validation errors carry them).
    pub fn tp(&self, key: &str, params: &[(String, String)]) -> String {
        let borrowed: Vec<(&str, &str)> = params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        self.tf(key, &borrowed)
    }

    /// A translated message for an error code (`error.<code>`).
    pub fn error(&self, code: &str, params: &[(String, String)]) -> String {
        self.tp(&format!("error.{code}"), params)
    }

    pub fn has(&self, key: &str) -> bool {
        let (zh, en) = catalogs();
        if self.locale.is_english() {
            en.contains_key(key)
        } else {
            zh.contains_key(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_parse_and_have_the_same_keys() {
        for source in ZH_SOURCE.iter().chain(EN_SOURCE) {
            if let Err(e) = toml::from_str::<toml::Table>(source) {
                panic!("a catalog file does not parse: {e}");
            }
        }
        let zh = parse_catalog(ZH_SOURCE);
        let en = parse_catalog(EN_SOURCE);
        assert!(zh.len() > 100, "zh catalog has {} keys", zh.len());
        let mut missing_en: Vec<&String> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_zh: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        missing_en.sort();
        missing_zh.sort();
        assert!(missing_en.is_empty(), "missing in en.toml: {missing_en:?}");
        assert!(
            missing_zh.is_empty(),
            "missing in zh-CN.toml: {missing_zh:?}"
        );
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let zh = parse_catalog(ZH_SOURCE);
        let mut missing = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        for dir in [
            "templates",
            "templates/admin",
            "templates/exams",
            "templates/registry",
            "templates/competitions",
            "src",
            "src/pages",
            "src/api",
        ] {
            let Ok(entries) = std::fs::read_dir(format!("{root}{dir}")) else {
                continue;
            };
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for marker in [".t(\"", ".tf(\"", ".tp(\""] {
                    for piece in text.split(marker).skip(1) {
                        let key = piece.split('"').next().unwrap_or_default();
                        if !key.is_empty()
                            && !key.contains('{')
                            && !key.ends_with('.')
                            && !zh.contains_key(key)
                        {
                            missing.push(format!("{}: {key}", entry.path().display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:#?}"
        );
    }

    #[test]
    fn every_domain_error_code_is_translated() {
        let zh = parse_catalog(ZH_SOURCE);
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../");
        let mut missing = Vec::new();
        for dir in [
            "domain/src",
            "domain/src/exam",
            "domain/src/registry",
            "app/src",
            "web/src",
            "web/src/pages",
            "web/src/api",
        ] {
            let Ok(entries) = std::fs::read_dir(format!("{root}{dir}")) else {
                continue;
            };
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for marker in ["FieldError::new(\"", "Conflict(\"", "problem("] {
                    for piece in text.split(marker).skip(1) {
                        let rest = match marker {
                            // The format parsers report problems with a line number first.
                            "problem(" => piece
                                .split_once(", \"")
                                .filter(|(arg, _)| {
                                    arg.chars().all(|c| c.is_alphanumeric() || c == '_')
                                })
                                .map(|(_, r)| r),
                            // Within the call: a code given by a variable is not read
                            // from whatever string comes next in the file.
                            m if m.starts_with("FieldError") => piece
                                .split(')')
                                .next()
                                .and_then(|call| call.split_once("\", \""))
                                .map(|(_, r)| r),
                            _ => Some(piece),
                        };
                        let Some(code) = rest.and_then(|r| r.split('"').next()) else {
                            continue;
                        };
                        if !code.is_empty() && !zh.contains_key(&format!("error.{code}")) {
                            missing.push(format!("{}: {code}", entry.path().display()));
                        }
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "error codes without a message: {missing:#?}"
        );
    }

    #[test]
    fn placeholders_fill_and_languages_are_negotiated() {
        let tr = Tr::new(Locale::En);
        assert_eq!(
            tr.tf("error.too_long", &[("max", "5")]),
            "At most 5 characters."
        );
        assert_eq!(
            Locale::from_accept_language("fr;q=0.9, en-US;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("zh-TW"), Some(Locale::ZhCn));
    }
}
