//! Building and reading Excel files in tests.

use rust_xlsxwriter::Workbook;

/// An `.xlsx` with one sheet: the header row, then the rows.
pub fn sheet(headers: &[&str], rows: &[&[&str]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).expect("cell");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// The first sheet of an `.xlsx` as rows of text.
pub fn read(bytes: &[u8]) -> Vec<Vec<String>> {
    read_sheet(bytes, 0)
}

/// The sheet at `index` of an `.xlsx` as rows of text.
pub fn read_sheet(bytes: &[u8], index: usize) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = book
        .worksheet_range_at(index)
        .expect("a sheet")
        .expect("readable");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}
