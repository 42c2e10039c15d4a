//! Thumbnails of uploaded pictures: at most 480 pixels on the longer side, as JPEG. Decoding
//! is bounded so that a crafted file cannot exhaust memory.

use image::{ImageReader, Limits};
use std::io::Cursor;

const LONG_SIDE: u32 = 480;
/// The small size, for pictures shown at most 240 CSS pixels wide on a screen of one pixel a
/// pixel (`srcset` picks the thumbnail on denser screens).
const SMALL_LONG_SIDE: u32 = 240;

/// Which size of a picture to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureSize {
    Whole,
    Thumbnail,
    /// Made from the thumbnail when asked for (half its size).
    Small,
}

impl PictureSize {
    /// The stored bytes to read: the thumbnail serves both smaller sizes.
    pub fn from_thumbnail(self) -> bool {
        self != PictureSize::Whole
    }

    /// The stored bytes made into this size (the small size is made off the async workers).
    pub(crate) async fn made(self, stored: Vec<u8>) -> Result<Vec<u8>, crate::ServiceError> {
        if self != PictureSize::Small {
            return Ok(stored);
        }
        tokio::task::spawn_blocking(move || fit(&stored, SMALL_LONG_SIDE))
            .await
            .map_err(|e| crate::ServiceError::Internal(e.to_string()))?
            .map_err(|e| crate::ServiceError::Internal(e.to_string()))
    }
}

pub fn make(bytes: &[u8]) -> Result<Vec<u8>, image::ImageError> {
    fit(bytes, LONG_SIDE)
}

fn fit(bytes: &[u8], long_side: u32) -> Result<Vec<u8>, image::ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(10_000);
    limits.max_image_height = Some(10_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode()?;
    let small = picture.thumbnail(long_side, long_side).to_rgb8();
    let mut out = Cursor::new(Vec::new());
    small.write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_picture_becomes_a_small_jpeg() {
        let picture =
            image::RgbImage::from_fn(1200, 600, |x, _| image::Rgb([(x % 256) as u8, 80, 160]));
        let mut png = Cursor::new(Vec::new());
        picture.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let thumb = make(png.get_ref()).unwrap();
        assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]));
        let back = image::load_from_memory(&thumb).unwrap();
        assert_eq!((back.width(), back.height()), (480, 240));
        assert!(make(b"\x89PNG\r\n\x1a\nbroken").is_err());
        let smaller = image::load_from_memory(&fit(&thumb, SMALL_LONG_SIDE).unwrap()).unwrap();
        assert_eq!((smaller.width(), smaller.height()), (240, 120));
    }
}
