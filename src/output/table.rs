//! Columns the way docker aligns them: Go's `text/tabwriter` (docker/cli vendors a copy in
//! `cli/command/formatter/tabwriter`) as docker's formatter sets it up: minimum width 10,
//! padding 3, padded with spaces, no flags.
//!
//! Text comes in as lines whose cells end with a tab; the cell after the last tab of a line is
//! not part of any column and is never padded. A column's width is decided per *block*: the run
//! of consecutive lines that have a cell in that column, so a line with fewer cells starts a
//! new block for the columns it lacks, exactly as Go's tabwriter does. A line with no tab at
//! all flushes what came before (Go's `Write` does), so the columns above and below it are
//! measured apart. Widths are display widths (East Asian wide characters count two).

use unicode_width::UnicodeWidthStr as _;

const MIN_WIDTH: usize = 10;
const PADDING: usize = 3;

/// One cell: its text and its display width.
struct Cell<'a> {
    text: &'a str,
    width: usize,
}

/// A line: its tab-terminated cells, then the trailing cell no tab ended; and whether a
/// newline ended it (every line but the text's unterminated tail).
struct Line<'a> {
    cells: Vec<Cell<'a>>,
    ended: bool,
}

impl Line<'_> {
    /// How many of its cells are column cells (tab-terminated): all but the last.
    fn columns(&self) -> usize {
        self.cells.len().saturating_sub(1)
    }
}

/// Lays out tab-separated text as docker's tabwriter does. `text` is what the templates wrote:
/// each row ends with a newline; cells are separated by tabs.
pub(crate) fn align(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut block: Vec<Line<'_>> = Vec::new();
    let mut pieces = text.split('\n').peekable();
    while let Some(piece) = pieces.next() {
        let ended = pieces.peek().is_some();
        let cells: Vec<Cell<'_>> = piece.split('\t').map(|text| Cell { text, width: text.width() }).collect();
        let flush = ended && cells.len() == 1;
        block.push(Line { cells, ended });
        if flush {
            format_block(&mut out, &block, &mut Vec::new());
            block.clear();
        }
    }
    format_block(&mut out, &block, &mut Vec::new());
    out
}

/// Go's `format`: the columns of `lines` left of `widths.len()` are decided by the caller; this
/// finds the blocks of lines that have a cell in the next column, sizes each, and recurses.
fn format_block(out: &mut String, lines: &[Line<'_>], widths: &mut Vec<usize>) {
    let column = widths.len();
    let mut start = 0;
    let mut index = 0;
    while index < lines.len() {
        if lines[index].columns() <= column {
            index += 1;
            continue;
        }
        write_lines(out, &lines[start..index], widths);
        start = index;
        let mut width = MIN_WIDTH;
        while index < lines.len() && lines[index].columns() > column {
            width = width.max(lines[index].cells[column].width + PADDING);
            index += 1;
        }
        widths.push(width);
        format_block(out, &lines[start..index], widths);
        widths.pop();
        start = index;
    }
    write_lines(out, &lines[start..], widths);
}

/// Writes whole lines: each column cell padded to its column's width, the last cell as it is.
fn write_lines(out: &mut String, lines: &[Line<'_>], widths: &[usize]) {
    for line in lines {
        for (column, cell) in line.cells.iter().enumerate() {
            out.push_str(cell.text);
            if column < line.columns()
                && let Some(width) = widths.get(column)
            {
                out.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.width)));
            }
        }
        if line.ended {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligns_like_docker() {
        let rows = "REPOSITORY\tTAG\tSIZE\nlocalhost:5000/my-fancy-app\t1.0.0\t7.8MB\n";
        assert_eq!(
            align(rows),
            "REPOSITORY                    TAG       SIZE\nlocalhost:5000/my-fancy-app   1.0.0     7.8MB\n"
        );
    }

    /// Cases worked out with Go's tabwriter.NewWriter(out, 10, 1, 3, ' ', 0).
    #[test]
    fn blocks_and_trailing_cells_as_go_has_them() {
        let cases = [
            ("a\tb\n", "a         b\n"),
            ("a\tb", "a         b"),
            // A trailing tab makes the last cell a column cell: it is padded.
            ("a\tb\t\n", "a         b         \n"),
            // A line with fewer cells ends the block of the columns it lacks.
            ("a\tb\tc\nd\n\nxxxxxxxxxxxx\ty\tz\n", "a         b         c\nd\n\nxxxxxxxxxxxx   y         z\n"),
            ("aa\tb\tc\nlonger-than-ten\td\nx\n", "aa                b         c\nlonger-than-ten   d\nx\n"),
            ("h1\th2\n\nr1\tr2\n", "h1        h2\n\nr1        r2\n"),
            ("", ""),
            ("\n", "\n"),
            ("日本語\tb\n", "日本語    b\n"),
        ];
        for (input, expected) in cases {
            assert_eq!(align(input), expected, "{input:?}");
        }
    }

    #[test]
    fn inner_blocks_are_measured_apart() {
        // Go: column 0 spans all three lines; column 1 only the first two.
        let text = "a\tbbbbbbbbbbbbbb\tc\nd\te\tf\ng\th\n";
        assert_eq!(align(text), "a         bbbbbbbbbbbbbb   c\nd         e                f\ng         h\n");
    }
}
