//! The two header rows: title with the profile's badge and the DEMO
//! marker, the round trip to the terminal when it is slow, and per-feed
//! connection indicators; the tab bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt;
use crate::app::{App, Indicator, RTT_WARN, Tab};
use crate::config::ActiveProfile;
use crate::event::FeedKind;
use crate::outbox::ItemStatus;
use crate::theme::Theme;

pub(crate) fn render_title(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let feeds = feed_spans(app, theme);
    let feeds_width: u16 = feeds.iter().map(|s| s.width() as u16).sum();
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(feeds_width)]).areas(area);
    let mut title = vec![Span::styled(" MERIDIAN ", theme.title)];
    // Which environment this is, before anything else it says.
    let profile = app.settings.profile.as_ref();
    if let Some(p) = profile {
        title.push(Span::styled(format!(" {} ", p.name), profile_style(p, theme)));
    }
    if app.settings.insecure {
        // Every frame, for the whole session: nothing here is verified.
        title.push(Span::styled(" INSECURE: TLS NOT VERIFIED ", theme.danger_badge));
    }
    if app.settings.demo {
        title.push(Span::styled(" DEMO ", theme.demo_badge));
    }
    // What the outbox still holds, so no decision is out of sight.
    let (pending, failed) = app.undelivered().fold((0, 0), |(p, f), i| match i.status {
        ItemStatus::Failed => (p, f + 1),
        _ => (p + 1, f),
    });
    if pending > 0 {
        title.push(Span::styled(format!(" ⧗{pending} pending "), theme.warn));
    }
    if failed > 0 {
        title.push(Span::styled(format!(" !{failed} failed "), theme.crit));
    }
    if app.read_only.is_some() {
        title.push(Span::styled(" READ-ONLY ", theme.crit));
    }

    // Said in words and reversed, so it reads without colour.
    if let Some(behind) = app.paused_for() {
        let key =
            app.keymap.first_key(crate::keymap::Context::Global, crate::keymap::Action::Pause);
        title.push(Span::styled(
            format!(" PAUSED {} behind · {key} resumes ", fmt::age(Some(behind))),
            theme.demo_badge,
        ));
    }
    if profile.is_some() {
        make_room_for_profile(&mut title, left.width as usize);
    }
    // A slow link to the terminal: what is on screen is this old at best.
    // Whole or not at all, after what the outbox holds.
    if let Some(rtt) = app.output.slow_round_trip() {
        let style = if rtt >= RTT_WARN { theme.warn } else { theme.muted };
        let span = Span::styled(format!(" rtt {} ", round_trip(rtt)), style);
        let used: usize = title.iter().map(Span::width).sum();
        if used + span.width() <= left.width as usize {
            title.push(span);
        }
    }
    let used: usize = title.iter().map(Span::width).sum();
    let room = (left.width as usize).saturating_sub(used + 2);
    if room > 8 && !app.settings.server_label.is_empty() {
        title.push(Span::styled(
            format!(" {}", fmt::fit(&app.settings.server_label, room)),
            theme.muted,
        ));
    }
    f.render_widget(Paragraph::new(Line::from(title)), left);
    f.render_widget(Paragraph::new(Line::from(feeds)), right);
}

/// The profile's badge: its name on its colour (production: red; else the
/// theme's accent). Without colours (mono) it is reversed, and underlined
/// too when it would be red, so production still stands out.
fn profile_style(p: &ActiveProfile, theme: &Theme) -> Style {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let coloured = theme.styles().iter().any(|(_, s)| s.fg.is_some() || s.bg.is_some());
    let colour = p.badge_colour();
    if !coloured {
        let style = bold.add_modifier(Modifier::REVERSED);
        let red = matches!(colour, Some(Color::Red | Color::LightRed));
        return if red { style.add_modifier(Modifier::UNDERLINED) } else { style };
    }
    let Some(bg) = colour.or(theme.accent.fg) else {
        return bold.add_modifier(Modifier::REVERSED);
    };
    // Light text on the dark colours, dark text on the light ones.
    let fg = match bg {
        Color::Black | Color::Red | Color::Blue | Color::Magenta | Color::DarkGray => Color::White,
        _ => Color::Black,
    };
    bold.fg(fg).bg(bg)
}

/// A crowded title keeps the profile's badge (title[1]) and everything
/// after it: first the MERIDIAN wordmark gives way, then the profile's name
/// is shortened (to no less than two characters and "…").
fn make_room_for_profile(title: &mut Vec<Span<'static>>, width: usize) {
    let used = |t: &[Span]| t.iter().map(Span::width).sum::<usize>();
    if used(title) <= width {
        return;
    }
    title.remove(0);
    let over = used(title).saturating_sub(width);
    if over == 0 {
        return;
    }
    let badge = &mut title[0];
    let name = badge.content.trim().to_owned();
    let keep = name.chars().count().saturating_sub(over).max(3);
    badge.content = format!(" {} ", fmt::fit(&name, keep)).into();
}

fn feed_spans(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if !app.settings.backend {
        // No feeds to watch: say what is read instead, and how it goes.
        let mut source = |name: &str, failed: bool| {
            let (mark, style) = if failed { ("✕", theme.crit) } else { ("●", theme.ok) };
            spans.push(Span::styled(format!("{name} "), theme.muted));
            spans.push(Span::styled(format!("{mark} "), style));
        };
        if let Some(p) = &app.prom {
            source("prometheus", p.services_load.failure().is_some());
        }
        if let Some(am) = &app.alerts.am {
            source("alertmanager", am.load.failure().is_some());
        }
        spans.push(Span::styled("no backend ", theme.muted));
        // A venue's prices: the feed's state and age, as beside a backend.
        if app.settings.prices_format.is_venue() {
            feed_state(
                &mut spans,
                app,
                FeedKind::Prices,
                app.settings.prices_format.as_str(),
                theme,
            );
        }
        return spans;
    }
    for kind in FeedKind::ALL {
        // Prices from a venue are named by it.
        let label = match kind {
            FeedKind::Prices if app.settings.prices_format.is_venue() => {
                app.settings.prices_format.as_str()
            }
            _ => kind.label(),
        };
        feed_state(&mut spans, app, kind, label, theme);
    }
    spans
}

/// One feed's name, link mark and age.
fn feed_state(
    spans: &mut Vec<Span<'static>>,
    app: &App,
    kind: FeedKind,
    label: &str,
    theme: &Theme,
) {
    let feed = app.feeds.get(kind);
    let (mark, style, word) = match feed.indicator() {
        Indicator::Connected => ("●", theme.ok, ""),
        Indicator::Reconnecting => ("↻", theme.warn, ""),
        Indicator::Down => ("✕", theme.crit, " down"),
    };
    spans.push(Span::styled(format!("{label} "), theme.muted));
    spans.push(Span::styled(format!("{mark}{word}"), style));
    spans.push(Span::styled(format!(" {:<3} ", fmt::age(feed.age(app.now))), theme.muted));
}

pub(crate) fn render_tabs(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for tab in Tab::ALL {
        let style = if tab == app.tab { theme.tab_active } else { theme.tab_inactive };
        spans.push(Span::styled(format!(" {} {} ", tab.index() + 1, tab.title()), style));
        // Critical alerts nobody is on yet, seen from every tab.
        let critical = app.alerts.firing_critical(app.wall);
        if tab == Tab::Alerts && critical > 0 {
            spans.push(Span::styled(format!("✕{critical}"), theme.crit));
        }
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "420ms", "1.4s", "12s": milliseconds below a second, then seconds.
pub(crate) fn round_trip(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    match ms {
        0..=999 => format!("{ms}ms"),
        1000..=9_949 => format!("{:.1}s", d.as_secs_f64()),
        _ => format!("{}s", d.as_secs_f64().round()),
    }
}
