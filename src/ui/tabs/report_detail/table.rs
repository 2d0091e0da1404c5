//! The detail's tables as lines of fixed columns: totals and risk metrics
//! (label, right-aligned value, marker), side by side when both fit, and
//! the positions (the usual columns first, then any others the backend
//! sends; numbers right-aligned; columns that cannot fit are named rather
//! than cut). Plus wrapping text to a width.

use ratatui::text::{Line, Span};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::figures::{Figure, label};
use crate::theme::Theme;
use crate::ui::fmt;

/// Columns between tables and between table columns.
const GAP: usize = 4;
const COL_GAP: usize = 2;
/// Widest a position's cell gets (a nested object from another backend).
const MAX_CELL: usize = 24;
/// Position columns shown first, in this order.
const PREFERRED: [&str; 5] = ["symbol", "quantity", "price", "market_value", "margin_requirement"];

fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// One table of figures: its lines and their width.
fn figure_table(
    heading: &str,
    rows: &[(String, Figure)],
    room: usize,
    theme: &Theme,
) -> (Vec<Line<'static>>, usize) {
    let mut lines = vec![Line::styled(heading.to_owned(), theme.title)];
    if rows.is_empty() {
        lines.push(Line::styled("none sent", theme.muted));
        return (lines, heading.len().max(9));
    }
    let value_w = rows.iter().map(|(_, v)| width(&v.text)).max().unwrap_or(0);
    let marker_w = rows.iter().map(|(_, v)| width(&v.marker())).max().unwrap_or(0);
    let marker_w = if marker_w > 0 { marker_w + 1 } else { 0 };
    let label_w = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let label_w = label_w.min(room.saturating_sub(COL_GAP + value_w + marker_w)).max(6);
    for (l, v) in rows {
        let mut spans = vec![
            Span::raw(pad_right(&fmt::fit(l, label_w), label_w + COL_GAP)),
            Span::styled(pad_left(&v.text, value_w), v.style(theme)),
        ];
        if marker_w > 0 {
            spans.push(Span::styled(
                pad_right(&format!(" {}", v.marker()), marker_w),
                v.style(theme),
            ));
        }
        lines.push(Line::from(spans));
    }
    (lines, label_w + COL_GAP + value_w + marker_w)
}

/// Two tables of figures, side by side when both fit in `room`, else
/// one above the other.
pub(super) fn pair(
    left: (&str, &[(String, Figure)]),
    right: (&str, &[(String, Figure)]),
    room: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (l, lw) = figure_table(left.0, left.1, room, theme);
    let (r, rw) = figure_table(right.0, right.1, room, theme);
    if lw + GAP + rw > room {
        return l.into_iter().chain([Line::raw("")]).chain(r).collect();
    }
    let rows = l.len().max(r.len());
    let mut l = l.into_iter();
    let mut r = r.into_iter();
    (0..rows)
        .map(|_| {
            let mut line = l.next().unwrap_or_default();
            let pad = (lw + GAP).saturating_sub(line.width());
            line.spans.push(Span::raw(" ".repeat(pad)));
            line.spans.extend(r.next().map(|r| r.spans).unwrap_or_default());
            line
        })
        .collect()
}

/// The positions' table at `room` columns.
pub(super) fn positions(positions: &[Value], room: usize, theme: &Theme) -> Vec<Line<'static>> {
    // A position that is not an object is shown whole, in one column.
    let get = |p: &Value, c: &str| -> Option<Value> {
        match p {
            Value::Object(m) => m.get(c).cloned(),
            other if c == "position" => Some(other.clone()),
            _ => None,
        }
    };
    let mut keys: Vec<String> = PREFERRED.iter().map(|c| (*c).to_owned()).collect();
    for p in positions {
        let more: Vec<String> = match p {
            Value::Object(m) => m.keys().cloned().collect(),
            _ => vec!["position".into()],
        };
        keys.extend(more.into_iter().filter(|k| !keys.contains(k)).collect::<Vec<_>>());
    }
    keys.retain(|k| positions.iter().any(|p| get(p, k).is_some()));
    let cells: Vec<Vec<Figure>> = positions
        .iter()
        .map(|p| {
            keys.iter()
                .map(|k| {
                    let mut v = Figure::of(k, get(p, k).as_ref());
                    v.text = fmt::fit(&v.text, MAX_CELL);
                    v
                })
                .collect()
        })
        .collect();
    let mut cols: Vec<Column> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let header = label(k);
            let cell_w = cells.iter().map(|row| width(&row[i].text)).max().unwrap_or(0);
            let numeric = cells.iter().any(|row| row[i].is_number());
            Column { header_w: width(&header), header, cell_w, numeric }
        })
        .collect();
    let hidden = fit_columns(&mut cols, room);
    let mut lines = vec![Line::from(
        cols.iter()
            .enumerate()
            .map(|(i, c)| Span::styled(c.cell(&fmt::fit(&c.header, c.width()), i), theme.muted))
            .collect::<Vec<_>>(),
    )];
    for row in &cells {
        let spans: Vec<Span> = cols
            .iter()
            .zip(row)
            .enumerate()
            .map(|(i, (c, v))| Span::styled(c.cell(&v.text, i), v.style(theme)))
            .collect();
        lines.push(Line::from(spans));
    }
    if !hidden.is_empty() {
        let names: Vec<String> = hidden.iter().map(|c| c.header.clone()).collect();
        let text =
            format!("{} more column(s) need a wider terminal: {}", hidden.len(), names.join(", "));
        lines.extend(wrap(&text, room).into_iter().map(|t| Line::styled(t, theme.muted)));
    }
    lines
}

/// A positions column and how wide it is drawn.
struct Column {
    header: String,
    header_w: usize,
    cell_w: usize,
    numeric: bool,
}

impl Column {
    fn width(&self) -> usize {
        self.header_w.max(self.cell_w)
    }

    /// `text` in this column (the `i`th): numbers to the right, a gap
    /// before every column but the first.
    fn cell(&self, text: &str, i: usize) -> String {
        let gap = if i == 0 { "" } else { "  " };
        let body =
            if self.numeric { pad_left(text, self.width()) } else { pad_right(text, self.width()) };
        format!("{gap}{body}")
    }
}

/// Make `cols` fit `room`: leave out columns from the right until they
/// fit with headers cut to their cells (to 4 at least), then give the
/// headers back as much of their length as the room allows, left first.
/// Returns the columns left out.
fn fit_columns(cols: &mut Vec<Column>, room: usize) -> Vec<Column> {
    let least = |c: &Column| c.cell_w.max(c.header_w.min(4));
    let total = |cols: &[Column]| {
        cols.iter().map(least).sum::<usize>() + COL_GAP * cols.len().saturating_sub(1)
    };
    let mut hidden = Vec::new();
    while cols.len() > 1 && total(cols) > room {
        hidden.extend(cols.pop());
    }
    hidden.reverse();
    let mut spare = room.saturating_sub(total(cols));
    for c in cols.iter_mut() {
        let give = (c.width() - least(c)).min(spare);
        spare -= give;
        c.header_w = c.header_w.min(least(c) + give);
    }
    hidden
}

/// `text` in lines of at most `room` columns, broken between words (a
/// word longer than a line is broken inside).
pub(crate) fn wrap(text: &str, room: usize) -> Vec<String> {
    let room = room.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_owned();
        loop {
            let sep = usize::from(!line.is_empty());
            if width(&line) + sep + width(&word) <= room {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // Longer than a whole line: break it (a character wider than
            // the line still goes, alone).
            let mut head = String::new();
            let mut split = None;
            for (i, c) in word.char_indices() {
                let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if !head.is_empty() && width(&head) + w > room {
                    split = Some(i);
                    break;
                }
                head.push(c);
            }
            match split {
                Some(i) => {
                    lines.push(head);
                    word = word[i..].to_owned();
                }
                None => {
                    line = head;
                    break;
                }
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `spans` cut to `room` columns, ending with "…" when cut.
pub(super) fn fit_spans(spans: Vec<Span<'static>>, room: usize) -> Line<'static> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = width(&s.content);
        if used + w <= room {
            used += w;
            out.push(s);
            continue;
        }
        let text = fmt::fit(&format!("{}…", s.content), room.saturating_sub(used));
        out.push(Span::styled(text, s.style));
        break;
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_wraps_between_words_and_inside_words_too_long() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("a  b", 10), ["a b"]);
    }

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn positions_right_align_numbers_and_name_what_does_not_fit() {
        let theme = Theme::by_name("mono").unwrap();
        let ps = [
            json!({"symbol": "GLD", "quantity": 2050, "price": 213.96, "market_value": 438618.0}),
            json!({"symbol": "TLT", "quantity": -900, "price": 91.2, "market_value": -82080.0, "desk": "rates"}),
        ];
        let wide = text(&positions(&ps, 80, &theme));
        assert_eq!(wide[0], "Symbol  Quantity   Price  Market value  Desk ");
        assert_eq!(wide[1], "GLD        2,050  213.96    438,618.00  —    ");
        assert_eq!(wide[2], "TLT         -900   91.20    -82,080.00  rates");
        let narrow = text(&positions(&ps, 30, &theme));
        assert_eq!(narrow[0], "Symbol  Quantity   Price", "what fits keeps its full header");
        assert_eq!(narrow[3], "2 more column(s) need a wider");
        assert_eq!(narrow[4], "terminal: Market value, Desk");
    }
}
