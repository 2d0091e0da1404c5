//! The whole screen drawn from a state on ratatui's `TestBackend`, as the
//! render tests read it.

use meridian::app::App;
use meridian::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A `w` x `h` test terminal with one frame of `app` drawn, default theme.
pub fn terminal(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let theme = Theme::by_name("default").expect("built-in theme");
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| meridian::ui::render(f, app, &theme)).expect("draw");
    term
}

/// The frame in the backend's own form (each row quoted), as snapshots hold it.
pub fn draw(app: &App, w: u16, h: u16) -> String {
    terminal(app, w, h).backend().to_string()
}

/// The frame's rows as plain text.
pub fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let term = terminal(app, w, h);
    let buf = term.backend().buffer();
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect()).collect()
}
