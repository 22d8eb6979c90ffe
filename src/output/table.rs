//! Columns the way docker aligns them (Go's tabwriter: minimum width 10, padding 3). Cells are
//! escaped (see `escape`) before they are measured.

const MIN_WIDTH: usize = 10;
const PADDING: usize = 3;

/// Lays out `rows` (the first is the header) in aligned columns; the last column is not padded.
pub(crate) fn render(rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> =
        rows.iter().map(|row| row.iter().map(|cell| super::escape(cell).into_owned()).collect()).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            let widest = rows.iter().filter_map(|row| row.get(column)).map(|cell| cell.chars().count()).max();
            (widest.unwrap_or(0) + PADDING).max(MIN_WIDTH)
        })
        .collect();
    let mut text = String::new();
    for row in &rows {
        for (column, cell) in row.iter().enumerate() {
            text.push_str(cell);
            if column + 1 < row.len() {
                text.push_str(&" ".repeat(widths[column] - cell.chars().count()));
            }
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligns_like_docker() {
        let rows = vec![
            vec!["REPOSITORY".to_string(), "TAG".to_string(), "SIZE".to_string()],
            vec!["localhost:5000/my-fancy-app".to_string(), "1.0.0".to_string(), "7.8MB".to_string()],
        ];
        assert_eq!(
            super::render(&rows),
            "REPOSITORY                    TAG       SIZE\nlocalhost:5000/my-fancy-app   1.0.0     7.8MB\n"
        );
    }
}
