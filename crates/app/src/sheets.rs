//! Excel files: reading the first sheet of an upload into text cells, and writing lists,
//! templates and exports.

use calamine::{Data, Reader, Xlsx};
use gongjiang_domain::import::{Column, RowError, Sheet, SheetRow};
use rust_xlsxwriter::{Format, Workbook};
use std::io::Cursor;

/// Largest upload read (a 20,000-row sheet is far smaller).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

fn file_error(code: &str) -> Vec<RowError> {
    vec![RowError {
        row: 0,
        column: String::new(),
        code: code.to_owned(),
        params: vec![],
    }]
}

/// Reads an uploaded workbook off the async workers (`parsing::off_thread`).
pub async fn read_upload(bytes: &[u8]) -> crate::ServiceResult<Sheet> {
    let owned = bytes.to_vec();
    crate::parsing::off_thread(move || read_xlsx(&owned)).await
}

/// Uncompressed bytes a workbook may hold in all its parts: a real 20,000-row sheet holds a
/// few megabytes; a zip bomb of a few megabytes would hold gigabytes.
pub const MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;

/// Inflates every part of the archive into nothing, counting, and refuses the file once the
/// count passes `MAX_UNCOMPRESSED`: what the archive's directory declares is not believed.
fn check_uncompressed(bytes: &[u8]) -> Result<(), Vec<RowError>> {
    use std::io::Read;
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| file_error("not_xlsx"))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|_| file_error("not_xlsx"))?;
        let left = MAX_UNCOMPRESSED - total;
        let read = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|_| file_error("not_xlsx"))?;
        total += read;
        if total > MAX_UNCOMPRESSED {
            return Err(vec![RowError {
                row: 0,
                column: String::new(),
                code: "file_too_large_uncompressed".into(),
                params: vec![("max".into(), format!("{} MB", MAX_UNCOMPRESSED >> 20))],
            }]);
        }
    }
    Ok(())
}

/// Reads the first worksheet: row 1 is the header; empty trailing cells are kept as "".
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, Vec<RowError>> {
    if bytes.is_empty() {
        return Err(file_error("empty_file"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(file_error("file_too_large"));
    }
    check_uncompressed(bytes)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| file_error("not_xlsx"))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(file_error("no_sheet"));
    };
    // Cell by cell, not calamine's `Range`: a range is a full grid from the first used cell to
    // the last, so a file of a few hundred bytes with values in A1 and XFD1048576 would ask for
    // seventeen billion cells. Cells beyond what any import reads are refused as they come.
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|_| file_error("no_sheet"))?;
    let mut cells: Vec<(usize, usize, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|_| file_error("not_xlsx"))? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if row > MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(vec![RowError {
                row: 0,
                column: String::new(),
                code: "sheet_too_large".into(),
                params: vec![
                    ("rows".into(), MAX_SHEET_ROWS.to_string()),
                    ("columns".into(), MAX_SHEET_COLUMNS.to_string()),
                ],
            }]);
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if !text.is_empty() {
            cells.push((row, col, text));
        }
    }
    drop(reader);
    let Some(start_row) = cells.iter().map(|c| c.0).min() else {
        return Err(file_error("no_header"));
    };
    let width = cells.iter().map(|c| c.1).max().unwrap_or(0) + 1;
    let height = cells.iter().map(|c| c.0).max().unwrap_or(start_row) - start_row + 1;
    let mut grid = vec![vec![String::new(); width]; height];
    for (row, col, text) in cells {
        grid[row - start_row][col] = text;
    }
    let mut rows = grid.into_iter();
    let headers = rows.next().unwrap_or_default();
    let rows = rows
        .enumerate()
        .map(|(i, cells)| SheetRow {
            number: start_row + i + 2,
            cells,
        })
        .collect();
    Ok(Sheet { headers, rows })
}

/// The rows and columns a sheet may use: more rows than any import accepts (it then says
/// how many it takes), and far more columns than any template has.
const MAX_SHEET_ROWS: usize = gongjiang_domain::import::MAX_ROWS + 100;
const MAX_SHEET_COLUMNS: usize = 200;

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Codes and phone numbers typed into a number cell come back as floats.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Writes one sheet of text cells with a bold header, as `.xlsx` bytes.
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, String> {
    write_book(sheet_name, headers, rows, None)
}

/// A template: the header row, and a second sheet explaining each column.
pub fn template(
    columns: &[Column],
    english: bool,
    notes: &[(String, String)],
) -> Result<Vec<u8>, String> {
    let headers: Vec<String> = columns
        .iter()
        .map(|c| {
            let label = if english { c.en } else { c.zh };
            if c.required {
                format!("{label}*")
            } else {
                label.to_owned()
            }
        })
        .collect();
    write_book(
        if english { "Data" } else { "数据" },
        &headers,
        &[],
        Some((if english { "Notes" } else { "说明" }, notes)),
    )
}

/// A sheet to write: its name, headers and rows.
pub type SheetSpec<'a> = (&'a str, &'a [String], &'a [Vec<String>]);

/// Several sheets of text cells, each with a bold header: `(name, headers, rows)`.
pub fn write_sheets(sheets: &[SheetSpec<'_>]) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    for (name, headers, rows) in sheets {
        fill(book.add_worksheet(), name, headers, rows)?;
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

fn fill(
    sheet: &mut rust_xlsxwriter::Worksheet,
    sheet_name: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<(), String> {
    let bold = Format::new().set_bold();
    sheet.set_name(sheet_name).map_err(|e| e.to_string())?;
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(|e| e.to_string())?;
        let width = rows
            .iter()
            .map(|r| r.get(c).map(|s| s.chars().count()).unwrap_or(0))
            .max()
            .unwrap_or(0)
            .max(h.chars().count());
        // CJK characters are about two columns wide.
        sheet
            .set_column_width(c as u16, (width as f64 * 2.0).clamp(8.0, 60.0))
            .map_err(|e| e.to_string())?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16, value)
                .map_err(|e| e.to_string())?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    Ok(())
}

fn write_book(
    sheet_name: &str,
    headers: &[String],
    rows: &[Vec<String>],
    notes: Option<(&str, &[(String, String)])>,
) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    fill(book.add_worksheet(), sheet_name, headers, rows)?;
    if let Some((name, notes)) = notes {
        let s = book.add_worksheet();
        s.set_name(name).map_err(|e| e.to_string())?;
        s.set_column_width(0, 20).map_err(|e| e.to_string())?;
        s.set_column_width(1, 90).map_err(|e| e.to_string())?;
        for (r, (k, v)) in notes.iter().enumerate() {
            s.write_string_with_format(r as u32, 0, k, &bold)
                .map_err(|e| e.to_string())?;
            s.write_string(r as u32, 1, v).map_err(|e| e.to_string())?;
        }
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_sheet_reaching_far_is_refused_without_building_its_grid() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "名称").unwrap();
        sheet.write_string(1_048_575, 16_383, "远").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(bytes.len() < 20_000, "a small file");
        let errors = read_xlsx(&bytes).unwrap_err();
        assert_eq!(errors[0].code, "sheet_too_large");
        // Cells placed away from A1 still read with their row numbers.
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(2, 1, "名称").unwrap();
        sheet.write_string(4, 2, "乙").unwrap();
        let read = read_xlsx(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(read.headers, vec!["", "名称", ""]);
        assert_eq!(read.rows.len(), 2);
        assert_eq!(read.rows[1].number, 5);
        assert_eq!(read.rows[1].cells, vec!["", "", "乙"]);
    }

    use super::*;

    #[test]
    fn a_written_sheet_reads_back() {
        let headers = vec!["单位编码".to_owned(), "单位名称".to_owned()];
        let rows = vec![
            vec!["HJ-01".to_owned(), "华江钢铁集团工会".to_owned()],
            vec!["HJ-02".to_owned(), String::new()],
        ];
        let bytes = write_xlsx("数据", &headers, &rows).unwrap();
        let sheet = read_xlsx(&bytes).unwrap();
        assert_eq!(sheet.headers, headers);
        assert_eq!(sheet.rows[0].number, 2);
        assert_eq!(sheet.rows[0].cells, rows[0]);
        assert_eq!(sheet.rows[1].cells[0], "HJ-02");
    }

    /// Issue 12, finding 7: a workbook whose shared strings inflate from a fraction of a
    /// megabyte to hundreds is refused before anything reads them.
    #[test]
    fn a_zip_bomb_is_refused_before_it_inflates() {
        use std::io::Write;
        let real = write_xlsx("数据", &["名称".to_owned()], &[vec!["甲".to_owned()]]).unwrap();
        let mut source = zip::ZipArchive::new(Cursor::new(real)).unwrap();
        let mut bomb = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for i in 0..source.len() {
            let part = source.by_index(i).unwrap();
            let name = part.name().map(|n| n.to_string()).unwrap_or_default();
            drop(part);
            if name == "xl/sharedStrings.xml" {
                continue;
            }
            bomb.raw_copy_file(source.by_index(i).unwrap()).unwrap();
        }
        bomb.start_file("xl/sharedStrings.xml", deflated).unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..(MAX_UNCOMPRESSED >> 20) + 8 {
            bomb.write_all(&block).unwrap();
        }
        let bytes = bomb.finish().unwrap().into_inner();
        assert!(bytes.len() < 1 << 20, "small on the wire: {}", bytes.len());
        let errors = read_xlsx(&bytes).unwrap_err();
        assert_eq!(errors[0].code, "file_too_large_uncompressed");
    }

    #[test]
    fn garbage_is_not_a_sheet() {
        assert_eq!(read_xlsx(b"PK not really").unwrap_err()[0].code, "not_xlsx");
        assert_eq!(read_xlsx(b"").unwrap_err()[0].code, "empty_file");
    }
}
