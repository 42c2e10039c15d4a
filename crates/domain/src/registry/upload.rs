//! Files attached to achievements: pictures (shown, with thumbnails) and documents (only ever
//! downloaded). The type is read from the file's first bytes; the browser's word is not taken.

use crate::FieldError;

/// The largest picture accepted.
pub const MAX_PICTURE_BYTES: usize = 5 * 1024 * 1024;
/// The largest document accepted (the request limit is a little above it).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Picture,
    Document,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Picture => "picture",
            FileKind::Document => "document",
        }
    }
}

/// An accepted upload: its kind, its content type and a safe file name to offer on download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub kind: FileKind,
    pub content_type: &'static str,
    pub name: String,
}

/// A file name that is safe in a header and on any disk: no folders, no control characters,
/// at most 100 characters, and the extension its content deserves.
fn safe_name(raw: &str, extension: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let cleaned: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(90)
        .collect();
    let stem = cleaned.trim();
    let stem = if stem.is_empty() { "file" } else { stem };
    format!("{stem}.{extension}")
}

/// Checks an upload and says what it is, or why it is refused.
pub fn accept(name: &str, bytes: &[u8]) -> Result<Accepted, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new("file", "empty_file"));
    }
    if let Some(content_type) = crate::exam::picture::sniff(bytes) {
        if bytes.len() > MAX_PICTURE_BYTES {
            return Err(FieldError::new("file", "upload_too_large")
                .with("max_mb", MAX_PICTURE_BYTES / 1024 / 1024));
        }
        let extension = content_type
            .trim_start_matches("image/")
            .replace("jpeg", "jpg");
        return Ok(Accepted {
            kind: FileKind::Picture,
            content_type,
            name: safe_name(name, &extension),
        });
    }
    let lower = name.to_lowercase();
    let document = if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(b"PK\x03\x04") {
        // Office files are zip archives; which one is told by the name, checked against the list.
        [
            (
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                "pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
        ]
        .into_iter()
        .find(|(ext, _)| lower.ends_with(&format!(".{ext}")))
        .map(|(ext, ct)| (ct, ext))
    } else {
        None
    };
    let Some((content_type, extension)) = document else {
        return Err(FieldError::new("file", "file_type_not_accepted").with("name", name));
    };
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(FieldError::new("file", "upload_too_large")
            .with("max_mb", MAX_DOCUMENT_BYTES / 1024 / 1024));
    }
    Ok(Accepted {
        kind: FileKind::Document,
        content_type,
        name: safe_name(name, extension),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_and_names_are_made_safe() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        let a = accept("../../etc/现场照片.exe", png).unwrap();
        assert_eq!(
            (a.kind, a.content_type, a.name.as_str()),
            (FileKind::Picture, "image/png", "现场照片.png")
        );
        let pdf = accept("成果报告.PDF", b"%PDF-1.7 ...").unwrap();
        assert_eq!(
            (pdf.kind, pdf.name.as_str()),
            (FileKind::Document, "成果报告.pdf")
        );
        let docx = accept("说明.docx", b"PK\x03\x04....").unwrap();
        assert!(docx.content_type.contains("wordprocessingml"));
        assert_eq!(
            accept("x.zip", b"PK\x03\x04").unwrap_err().code,
            "file_type_not_accepted"
        );
        assert_eq!(
            accept("x.html", b"<script>alert(1)</script>")
                .unwrap_err()
                .code,
            "file_type_not_accepted"
        );
        assert_eq!(accept("a\"b.pdf", b"%PDF-").unwrap().name, "ab.pdf");
        assert_eq!(accept("x.pdf", b"").unwrap_err().code, "empty_file");
        let big = vec![0xFF; MAX_PICTURE_BYTES + 1];
        let mut jpeg = vec![0xFF, 0xD8, 0xFF];
        jpeg.extend_from_slice(&big);
        assert_eq!(
            accept("big.jpg", &jpeg).unwrap_err().code,
            "upload_too_large"
        );
    }
}
