//! A screen that watches the loop it is drawn by: frame count, the price
//! feed's message counter at each frame, tick-to-screen latency of visible
//! symbols, and bytes written to the terminal.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use meridian::app::App;
use meridian::protocol::Timestamp;
use meridian::theme::Theme;
use meridian::tui::CompactBackend;
use meridian::tui::Screen;
use ratatui::Terminal;
use ratatui::backend::{Backend as _, TestBackend};

/// A writer that only counts what passes through it.
#[derive(Clone, Default)]
pub struct Counting(pub Arc<AtomicU64>);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn unix_ms_f64() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// What a probe saw.
#[derive(Default)]
pub struct Seen {
    pub frames: u64,
    /// (when, price-feed messages counted so far) whenever the count moved.
    pub counts: Vec<(Instant, u64)>,
    /// Milliseconds from the server's stamp to the end of the frame that
    /// first showed it, for symbols on screen.
    pub latencies_ms: Vec<f64>,
    /// Bytes a redraw of every cell would have written, sampled frames.
    pub full_frame_bytes: Vec<u64>,
    /// Share of the run the console's thread was on the CPU.
    pub busy: f64,
    /// Milliseconds each measured frame took to render, diff and write.
    pub draw_ms: Vec<f64>,
    /// Bytes written and frames drawn while measuring (with a counter).
    pub measured_bytes: u64,
    pub measured_frames: u64,
    /// Seconds from the first measured frame to the last.
    pub measured_secs: f64,
}

pub struct Probe<S> {
    pub inner: S,
    pub seen: Seen,
    /// Symbols whose rows are on screen; latency is measured for these.
    visible: Vec<String>,
    last_stamp: HashMap<String, Timestamp>,
    /// Record latencies and full-frame sizes only after this instant.
    pub measure_from: Instant,
    /// Sample the full-redraw size every this many frames (0 = never).
    full_every: u64,
    size: (u16, u16),
    /// The writer's byte count, when the screen writes through one.
    pub counter: Option<Counting>,
    measuring_since: Option<(Instant, u64)>,
    /// Plays a terminal on loopback: each probe the console writes is
    /// answered at once, so flow control runs with a zero round trip.
    pub answers: Option<tokio::sync::mpsc::Sender<meridian::event::Event>>,
}

impl<S: Screen> Probe<S> {
    pub fn new(inner: S, visible: Vec<String>, size: (u16, u16), full_every: u64) -> Self {
        Probe {
            inner,
            seen: Seen::default(),
            visible,
            last_stamp: HashMap::new(),
            measure_from: Instant::now(),
            full_every,
            size,
            counter: None,
            measuring_since: None,
            answers: None,
        }
    }
}

impl<S: Screen> Screen for Probe<S> {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        let start = Instant::now();
        self.inner.draw(app, theme)?;
        let end_ms = unix_ms_f64();
        let now = Instant::now();
        if now >= self.measure_from {
            self.seen.draw_ms.push(now.duration_since(start).as_secs_f64() * 1e3);
            if let Some(c) = &self.counter {
                let bytes = c.0.load(Ordering::Relaxed);
                let (t0, b0) = *self.measuring_since.get_or_insert((now, bytes));
                self.seen.measured_bytes = bytes - b0;
                self.seen.measured_frames += 1;
                self.seen.measured_secs = now.duration_since(t0).as_secs_f64();
            }
        }
        self.seen.frames += 1;
        let messages = app.feeds.prices.messages;
        if self.seen.counts.last().is_none_or(|(_, m)| *m != messages) {
            self.seen.counts.push((now, messages));
        }
        let measuring = now >= self.measure_from;
        for sym in &self.visible {
            let Some(stamp) = app.markets.quotes.get(sym).and_then(|q| q.server_time) else {
                continue;
            };
            if self.last_stamp.insert(sym.clone(), stamp) != Some(stamp) && measuring {
                self.seen.latencies_ms.push(end_ms - stamp.millis() as f64);
            }
        }
        let due = self.seen.full_frame_bytes.is_empty()
            || self.seen.frames.is_multiple_of(self.full_every);
        if measuring && self.full_every > 0 && due {
            self.seen.full_frame_bytes.push(full_redraw_bytes(app, theme, self.size)?);
        }
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn bell(&mut self) -> io::Result<()> {
        self.inner.bell()
    }

    fn notify(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.notify(bytes)
    }

    fn probe(&mut self) -> io::Result<bool> {
        let asked = self.inner.probe()?;
        if let (true, Some(answers)) = (asked, &self.answers) {
            let _ = answers.try_send(meridian::event::Event::TerminalAnswer);
        }
        Ok(asked)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    fn bytes_written(&self) -> u64 {
        self.inner.bytes_written()
    }
}

/// Bytes that writing every cell of this frame would take, with the same
/// encoder and the same synchronized-output wrapping as the console.
pub fn full_redraw_bytes(app: &App, theme: &Theme, (w, h): (u16, u16)) -> io::Result<u64> {
    use crossterm::queue;
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    let mut term = Terminal::new(TestBackend::new(w, h)).map_err(io::Error::other)?;
    let frame = term.draw(|f| meridian::ui::render(f, app, theme)).map_err(io::Error::other)?;
    let buffer = frame.buffer.clone();
    let counter = Counting::default();
    let mut backend = CompactBackend::new(counter.clone());
    queue!(backend, BeginSynchronizedUpdate)?;
    let cells = buffer
        .content
        .iter()
        .enumerate()
        .map(|(i, c)| ((i % w as usize) as u16, (i / w as usize) as u16, c));
    backend.draw(cells)?;
    queue!(backend, EndSynchronizedUpdate)?;
    Write::flush(&mut backend)?;
    Ok(counter.0.load(Ordering::Relaxed))
}

/// Symbols whose names appear on a rendered screen of `app`.
pub fn visible_symbols(app: &App, theme: &Theme, (w, h): (u16, u16)) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let frame = term.draw(|f| meridian::ui::render(f, app, theme)).expect("draw");
    let rows: Vec<String> = (0..h)
        .map(|y| (0..w).map(|x| frame.buffer[(x, y)].symbol().to_string()).collect())
        .collect();
    app.markets
        .symbols
        .iter()
        .filter(|s| rows.iter().any(|r| r.split([' ', '│']).any(|word| word == s.as_str())))
        .cloned()
        .collect()
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}
