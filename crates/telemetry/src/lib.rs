//! Metrics in the Prometheus text format, kept in this process: counters, gauges and
//! histograms by name and labels. Every layer records what it alone knows (the web layer its
//! requests, the database layer its group commits, the services their searches and imports);
//! `render` writes them all for a scrape of `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

/// Latency buckets in seconds: from a cached page (half a millisecond) to a slow import.
pub const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Batch-size buckets (group commits write up to a few hundred at once).
pub const SIZES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

struct Family {
    help: &'static str,
    kind: Kind,
    buckets: &'static [f64],
    series: RwLock<BTreeMap<String, Arc<Series>>>,
}

/// One series: a value (counter, gauge) or the buckets, sum and count of a histogram.
struct Series {
    value: AtomicU64,
    buckets: Vec<AtomicU64>,
    /// The sum in millionths (histograms), so that it stays an atomic integer.
    sum_micro: AtomicU64,
}

fn families() -> &'static RwLock<BTreeMap<&'static str, Arc<Family>>> {
    static FAMILIES: OnceLock<RwLock<BTreeMap<&'static str, Arc<Family>>>> = OnceLock::new();
    FAMILIES.get_or_init(RwLock::default)
}

fn family(
    name: &'static str,
    help: &'static str,
    kind: Kind,
    buckets: &'static [f64],
) -> Arc<Family> {
    if let Some(f) = families().read().ok().and_then(|m| m.get(name).cloned()) {
        return f;
    }
    let mut all = match families().write() {
        Ok(all) => all,
        Err(poisoned) => poisoned.into_inner(),
    };
    all.entry(name)
        .or_insert_with(|| {
            Arc::new(Family {
                help,
                kind,
                buckets,
                series: RwLock::default(),
            })
        })
        .clone()
}

/// Labels as Prometheus writes them: `{route="/x",status="200"}` (values escaped).
fn label_text(labels: &[(&str, &str)]) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn series(f: &Family, labels: &[(&str, &str)]) -> Arc<Series> {
    let key = label_text(labels);
    if let Some(s) = f.series.read().ok().and_then(|m| m.get(&key).cloned()) {
        return s;
    }
    let mut all = match f.series.write() {
        Ok(all) => all,
        Err(poisoned) => poisoned.into_inner(),
    };
    all.entry(key)
        .or_insert_with(|| {
            Arc::new(Series {
                value: AtomicU64::new(0),
                buckets: f.buckets.iter().map(|_| AtomicU64::new(0)).collect(),
                sum_micro: AtomicU64::new(0),
            })
        })
        .clone()
}

/// Adds to a counter.
pub fn count(name: &'static str, help: &'static str, labels: &[(&str, &str)], by: u64) {
    let f = family(name, help, Kind::Counter, &[]);
    series(&f, labels).value.fetch_add(by, Ordering::Relaxed);
}

/// Sets a gauge (a whole number: connections, sizes).
pub fn set(name: &'static str, help: &'static str, labels: &[(&str, &str)], value: u64) {
    let f = family(name, help, Kind::Gauge, &[]);
    series(&f, labels).value.store(value, Ordering::Relaxed);
}

/// Records one observation in a histogram with the given buckets.
pub fn observe(
    name: &'static str,
    help: &'static str,
    labels: &[(&str, &str)],
    buckets: &'static [f64],
    value: f64,
) {
    let f = family(name, help, Kind::Histogram, buckets);
    let s = series(&f, labels);
    for (bound, count) in f.buckets.iter().zip(&s.buckets) {
        if value <= *bound {
            count.fetch_add(1, Ordering::Relaxed);
        }
    }
    s.value.fetch_add(1, Ordering::Relaxed);
    s.sum_micro
        .fetch_add((value.max(0.0) * 1e6) as u64, Ordering::Relaxed);
}

/// Records a duration in seconds.
pub fn time(name: &'static str, help: &'static str, labels: &[(&str, &str)], took: Duration) {
    observe(name, help, labels, SECONDS, took.as_secs_f64());
}

/// Every metric in the Prometheus text format (version 0.0.4).
pub fn render() -> String {
    let mut out = String::new();
    let all: Vec<(&'static str, Arc<Family>)> = match families().read() {
        Ok(m) => m.iter().map(|(k, v)| (*k, v.clone())).collect(),
        Err(_) => return out,
    };
    for (name, f) in all {
        let kind = match f.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let _ = writeln!(out, "# HELP {name} {}\n# TYPE {name} {kind}", f.help);
        let series: Vec<(String, Arc<Series>)> = match f.series.read() {
            Ok(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Err(_) => continue,
        };
        for (labels, s) in series {
            if f.kind != Kind::Histogram {
                let _ = writeln!(out, "{name}{labels} {}", s.value.load(Ordering::Relaxed));
                continue;
            }
            // The bucket label joins the series' own labels.
            let with = |extra: &str| {
                if labels.is_empty() {
                    format!("{{{extra}}}")
                } else {
                    format!("{},{extra}}}", &labels[..labels.len() - 1])
                }
            };
            for (bound, count) in f.buckets.iter().zip(&s.buckets) {
                let le = with(&format!("le=\"{bound}\""));
                let _ = writeln!(out, "{name}_bucket{le} {}", count.load(Ordering::Relaxed));
            }
            let total = s.value.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{} {total}", with("le=\"+Inf\""));
            let sum = s.sum_micro.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "{name}_sum{labels} {sum}");
            let _ = writeln!(out, "{name}_count{labels} {total}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_render_in_the_prometheus_text_format() {
        count("t_requests_total", "Requests.", &[("route", "/a\"b")], 2);
        set(
            "t_pool_connections",
            "Connections.",
            &[("state", "idle")],
            7,
        );
        observe("t_batch_size", "Batch sizes.", &[], SIZES, 3.0);
        time(
            "t_seconds",
            "Latency.",
            &[("route", "/x")],
            Duration::from_millis(3),
        );
        let text = render();
        assert!(text.contains("# TYPE t_requests_total counter\n"), "{text}");
        assert!(
            text.contains("t_requests_total{route=\"/a\\\"b\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("t_pool_connections{state=\"idle\"} 7\n"));
        assert!(text.contains("t_batch_size_bucket{le=\"2\"} 0\n"));
        assert!(text.contains("t_batch_size_bucket{le=\"4\"} 1\n"));
        assert!(text.contains("t_batch_size_bucket{le=\"+Inf\"} 1\n"));
        assert!(text.contains("t_seconds_bucket{route=\"/x\",le=\"0.0025\"} 0\n"));
        assert!(text.contains("t_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"));
        assert!(text.contains("t_seconds_count{route=\"/x\"} 1\n"));
    }
}
