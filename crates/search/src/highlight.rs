//! Marking what matched in a title or a snippet, as pieces the template escapes and wraps.

use crate::Query;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// `text` cut into pieces, those that match a word of the query marked (case-insensitive).
pub fn highlight(text: &str, query: &Query) -> Vec<Piece> {
    let needles: Vec<Vec<char>> = query
        .shown()
        .iter()
        .map(|s| s.chars().map(lower).collect())
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|c| lower(*c)).collect();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = 0;
    let push = |pieces: &mut Vec<Piece>, s: &[char], hit: bool| {
        let s: String = s.iter().collect();
        match pieces.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(&s),
            _ => pieces.push(Piece { text: s, hit }),
        }
    };
    while i < chars.len() {
        let found = needles
            .iter()
            .filter(|n| !n.is_empty() && folded[i..].starts_with(n))
            .map(Vec::len)
            .max();
        match found {
            Some(n) => {
                push(&mut pieces, &chars[i..i + n], true);
                i += n;
            }
            None => {
                push(&mut pieces, &chars[i..i + 1], false);
                i += 1;
            }
        }
    }
    pieces
}

/// Up to `max` characters of `text` around its first match (or its start), highlighted.
pub fn snippet(text: &str, query: &Query, max: usize) -> Vec<Piece> {
    // Fields are stored a line each; in a snippet they read as a list.
    let text = text.trim().replace('\n', "；");
    let chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
    let pieces = highlight(&chars.iter().collect::<String>(), query);
    let mut offset = 0;
    let mut first = None;
    for p in &pieces {
        if p.hit {
            first = Some(offset);
            break;
        }
        offset += p.text.chars().count();
    }
    let start = first.map(|f| f.saturating_sub(max / 4)).unwrap_or(0);
    let end = (start + max).min(chars.len());
    let mut cut: String = chars[start..end].iter().collect();
    if start > 0 {
        cut.insert(0, '…');
    }
    if end < chars.len() {
        cut.push('…');
    }
    highlight(&cut, query)
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
    }
}
