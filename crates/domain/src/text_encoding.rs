//! The encoding of an uploaded text file, found rather than assumed: files saved by Chinese
//! Office and Notepad are often GB18030 (GBK), Western ones Windows-1252, Notepad's "Unicode"
//! UTF-16. The import says which it read, so that a wrong guess is seen at once.

use encoding_rs::{Encoding, GB18030, UTF_8, WINDOWS_1252};

/// Decodes `bytes`: a byte-order mark decides; else UTF-8 if the bytes are valid UTF-8; else
/// GB18030 (which holds GBK and GB2312) if they are valid GB18030 and read like Chinese; else
/// Windows-1252, which reads any byte. Returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), encoding.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), UTF_8.name());
    }
    if reads_like_chinese(bytes)
        && let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return (text.into_owned(), GB18030.name());
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    (text.into_owned(), WINDOWS_1252.name())
}

/// Whether most double-byte characters lie in GB2312's zone (both bytes 0xA1 or above), where
/// the Chinese of everyday text is. A Western file read as GB18030 pairs an accented letter
/// with the ASCII after it (`é` + `r`, `°` + `C`), outside that zone.
fn reads_like_chinese(bytes: &[u8]) -> bool {
    let (mut common, mut other) = (0_usize, 0_usize);
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(trail) if (0x30..=0x39).contains(trail) => {
                other += 1;
                i += 4;
            }
            Some(trail) => {
                if lead >= 0xA1 && *trail >= 0xA1 {
                    common += 1;
                } else {
                    other += 1;
                }
                i += 2;
            }
            None => return false,
        }
    }
    common > 0 && common * 5 >= (common + other) * 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_common_encoding_is_found_and_read() {
        let text = "焊接电流过大易产生？\nA. 咬边\nB. 气孔\nANSWER: A\n";
        assert_eq!(decode(text.as_bytes()), (text.to_owned(), "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom), (text.to_owned(), "UTF-8"));
        let (gbk, _, _) = GB18030.encode(text);
        assert_eq!(decode(&gbk), (text.to_owned(), "gb18030"));
        let latin = "Quelle est la température de fusion ? {=1538 °C ~1200 °C}\n";
        let (cp1252, _, _) = WINDOWS_1252.encode(latin);
        assert_eq!(decode(&cp1252), (latin.to_owned(), "windows-1252"));
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16), (text.to_owned(), "UTF-16LE"));
    }

    proptest! {
        /// Whatever the bytes, something is read, and valid UTF-8 is read as it is.
        #[test]
        fn any_bytes_decode(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let (text, name) = decode(&bytes);
            let bom = [&[0xEF, 0xBB, 0xBF][..], &[0xFF, 0xFE], &[0xFE, 0xFF]]
                .iter()
                .any(|b| bytes.starts_with(b));
            if let (Ok(utf8), false) = (std::str::from_utf8(&bytes), bom) {
                prop_assert_eq!(text, utf8);
                prop_assert_eq!(name, "UTF-8");
            }
        }
    }
}
