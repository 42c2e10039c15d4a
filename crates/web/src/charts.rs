//! Charts drawn on the server as SVG: no script, no library to download, light on a phone, and
//! they print. Horizontal bars read well on narrow screens; stacked bars show a year's parts.

/// The palette (colour-blind safe, after Okabe and Ito).
const COLOURS: &[&str] = &[
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const ROW: i64 = 26;
const LABEL: i64 = 150;
const WIDTH: i64 = 560;

/// One bar per item, longest scaled to the width, the count at its end.
pub fn bars(title: &str, items: &[(String, i64)]) -> String {
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = ROW * items.len() as i64 + 8;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let y = i as i64 * ROW + 4;
        let w = (WIDTH - LABEL - 60) * n / max;
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text><rect x="{LABEL}" y="{}" width="{w}" height="{}" fill="{}" rx="2"/><text x="{}" y="{}" font-size="13">{n}</text>"#,
            LABEL - 6,
            y + 16,
            escape(label),
            y + 3,
            ROW - 8,
            COLOURS[0],
            LABEL + w + 6,
            y + 16,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// One stacked bar per row (a year), a part per series, with a legend.
pub fn stacked(title: &str, rows: &[(String, Vec<i64>)], series: &[String]) -> String {
    let max = rows
        .iter()
        .map(|(_, parts)| parts.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let legend_rows = series.len().div_ceil(3) as i64;
    let height = ROW * rows.len() as i64 + 8 + legend_rows * 22;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (i, (label, parts)) in rows.iter().enumerate() {
        let y = i as i64 * ROW + 4;
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>"#,
            LABEL - 6,
            y + 16,
            escape(label)
        ));
        let mut x = LABEL;
        for (k, n) in parts.iter().enumerate() {
            let w = (WIDTH - LABEL - 60) * n / max;
            if w > 0 {
                svg.push_str(&format!(
                    r#"<rect x="{x}" y="{}" width="{w}" height="{}" fill="{}"><title>{}: {n}</title></rect>"#,
                    y + 3,
                    ROW - 8,
                    COLOURS[k % COLOURS.len()],
                    escape(series.get(k).map(String::as_str).unwrap_or(""))
                ));
            }
            x += w;
        }
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" font-size="13">{}</text>"#,
            x + 6,
            y + 16,
            parts.iter().sum::<i64>()
        ));
    }
    let top = ROW * rows.len() as i64 + 12;
    for (k, name) in series.iter().enumerate() {
        let (col, row) = ((k % 3) as i64, (k / 3) as i64);
        let x = 10 + col * 180;
        let y = top + row * 22;
        svg.push_str(&format!(
            r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{}"/><text x="{}" y="{}" font-size="12">{}</text>"#,
            COLOURS[k % COLOURS.len()],
            x + 18,
            y + 11,
            escape(name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale() {
        let svg = bars("<t>", &[("a&b".into(), 10), ("c".into(), 5)]);
        assert!(svg.contains("a&amp;b") && svg.contains("&lt;t&gt;") && !svg.contains("<t>"));
        assert!(svg.contains(r#"width="350""#) && svg.contains(r#"width="175""#));
        let s = stacked(
            "x",
            &[("2024".into(), vec![1, 2])],
            &["一等奖".into(), "二等奖".into()],
        );
        assert!(s.contains("一等奖") && s.contains(">3</text>"));
    }
}
