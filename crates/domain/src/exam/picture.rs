//! Pictures in questions: a stem or an option holds `[图片:12]` where picture 12 of its bank
//! goes; uploads are checked by their first bytes, not by what the browser claims.

/// The largest picture accepted.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// The image type of `bytes`, if it is PNG, JPEG, GIF or WebP.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The marker that places picture `id` in a text.
pub fn marker(id: i64) -> String {
    format!("[图片:{id}]")
}

/// Where the picture named `name` in an imported file goes, until it is stored.
pub fn file_marker(name: &str) -> String {
    format!("[图片:@{name}]")
}

/// The names of the file pictures a text places, in order.
pub fn file_markers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[图片:@") {
        let after = &rest[start + "[图片:@".len()..];
        match after.find(']') {
            Some(end) => {
                out.push(after[..end].to_owned());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

/// A piece of a question's text: words, or a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Picture(i64),
}

/// Splits a text at its picture markers.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[图片:") {
        let after = &rest[start + "[图片:".len()..];
        let Some(end) = after.find(']') else { break };
        let Ok(id) = after[..end].trim().parse::<i64>() else {
            out.push(Piece::Text(rest[..start + "[图片:".len()].to_owned()));
            rest = after;
            continue;
        };
        if start > 0 {
            out.push(Piece::Text(rest[..start].to_owned()));
        }
        out.push(Piece::Picture(id));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_owned()));
    }
    // Neighbouring text pieces (after a malformed marker) read as one.
    out.dedup_by(|b, a| match (a, b) {
        (Piece::Text(a), Piece::Text(b)) => {
            a.push_str(b);
            true
        }
        _ => false,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markers_become_pictures_between_words() {
        assert_eq!(
            pieces("看图[图片:7]，指出缺陷[图片:x]。"),
            vec![
                Piece::Text("看图".into()),
                Piece::Picture(7),
                Piece::Text("，指出缺陷[图片:x]。".into())
            ]
        );
        assert_eq!(pieces(&marker(3)), vec![Piece::Picture(3)]);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
    }

    proptest! {
        #[test]
        fn pictures_land_where_their_markers_were(a in "[^\\[]*", b in "[^\\[]*", id in 1i64..1_000_000) {
            let text = format!("{a}{}{b}", marker(id));
            let mut expected = Vec::new();
            if !a.is_empty() { expected.push(Piece::Text(a.clone())); }
            expected.push(Piece::Picture(id));
            if !b.is_empty() { expected.push(Piece::Text(b.clone())); }
            prop_assert_eq!(pieces(&text), expected);
        }
    }
}
