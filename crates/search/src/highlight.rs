//! Marking what matched in a title or a snippet, as pieces the template escapes and wraps.

use crate::Query;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else if crate::is_han(c) {
        c
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// The query's words as texts are compared with them, longest first.
fn needles(query: &Query) -> Vec<Vec<char>> {
    query
        .shown()
        .iter()
        .map(|s| s.chars().map(lower).collect::<Vec<char>>())
        .filter(|n| !n.is_empty())
        .collect()
}

/// How many characters the longest word of the query found at `at` takes.
fn found_at(folded: &[char], at: usize, needles: &[Vec<char>]) -> Option<usize> {
    needles
        .iter()
        .find(|n| folded[at..].starts_with(n))
        .map(Vec::len)
}

/// `chars` cut into pieces, the words of the query marked; each piece is made once, as a
/// search marks twenty titles and snippets.
fn marked(chars: &[char], needles: &[Vec<char>]) -> Vec<Piece> {
    let folded: Vec<char> = chars.iter().map(|c| lower(*c)).collect();
    let mut pieces = Vec::new();
    let (mut start, mut hit) = (0, false);
    let mut at = 0;
    while at < chars.len() {
        let (len, here) = found_at(&folded, at, needles).map_or((1, false), |n| (n, true));
        if here != hit {
            if at > start {
                pieces.push(Piece {
                    text: chars[start..at].iter().collect(),
                    hit,
                });
            }
            (start, hit) = (at, here);
        }
        at += len;
    }
    if start < chars.len() {
        pieces.push(Piece {
            text: chars[start..].iter().collect(),
            hit,
        });
    }
    pieces
}

/// `text` cut into pieces, those that match a word of the query marked (case-insensitive).
pub fn highlight(text: &str, query: &Query) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    marked(&chars, &needles(query))
}

/// Up to `max` characters of `text` around its first match (or its start), highlighted.
pub fn snippet(text: &str, query: &Query, max: usize) -> Vec<Piece> {
    let needles = needles(query);
    // Fields are stored a line each; in a snippet they read as a list.
    let chars: Vec<char> = text
        .trim()
        .chars()
        .map(|c| if c == '\n' { '；' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    let folded: Vec<char> = chars.iter().map(|c| lower(*c)).collect();
    let first = (0..folded.len()).find(|&at| found_at(&folded, at, &needles).is_some());
    let start = first.map_or(0, |f| f.saturating_sub(max / 4));
    let end = (start + max).min(chars.len());
    let mut cut = Vec::with_capacity(end - start + 2);
    if start > 0 {
        cut.push('…');
    }
    cut.extend_from_slice(&chars[start..end]);
    if end < chars.len() {
        cut.push('…');
    }
    marked(&cut, &needles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_in_place() {
        let q = Query::parse("连铸 plc");
        let pieces = highlight("基于PLC的连铸机控制", &q);
        let hits: Vec<&str> = pieces
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(hits, vec!["PLC", "连铸"]);
        let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, "基于PLC的连铸机控制");
        let long = format!("{}连铸{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&long, &q, 40);
        let text: String = s.iter().map(|p| p.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…') && text.contains("连铸"));
        assert_eq!(text.chars().count(), 42);
        // A field a line: read as a list; a text without a match shows its start.
        let s = snippet("\n焊接工艺\n连铸机\n", &q, 40);
        let pieces: Vec<(&str, bool)> = s.iter().map(|p| (p.text.as_str(), p.hit)).collect();
        assert_eq!(
            pieces,
            vec![("焊接工艺；", false), ("连铸", true), ("机", false)]
        );
        let s = snippet("甲乙丙", &q, 2);
        assert_eq!(
            s,
            vec![Piece {
                text: "甲乙…".into(),
                hit: false
            }]
        );
        assert!(highlight("", &q).is_empty());
    }
}
