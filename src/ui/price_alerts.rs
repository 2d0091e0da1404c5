//! The price-alert list drawn over the body: armed alerts first, then the
//! fired ones, newest first. The model is [`crate::price_alerts`]; the keys
//! that open it and remove alerts live with the app.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Padding, Paragraph, Row, Table, TableState};

use super::{centered, fmt};
use crate::price_alerts::{PriceAlert, PriceAlerts};
use crate::theme::Theme;

/// Widest the popup gets; narrower screens shrink it to `area.width - 4`.
const MAX_WIDTH: u16 = 76;
const SYMBOL_W: u16 = 9;
const CONDITION_W: u16 = 16;
const RULE_W: u16 = 9;
const PRICE_W: u16 = 10;

const EMPTY: &str = "No price alerts. On Markets, t sets one on the selected symbol.";

/// The list as a popup in the middle of `area`. `selected` is a row of
/// [`PriceAlerts::display_order`]; `quotes` gives a symbol's current price; `hint` (e.g.
/// "d remove · esc close") is the bottom line.
pub(crate) fn render_list(
    f: &mut Frame,
    area: Rect,
    alerts: &PriceAlerts,
    selected: usize,
    quotes: &dyn Fn(&str) -> Option<f64>,
    theme: &Theme,
    hint: &str,
) {
    let order = alerts.display_order();
    let width = MAX_WIDTH.min(area.width.saturating_sub(4));
    // Borders, the column heads (or the empty line) and the hint.
    let rows = order.len().max(1) as u16;
    let height = (rows + 4).min(area.height.saturating_sub(2));
    let rect = centered(area, width, height);
    f.render_widget(Clear, rect);
    let armed = alerts.armed_count();
    let block = Block::bordered()
        .title(Span::styled(format!(" Price alerts · {armed} armed "), theme.title))
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
        .style(theme.base);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [body, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let hint = fmt::fit(hint, usize::from(foot.width));
    f.render_widget(Paragraph::new(Line::styled(hint, theme.muted)), foot);
    if order.is_empty() {
        let empty = fmt::fit(EMPTY, usize::from(body.width));
        f.render_widget(Paragraph::new(Line::styled(empty, theme.muted)), body);
        return;
    }
    let by_id = |id: u64| alerts.all().iter().find(|a| a.id == id);
    let status_w = body.width.saturating_sub(SYMBOL_W + CONDITION_W + RULE_W + PRICE_W + 4).max(1);
    let rows = order
        .iter()
        .filter_map(|id| by_id(*id))
        .map(|a| row(a, quotes(&a.symbol), usize::from(status_w), theme));
    let widths = [
        Constraint::Length(SYMBOL_W),
        Constraint::Length(CONDITION_W),
        Constraint::Length(RULE_W),
        Constraint::Length(PRICE_W),
        Constraint::Fill(1),
    ];
    let now = Cell::from(Line::from("now").right_aligned());
    let header =
        Row::new([Cell::from("symbol"), "condition".into(), "rule".into(), now, " status".into()])
            .style(theme.muted);
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state = TableState::default().with_selected(Some(selected.min(order.len() - 1)));
    f.render_stateful_widget(table, body, &mut state);
}

/// One alert's row: symbol, condition, rule as typed, price now, status.
fn row<'a>(a: &PriceAlert, now: Option<f64>, status_w: usize, theme: &Theme) -> Row<'a> {
    let word = match a.direction {
        crate::price_alerts::Direction::Above => "above",
        crate::price_alerts::Direction::Below => "below",
    };
    let condition = format!("{word} {}", fmt::price(Some(a.level)));
    let (status, style) = match &a.fired {
        None => ("armed".to_owned(), theme.accent),
        Some(fired) => {
            let at = fired.at.format("%H:%M");
            (format!("fired {at} at {}", fmt::price(Some(fired.price))), theme.warn)
        }
    };
    Row::new([
        Cell::from(Span::styled(fmt::fit(&a.symbol, usize::from(SYMBOL_W)), theme.title)),
        Cell::from(Span::styled(fmt::fit(&condition, usize::from(CONDITION_W)), theme.base)),
        Cell::from(Span::styled(fmt::fit(&a.rule, usize::from(RULE_W)), theme.muted)),
        Cell::from(Line::styled(fmt::price(now), theme.base).right_aligned()),
        // A space between the right-aligned price and the status.
        Cell::from(Span::styled(format!(" {}", fmt::fit(&status, status_w - 1)), style)),
    ])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Modifier;

    use super::*;

    /// The screen's lines, and whether each line's first cell inside the
    /// popup is drawn selected.
    fn draw(alerts: &PriceAlerts, selected: usize) -> (Vec<String>, Vec<bool>) {
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let quotes = |s: &str| (s == "AAPL").then_some(156.5);
        let theme = Theme::default();
        term.draw(|f| {
            let area = f.area();
            render_list(f, area, alerts, selected, &quotes, &theme, "d remove · esc close");
        })
        .unwrap();
        let buf = term.backend().buffer();
        let lines = (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect();
        let reversed = Modifier::REVERSED;
        let marked = (0..buf.area.height).map(|y| buf[(4, y)].modifier.contains(reversed));
        (lines, marked.collect())
    }

    #[test]
    fn lists_armed_then_fired_at_80x24() {
        let at = |m| Utc.with_ymd_and_hms(2025, 3, 14, 14, m, 0).unwrap();
        let mut alerts = PriceAlerts::default();
        alerts.add("AAPL", "above 155", Some(151.0), at(0)).unwrap();
        alerts.add("BTC-USD", "+2%", Some(100.0), at(1)).unwrap();
        alerts.add("AAPL", "below 140", Some(151.0), at(2)).unwrap();
        alerts.on_price("AAPL", 155.2, at(3));
        assert_eq!(PriceAlerts::display_order(&alerts), [2, 3, 1]);

        let (screen, marked) = draw(&alerts, 2);
        let text = screen.join("\n");
        assert!(text.contains(" Price alerts · 2 armed "), "{text}");
        let find = |needle: &str| screen.iter().position(|l| l.contains(needle));
        let btc = find("BTC-USD").unwrap();
        let below = find("below 140.00").unwrap();
        let fired = find("fired 14:03 at 155.20").unwrap();
        assert!(btc < below && below < fired, "{text}");
        // The selected row is the third shown: the fired one.
        assert_eq!(marked.iter().filter(|m| **m).count(), 1);
        assert!(marked[fired]);
        for want in ["above 102.00", "+2%", "armed", "—", "156.50"] {
            assert!(screen[btc..=below].iter().any(|l| l.contains(want)), "{want}: {text}");
        }
        assert!(screen[fired].contains("above 155.00"), "{text}");
        assert!(screen[fired].contains("above 155 "), "{text}");
        assert!(text.contains("d remove · esc close"), "{text}");
        // Within 80 columns with room to spare.
        assert!(screen.iter().all(|l| l.starts_with("  ") && l.ends_with("  ")), "{text}");
    }

    #[test]
    fn empty_list_says_how_to_add_one() {
        let text = draw(&PriceAlerts::default(), 0).0.join("\n");
        assert!(text.contains(" Price alerts · 0 armed "), "{text}");
        assert!(text.contains(EMPTY), "{text}");
    }

    #[test]
    fn a_long_list_scrolls_to_the_selected_row() {
        let at = Utc.with_ymd_and_hms(2025, 3, 14, 14, 0, 0).unwrap();
        let mut alerts = PriceAlerts::default();
        for i in 1..=40 {
            alerts.add(&format!("SYM{i}"), "above 10", Some(5.0), at).unwrap();
        }
        let (screen, marked) = draw(&alerts, 39);
        let text = screen.join("\n");
        assert!(text.contains(" Price alerts · 40 armed "), "{text}");
        let last = screen.iter().position(|l| l.contains("SYM40 ")).unwrap();
        assert!(marked[last], "{text}");
        assert!(text.contains("d remove · esc close"), "{text}");
    }
}
