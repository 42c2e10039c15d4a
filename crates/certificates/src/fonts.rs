//! The fonts certificates may use, found in font folders (Debian's `fonts-noto-cjk` puts
//! Noto Sans and Serif CJK under /usr/share/fonts). Only each font's metadata is kept until
//! a certificate needs its glyphs: the CJK collections are 20 MB a file.

use crate::CertificateError;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

struct Slot {
    path: PathBuf,
    index: u32,
    font: OnceLock<Option<Font>>,
}

pub struct Fonts {
    pub(crate) book: LazyHash<FontBook>,
    slots: Vec<Slot>,
    searched: String,
}

impl Fonts {
    /// The fonts in these folders (searched recursively); an error when none of them has
    /// Chinese characters, since no certificate could then be printed.
    pub fn search(dirs: &[PathBuf]) -> Result<Self, CertificateError> {
        let mut book = FontBook::new();
        let mut slots = Vec::new();
        for dir in dirs {
            collect(dir, &mut book, &mut slots);
        }
        let searched = dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let chinese = (0..slots.len()).any(|i| {
            book.info(i)
                .is_some_and(|info| info.coverage.contains(u32::from('工')))
        });
        if !chinese {
            return Err(CertificateError::NoChineseFont(searched));
        }
        Ok(Self {
            book: LazyHash::new(book),
            slots,
            searched,
        })
    }

    /// The folders searched, for messages.
    pub fn searched(&self) -> &str {
        &self.searched
    }

    /// The family names found, for the template editor's help.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.book.families().map(|(n, _)| n.to_owned()).collect();
        names.dedup();
        names
    }

    pub(crate) fn get(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| {
                let data = std::fs::read(&slot.path).ok()?;
                Font::new(Bytes::new(data), slot.index)
            })
            .clone()
    }
}

fn collect(dir: &Path, book: &mut FontBook, slots: &mut Vec<Slot>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(&path, book, slots);
            continue;
        }
        let is_font = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        });
        if !is_font {
            continue;
        }
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        for (index, info) in FontInfo::iter(&data).enumerate() {
            book.push(info);
            slots.push(Slot {
                path: path.clone(),
                index: u32::try_from(index).unwrap_or(0),
                font: OnceLock::new(),
            });
        }
    }
}
