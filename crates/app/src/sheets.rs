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

/// Reads the first worksheet: row 1 is the header; empty trailing cells are kept as "".
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, Vec<RowError>> {
    if bytes.is_empty() {
        return Err(file_error("empty_file"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(file_error("file_too_large"));
    }
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| file_error("not_xlsx"))?;
    let Some(Ok(range)) = book.worksheet_range_at(0) else {
        return Err(file_error("no_sheet"));
    };
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Err(file_error("no_header"));
    };
    let pad = start_col as usize;
    let cells = |row: &[Data]| -> Vec<String> {
        std::iter::repeat_n(String::new(), pad)
            .chain(row.iter().map(cell_text))
            .collect()
    };
    let headers = cells(header);
    let rows = rows
        .enumerate()
        .map(|(i, r)| SheetRow {
            number: start_row as usize + i + 2,
            cells: cells(r),
        })
        .collect();
    Ok(Sheet { headers, rows })
}

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

    #[test]
    fn garbage_is_not_a_sheet() {
        assert_eq!(read_xlsx(b"PK not really").unwrap_err()[0].code, "not_xlsx");
        assert_eq!(read_xlsx(b"").unwrap_err()[0].code, "empty_file");
    }
}
