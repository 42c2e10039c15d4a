//! Configuration, in layers: defaults, then an optional TOML file, then `GONGJIANG_*`
//! environment variables, then command-line flags. Unknown keys are errors that name them.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `sqlite://…` (default, under the data folder) or `postgres://…`.
    pub database_url: String,
    pub bind: String,
    pub port: u16,
    pub data_dir: String,
    /// Mark cookies `Secure`: set this when the site is served over HTTPS.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` for the client address (only behind your own proxy).
    pub trust_proxy: bool,
    /// How many proxies of yours stand in front (each appends the address it saw): the
    /// client's address is that many entries from the end of `X-Forwarded-For`.
    pub proxy_hops: i64,
    pub session_idle_minutes: i64,
    /// A session ends this long after login, however active (an absolute lifetime).
    pub session_max_hours: i64,
    /// How long a signed-in session is kept in memory between reads (0: never). Another
    /// instance sees a logout or a changed grant after at most this long.
    pub session_cache_seconds: i64,
    /// Requests a minute each caller may make to the JSON API, per instance (0: no limit).
    pub api_requests_per_minute: i64,
    pub max_failed_logins: i64,
    pub lockout_minutes: i64,
    /// A tracing filter, e.g. `info` or `gongjiang=debug`.
    pub log: String,
    /// `text` (the default) or `json`: one JSON object a line, for a log collector.
    pub log_format: String,
    /// Serve `/metrics` (Prometheus text format) on this port of `bind` (0: off).
    pub metrics_port: u16,
    /// The address people reach the site at (the certificates' QR codes open
    /// `{public_url}/verify/…`); empty: `http://{bind}:{port}`.
    pub public_url: String,
    /// Folders searched for fonts (`:` between them); certificates need one with Chinese.
    pub font_dirs: String,
    /// Where this instance keeps its search index (built from the database, and rebuilt when
    /// missing): a folder of its own (empty: `{data_dir}/search-index`), or `memory`.
    pub search_index: String,
    /// How many threads one search may read the index's segments on (0: as many as the
    /// machine has cores, at most 4).
    pub search_threads: u16,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: String::new(),
            bind: "127.0.0.1".into(),
            port: 8080,
            data_dir: "data".into(),
            secure_cookies: false,
            trust_proxy: false,
            proxy_hops: 1,
            session_idle_minutes: 12 * 60,
            session_max_hours: 24,
            session_cache_seconds: 10,
            api_requests_per_minute: 1200,
            max_failed_logins: 5,
            lockout_minutes: 15,
            log: "info".into(),
            log_format: "text".into(),
            metrics_port: 0,
            public_url: String::new(),
            font_dirs: "/usr/share/fonts:/usr/local/share/fonts".into(),
            search_index: String::new(),
            search_threads: 0,
        }
    }
}

/// One layer: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub port: Option<u16>,
    pub data_dir: Option<String>,
    pub secure_cookies: Option<bool>,
    pub trust_proxy: Option<bool>,
    pub proxy_hops: Option<i64>,
    pub session_idle_minutes: Option<i64>,
    pub session_max_hours: Option<i64>,
    pub session_cache_seconds: Option<i64>,
    pub api_requests_per_minute: Option<i64>,
    pub max_failed_logins: Option<i64>,
    pub lockout_minutes: Option<i64>,
    pub log: Option<String>,
    pub log_format: Option<String>,
    pub metrics_port: Option<u16>,
    pub public_url: Option<String>,
    pub font_dirs: Option<String>,
    pub search_index: Option<String>,
    pub search_threads: Option<u16>,
}

const KEYS: &[&str] = &[
    "database_url",
    "bind",
    "port",
    "data_dir",
    "secure_cookies",
    "trust_proxy",
    "proxy_hops",
    "session_idle_minutes",
    "session_max_hours",
    "session_cache_seconds",
    "api_requests_per_minute",
    "max_failed_logins",
    "lockout_minutes",
    "log",
    "log_format",
    "metrics_port",
    "public_url",
    "font_dirs",
    "search_index",
    "search_threads",
];

impl Config {
    fn apply(&mut self, l: Layer) {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = l.$f { self.$f = v; } )* };
        }
        take!(
            database_url,
            bind,
            port,
            data_dir,
            secure_cookies,
            trust_proxy,
            proxy_hops,
            session_idle_minutes,
            session_max_hours,
            session_cache_seconds,
            api_requests_per_minute,
            max_failed_logins,
            lockout_minutes,
            log,
            log_format,
            metrics_port,
            public_url,
            font_dirs,
            search_index,
            search_threads
        );
    }

    /// Builds the configuration from the file (if any), the environment and the flags.
    pub fn load(
        file: Option<&str>,
        env: &BTreeMap<String, String>,
        flags: Layer,
    ) -> Result<Config, String> {
        let mut config = Config::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read configuration file {path}: {e}"))?;
            let layer: Layer =
                toml::from_str(&text).map_err(|e| format!("configuration file {path}: {e}"))?;
            config.apply(layer);
        }
        config.apply(env_layer(env)?);
        config.apply(flags);
        if config.database_url.is_empty() {
            config.database_url = format!(
                "sqlite://{}/gongjiang.db",
                config.data_dir.trim_end_matches('/')
            );
        }
        if config.session_idle_minutes <= 0
            || config.max_failed_logins <= 0
            || config.lockout_minutes <= 0
        {
            return Err(
                "session_idle_minutes, max_failed_logins and lockout_minutes must be positive"
                    .into(),
            );
        }
        if !(0..=300).contains(&config.session_cache_seconds) {
            return Err("session_cache_seconds must be between 0 and 300".into());
        }
        if !(0..=1_000_000).contains(&config.api_requests_per_minute) {
            return Err("api_requests_per_minute must be between 0 and 1000000".into());
        }
        if config.search_threads > 64 {
            return Err("search_threads must be between 0 and 64".into());
        }
        Ok(config)
    }

    /// The search index's folder, or none to keep it in memory.
    pub fn search_index_folder(&self) -> Option<std::path::PathBuf> {
        match self.search_index.trim() {
            "memory" => None,
            "" => Some(std::path::Path::new(&self.data_dir).join("search-index")),
            folder => Some(folder.into()),
        }
    }

    /// The certificates' renderer and where their links and batches go.
    pub fn certificates(
        &self,
        addr: std::net::SocketAddr,
    ) -> gongjiang_app::certificates::Certificates {
        let public_url = if self.public_url.trim().is_empty() {
            format!("http://{addr}")
        } else {
            self.public_url.trim().to_owned()
        };
        let font_dirs: Vec<std::path::PathBuf> = self
            .font_dirs
            .split(':')
            .filter(|d| !d.trim().is_empty())
            .map(std::path::PathBuf::from)
            .collect();
        let batches = std::path::Path::new(&self.data_dir).join("certificates");
        gongjiang_app::certificates::Certificates::new(&font_dirs, &public_url, batches)
    }

    pub fn web_settings(&self) -> gongjiang_web::WebSettings {
        gongjiang_web::WebSettings {
            auth: gongjiang_app::auth::AuthSettings {
                session_idle_ms: self.session_idle_minutes * 60_000,
                session_max_ms: self.session_max_hours * 3_600_000,
                max_failures: self.max_failed_logins,
                lockout_ms: self.lockout_minutes * 60_000,
                ..Default::default()
            },
            secure_cookies: self.secure_cookies,
            proxy_hops: if self.trust_proxy {
                usize::try_from(self.proxy_hops.max(1)).unwrap_or(1)
            } else {
                0
            },
            api_requests_per_minute: self.api_requests_per_minute,
        }
    }
}

/// `GONGJIANG_PORT=9000` and the like. `GONGJIANG_CONFIG` names the file and is not a key.
fn env_layer(env: &BTreeMap<String, String>) -> Result<Layer, String> {
    let mut table = toml::Table::new();
    let mut unknown = Vec::new();
    for (name, value) in env {
        let Some(key) = name.strip_prefix("GONGJIANG_") else {
            continue;
        };
        let key = key.to_ascii_lowercase();
        if key == "config" || key == "test_db" || key == "test_pg_url" {
            continue;
        }
        if !KEYS.contains(&key.as_str()) {
            unknown.push(name.clone());
            continue;
        }
        let parsed = match key.as_str() {
            "port"
            | "metrics_port"
            | "proxy_hops"
            | "session_max_hours"
            | "session_idle_minutes"
            | "session_cache_seconds"
            | "api_requests_per_minute"
            | "max_failed_logins"
            | "lockout_minutes"
            | "search_threads" => toml::Value::Integer(
                value
                    .parse()
                    .map_err(|_| format!("{name}: not a number: {value}"))?,
            ),
            "secure_cookies" | "trust_proxy" => {
                toml::Value::Boolean(matches!(value.as_str(), "1" | "true" | "yes" | "on"))
            }
            _ => toml::Value::String(value.clone()),
        };
        table.insert(key, parsed);
    }
    if !unknown.is_empty() {
        return Err(format!(
            "unknown configuration variable(s): {} (known: {})",
            unknown.join(", "),
            KEYS.iter()
                .map(|k| format!("GONGJIANG_{}", k.to_uppercase()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    table.try_into().map_err(|e| format!("environment: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("gj-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("gongjiang.toml");
        std::fs::write(&file, "port = 9000\nbind = \"0.0.0.0\"\n").unwrap();
        let flags = Layer {
            bind: Some("127.0.0.2".into()),
            ..Default::default()
        };
        let c = Config::load(
            file.to_str(),
            &env(&[("GONGJIANG_PORT", "9100"), ("PATH", "/bin")]),
            flags,
        )
        .unwrap();
        assert_eq!((c.port, c.bind.as_str()), (9100, "127.0.0.2"));
        assert_eq!(c.database_url, "sqlite://data/gongjiang.db");
    }

    #[test]
    fn unknown_keys_are_named() {
        let dir = std::env::temp_dir().join(format!("gj-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.toml");
        std::fs::write(&file, "prot = 9000\n").unwrap();
        let err = Config::load(file.to_str(), &BTreeMap::new(), Layer::default()).unwrap_err();
        assert!(err.contains("prot"), "{err}");
        let err = Config::load(
            None,
            &env(&[("GONGJIANG_DATABSE_URL", "x")]),
            Layer::default(),
        )
        .unwrap_err();
        assert!(err.contains("GONGJIANG_DATABSE_URL"), "{err}");
        let err = Config::load(
            None,
            &env(&[("GONGJIANG_PORT", "eighty")]),
            Layer::default(),
        )
        .unwrap_err();
        assert!(err.contains("GONGJIANG_PORT"), "{err}");
    }

    #[test]
    fn search_threads_are_a_bounded_number() {
        let c = Config::load(
            None,
            &env(&[("GONGJIANG_SEARCH_THREADS", "1")]),
            Layer::default(),
        )
        .unwrap();
        assert_eq!(c.search_threads, 1);
        assert_eq!(Config::default().search_threads, 0);
        let err = Config::load(
            None,
            &env(&[("GONGJIANG_SEARCH_THREADS", "65")]),
            Layer::default(),
        )
        .unwrap_err();
        assert!(err.contains("search_threads"), "{err}");
    }
}
