//! The Typst world of one certificate: the template as the only source, the certificate's
//! fields and QR code as the only files, no packages, no clock.

use crate::fonts::Fonts;
use std::ops::Range;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World, WorldExt};

pub struct CertificateWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    data: (FileId, Bytes),
    qr: (FileId, Bytes),
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path)
        .unwrap_or_else(|_| VirtualPath::new("/x").unwrap_or_else(|_| unreachable!()));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl<'a> CertificateWorld<'a> {
    pub fn new(
        library: &'a LazyHash<Library>,
        fonts: &'a Fonts,
        template: &str,
        data: Vec<u8>,
        qr: Vec<u8>,
    ) -> Self {
        Self {
            library,
            fonts,
            main: Source::new(file_id("/certificate.typ"), template.to_owned()),
            data: (file_id("/certificate.json"), Bytes::new(data)),
            qr: (file_id("/qr.svg"), Bytes::new(qr)),
        }
    }

    /// The template's line (1-based) of a diagnostic.
    pub fn line_of(&self, span: DiagSpan) -> Option<usize> {
        let range: Range<usize> = self.range(span)?;
        self.main.lines().byte_to_line(range.start).map(|l| l + 1)
    }
}

impl World for CertificateWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data.0 {
            Ok(self.data.1.clone())
        } else if id == self.qr.0 {
            Ok(self.qr.1.clone())
        } else {
            Err(FileError::Other(Some(
                "a certificate template may read only /certificate.json and /qr.svg".into(),
            )))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
